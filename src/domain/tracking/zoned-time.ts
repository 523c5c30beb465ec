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
