import { isoToEpochDay } from "../dates.js";

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formats.set(tz, f);
  }
  return f;
}

/** Offset of a zone from UTC at an instant, in ms (local = utc + offset). @example zoneOffsetMs(Date.UTC(2026, 0, 1), "America/New_York") // -18000000 */
export function zoneOffsetMs(utcMs: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const part of format(tz).formatToParts(new Date(utcMs))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant (epoch ms) at which a calendar day starts in a time zone.
 * @example zonedDayStartUtc("2026-10-01", "America/New_York") // Date.UTC(2026, 9, 1, 4)
 */
export function zonedDayStartUtc(iso: string, tz: string): number {
  const local = (isoToEpochDay(iso) as number) * 86_400_000;
  let utc = local - zoneOffsetMs(local, tz);
  const again = local - zoneOffsetMs(utc, tz);
  if (again !== utc) utc = again;
  return utc;
}

/** The calendar day of an instant in a zone. @example zonedIsoDate(Date.UTC(2026, 9, 1, 2), "America/New_York") // "2026-09-30" */
export function zonedIsoDate(utcMs: number, tz: string): string {
  return new Date(utcMs + zoneOffsetMs(utcMs, tz)).toISOString().slice(0, 10);
}

const QUARTER_HOUR_MS = 900_000;

/** A stretch of time [start, end) over which a zone keeps one offset from UTC. */
export interface ZoneSpan {
  start: number;
  end: number;
  offsetMs: number;
}

/**
 * The zone's offsets over [fromMs, toMs), as consecutive spans (offsets sampled daily, each change
 * located to the second).
 * @example zoneSpans("UTC", 0, 86_400_000) // [{ start: 0, end: 86_400_000, offsetMs: 0 }]
 */
export function zoneSpans(tz: string, fromMs: number, toMs: number): ZoneSpan[] {
  let t = Math.floor(fromMs / 1000) * 1000;
  const end = Math.max(t, Math.ceil(toMs / 1000) * 1000);
  const spans: ZoneSpan[] = [{ start: t, end, offsetMs: zoneOffsetMs(t, tz) }];
  while (t < end) {
    const next = Math.min(t + 86_400_000, end);
    const last = spans[spans.length - 1] as ZoneSpan;
    if (zoneOffsetMs(next, tz) !== last.offsetMs) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (zoneOffsetMs(mid, tz) === last.offsetMs) lo = mid;
        else hi = mid;
      }
      last.end = hi;
      spans.push({ start: hi, end, offsetMs: zoneOffsetMs(hi, tz) });
    }
    t = next;
  }
  return spans;
}

/**
 * Whether every offset in the spans is a whole number of quarter hours and every change falls on a
 * quarter-hour instant: then all events in one 15-minute UTC bucket share a local day, so days can be
 * taken per bucket instead of per event.
 * @example quarterHourSpans(zoneSpans("America/New_York", Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))) // true
 */
export function quarterHourSpans(spans: readonly ZoneSpan[]): boolean {
  return spans.every((s, i) => s.offsetMs % QUARTER_HOUR_MS === 0 && (i === 0 || s.start % QUARTER_HOUR_MS === 0));
}

/** quarterHourSpans over a zone's offsets in [fromMs, toMs). @example quarterHourZone("Africa/Monrovia", Date.UTC(1971, 0), Date.UTC(1973, 0)) // false (−0:44:30) */
export function quarterHourZone(tz: string, fromMs: number, toMs: number): boolean {
  return quarterHourSpans(zoneSpans(tz, fromMs, toMs));
}
