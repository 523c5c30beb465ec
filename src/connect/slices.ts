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
