import { addDays, daysBetweenInclusive, type IsoDate, requireIsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";

/** Where a first sync (or `--since`) starts: a number of days back, or a date. */
export type Since = { days: number } | { date: IsoDate };

/** Days a first sync backfills by default. */
export const DEFAULT_SINCE_DAYS = 90;

/**
 * Parses --since: "90d", "90" (days back, yesterday included) or a date.
 * @example parseSince("30d") // { days: 30 }
 */
export function parseSince(text: string): Since {
  const t = text.trim();
  const m = /^(\d{1,5})d?$/i.exec(t);
  if (m) {
    const days = Number(m[1]);
    if (days < 1) throw new UserError("bad_flag", "--since must be at least 1 day");
    return { days };
  }
  return { date: requireIsoDate(t, "--since") };
}

/**
 * Parses --lookback: whole days (0 to 400).
 * @example parseLookback("28") // 28
 */
export function parseLookback(text: string): number {
  const n = Number(text.trim().replace(/d$/i, ""));
  if (!Number.isInteger(n) || n < 0 || n > 400) throw new UserError("bad_flag", `--lookback must be a whole number of days from 0 to 400, got '${text}'`);
  return n;
}

/**
 * The days an account's sync pulls, up to yesterday in its zone: a first sync (or an explicit
 * `since`) backfills from `since`; a later one re-pulls `lookback` days before the last synced day,
 * since platforms restate recent days. Null when there is nothing to pull (since is after yesterday).
 * @example syncWindow({ yesterday: "2026-11-19", syncedThrough: "2026-11-18", lookback: 14 }) // { from: "2026-11-04", to: "2026-11-19" }
 */
export function syncWindow(o: { yesterday: IsoDate; syncedThrough: IsoDate | null; lookback: number; since?: Since | undefined }): { from: IsoDate; to: IsoDate } | null {
  const to = o.yesterday;
  let from: IsoDate;
  if (o.since !== undefined || o.syncedThrough === null) {
    const since = o.since ?? { days: DEFAULT_SINCE_DAYS };
    from = "date" in since ? since.date : addDays(to, -(since.days - 1));
  } else {
    from = addDays([o.syncedThrough, to].sort()[0] as IsoDate, -o.lookback);
  }
  if (from > to) return null;
  return { from, to };
}

/** Days in a window. @example windowDays({ from: "2026-11-01", to: "2026-11-03" }) // 3 */
export function windowDays(w: { from: IsoDate; to: IsoDate }): number {
  return daysBetweenInclusive(w.from, w.to);
}
