import { addDays, type DateRange, daysInMonth, makeIsoDate } from "../domain/dates.js";
import { type DateOrder, parseLocaleDate } from "./locale-date.js";

/** A time segment of a report row coarser than a day. */
export type SegmentKind = "week" | "month" | "quarter" | "year";

const MONTH_WORDS = /^([^\d\s]+)\.?\s+(\d{4})$/;

/**
 * The days a segment value covers: "2026-01-05" in a Week column is that week (7 days from it), a
 * Month value ("2026-01-01", "January 2026", "2026-01") is the month, a Quarter value ("2026-04-01",
 * "Q2 2026") its three months, a Year value the year. Clipped to `within` when given (a report's own
 * range: its first and last weeks are partial). Null when the value is not understood.
 * @example segmentRange("month", "January 2026", "mdy") // { from: "2026-01-01", to: "2026-01-31" }
 */
export function segmentRange(kind: SegmentKind, value: string, order: DateOrder, within?: DateRange | null): DateRange | null {
  const range = rawRange(kind, value.trim(), order);
  if (!range || !within) return range;
  // ISO dates are strings: compared as text, not with Math.max/min.
  // biome-ignore lint/complexity/useMathMinMax: strings
  const from = range.from > within.from ? range.from : within.from;
  // biome-ignore lint/complexity/useMathMinMax: strings
  const to = range.to < within.to ? range.to : within.to;
  return from <= to ? { from, to } : null;
}

function rawRange(kind: SegmentKind, v: string, order: DateOrder): DateRange | null {
  if (kind === "year") {
    const y = /^(\d{4})$/.exec(v) ?? /^(\d{4})-01-01$/.exec(v);
    return y ? { from: `${y[1]}-01-01`, to: `${y[1]}-12-31` } : null;
  }
  if (kind === "quarter") {
    const q = /^q([1-4])\s*(\d{4})$/i.exec(v) ?? /^(\d{4})\s*-?\s*q([1-4])$/i.exec(v);
    if (q) {
      const [year, n] = /^q/i.test(v) ? [Number(q[2]), Number(q[1])] : [Number(q[1]), Number(q[2])];
      return monthsRange(year, (n - 1) * 3 + 1, 3);
    }
    const start = parseLocaleDate(v, order);
    return start ? monthsRange(Number(start.slice(0, 4)), Number(start.slice(5, 7)), 3) : null;
  }
  if (kind === "month") {
    const ym = /^(\d{4})-(\d{2})$/.exec(v);
    if (ym) return monthsRange(Number(ym[1]), Number(ym[2]), 1);
    const words = MONTH_WORDS.exec(v);
    if (words) {
      const first = parseLocaleDate(`1 ${words[1]} ${words[2]}`, order);
      if (first) return monthsRange(Number(words[2]), Number(first.slice(5, 7)), 1);
    }
    const start = parseLocaleDate(v, order);
    return start ? monthsRange(Number(start.slice(0, 4)), Number(start.slice(5, 7)), 1) : null;
  }
  const start = parseLocaleDate(v, order);
  return start ? { from: start, to: addDays(start, 6) } : null;
}

function monthsRange(year: number, month: number, count: number): DateRange | null {
  const from = makeIsoDate(year, month, 1);
  const endMonth = month + count - 1;
  const to = makeIsoDate(year, endMonth, daysInMonth(year, endMonth));
  return from && to ? { from, to } : null;
}
