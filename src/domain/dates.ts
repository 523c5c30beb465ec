import { UserError } from "./errors.js";

/** A calendar date as "YYYY-MM-DD" (no time zone: it belongs to the account's or the query's zone). */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a valid ISO date, or null. @example isoToEpochDay("1970-01-02") // 1 */
export function isoToEpochDay(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return Date.UTC(y, mo - 1, d) / MS_PER_DAY;
}

/** The ISO date of an epoch day. @example epochDayToIso(0) // "1970-01-01" */
export function epochDayToIso(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * epochDayToIso that keeps its answers: rows of a batch share few days.
 * @example const isoOf = memoEpochDayToIso(); isoOf(0) // "1970-01-01"
 */
export function memoEpochDayToIso(): (day: number) => IsoDate {
  const known = new Map<number, IsoDate>();
  return (day) => {
    let s = known.get(day);
    if (s === undefined) {
      s = epochDayToIso(day);
      known.set(day, s);
    }
    return s;
  };
}

/**
 * isoToEpochDay that keeps its answers and refuses an invalid date, naming `what` holds it.
 * @example const dayOf = memoIsoToEpochDay("spend row"); dayOf("1970-01-02") // 1
 */
export function memoIsoToEpochDay(what: string): (iso: string) => number {
  const known = new Map<string, number>();
  return (iso) => {
    let d = known.get(iso);
    if (d === undefined) {
      const e = isoToEpochDay(iso);
      if (e === null) throw new Error(`${what} with an invalid date '${iso}'`);
      d = e;
      known.set(iso, d);
    }
    return d;
  };
}

/** Number of days in a month (1-12). @example daysInMonth(2024, 2) // 29 */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Builds an ISO date from parts, or null when the parts are not a real date. @example makeIsoDate(2026, 2, 30) // null */
export function makeIsoDate(year: number, month: number, day: number): IsoDate | null {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Validates a user-given ISO date (flag or field) or throws a UserError naming it. @example requireIsoDate("2026-10-01", "--from") */
export function requireIsoDate(text: string, what: string): IsoDate {
  const t = text.trim();
  if (isoToEpochDay(t) === null) throw new UserError("bad_date", `${what} must be a date as YYYY-MM-DD, got '${text}'`);
  return t;
}

/** Adds days to an ISO date. @example addDays("2026-10-31", 1) // "2026-11-01" */
export function addDays(iso: IsoDate, days: number): IsoDate {
  return epochDayToIso((isoToEpochDay(iso) as number) + days);
}

/** Inclusive day count of a range. @example daysBetweenInclusive("2026-10-01", "2026-10-31") // 31 */
export function daysBetweenInclusive(from: IsoDate, to: IsoDate): number {
  return (isoToEpochDay(to) as number) - (isoToEpochDay(from) as number) + 1;
}

/** The Monday that starts the ISO week of a date. @example isoWeekStart("2026-10-04") // "2026-09-28" */
export function isoWeekStart(iso: IsoDate): IsoDate {
  const day = isoToEpochDay(iso) as number;
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  return epochDayToIso(day - weekday);
}

/** The first day of a date's month. @example monthStart("2026-10-17") // "2026-10-01" */
export function monthStart(iso: IsoDate): IsoDate {
  return `${iso.slice(0, 7)}-01`;
}

export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

/**
 * Parses a period as a user writes it: "2026-10" (a month), "2026" (a year), "2026-10-05" (a day)
 * or "2026-10-01..2026-10-31". @example parsePeriod("2026-10") // { from: "2026-10-01", to: "2026-10-31" }
 */
export function parsePeriod(text: string): DateRange {
  const t = text.trim();
  const range = t.split("..");
  if (range.length === 2) {
    const from = requireIsoDate(range[0] ?? "", "the period's start");
    const to = requireIsoDate(range[1] ?? "", "the period's end");
    return checkedRange(from, to, t);
  }
  let m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const from = makeIsoDate(y, mo, 1);
    if (from) return { from, to: makeIsoDate(y, mo, daysInMonth(y, mo)) as string };
  }
  m = /^(\d{4})$/.exec(t);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  if (isoToEpochDay(t) !== null) return { from: t, to: t };
  throw new UserError("bad_period", `'${text}' is not a period: use 2026-10, 2026, 2026-10-05 or 2026-10-01..2026-10-31`);
}

/** A range checked for from ≤ to. @example checkedRange("2026-10-01", "2026-10-31") */
export function checkedRange(from: IsoDate, to: IsoDate, what = `${from}..${to}`): DateRange {
  if (from > to) throw new UserError("bad_period", `period ${what} ends before it starts`);
  return { from, to };
}

/** The range of equal length right before `r`. @example previousRange({ from: "2026-10-01", to: "2026-10-31" }) // Sep 30 days back */
export function previousRange(r: DateRange): DateRange {
  const n = daysBetweenInclusive(r.from, r.to);
  return { from: addDays(r.from, -n), to: addDays(r.from, -1) };
}

/**
 * A side's period from either a period string or a --from/--to pair (not both).
 * @example parsePeriodOrRange("2026-10", undefined, undefined, "--period") // { from: "2026-10-01", to: "2026-10-31" }
 */
export function parsePeriodOrRange(period: string | undefined, from: string | undefined, to: string | undefined, what: string): Partial<DateRange> {
  if (period && (from || to)) throw new UserError("bad_usage", `use ${what} or a --from/--to pair, not both`);
  if (period) return parsePeriod(period);
  const out: Partial<DateRange> = {};
  if (from) out.from = requireIsoDate(from, `${what} start`);
  if (to) out.to = requireIsoDate(to, `${what} end`);
  if (out.from && out.to) checkedRange(out.from, out.to);
  if (out.from && !out.to) throw new UserError("bad_usage", `${what}: a start date needs an end date too`);
  if (out.to && !out.from) throw new UserError("bad_usage", `${what}: an end date needs a start date too`);
  return out;
}
