// A pull window cut into slices of at most N days, for platforms that cap (or slow down on) long
// date ranges in one report request.
import { addDays, type IsoDate } from "../domain/dates.js";
import type { PullWindow } from "./connector.js";

/**
 * The window's consecutive slices of at most `days` days, in order.
 * @example windowSlices({ from: "2026-01-01", to: "2026-02-15" }, 30) // [{ from: "2026-01-01", to: "2026-01-30" }, { from: "2026-01-31", to: "2026-02-15" }]
 */
export function windowSlices(w: PullWindow, days: number): PullWindow[] {
  const out: PullWindow[] = [];
  for (let from = w.from; from <= w.to; from = addDays(from, days)) {
    const end = addDays(from, days - 1);
    out.push({ from, to: [end, w.to].sort()[0] as IsoDate });
  }
  return out;
}

/**
 * Rows of a window from a platform that may find it too much (TikTok's "query too large", LinkedIn's
 * silently capped answers): `pull` returns null for too much, and the same days are asked again in
 * the shorter slices of `shorter`, in turn. `pull` is told when no shorter slice is left (one day, or
 * the last step): it must then return rows or throw.
 * @example await shortening(w, [7, 1], (part, last) => fetchRows(part, last), (part, days) => log(`${days} days at a time`))
 */
export async function shortening<T>(w: PullWindow, shorter: readonly number[], pull: (w: PullWindow, last: boolean) => Promise<T[] | null>, split: (w: PullWindow, days: number) => void): Promise<T[]> {
  const days = shorter[0];
  const last = days === undefined || w.from === w.to;
  const rows = await pull(w, last);
  if (rows !== null) return rows;
  if (last) throw new Error(`shortening: pull returned null for ${w.from}..${w.to} with no shorter slice left`);
  split(w, days);
  const out: T[] = [];
  for (const part of windowSlices(w, days)) out.push(...(await shortening(part, shorter.slice(1), pull, split)));
  return out;
}
