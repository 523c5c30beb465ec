import { addDays, type IsoDate } from "./dates.js";

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar day an instant falls on in an IANA time zone.
 * @example dayInZone(Date.parse("2026-11-20T03:00:00Z"), "America/Los_Angeles") // "2026-11-19"
 */
export function dayInZone(epochMs: number, zone: string): IsoDate {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    formats.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * Yesterday in a time zone: the last complete day an account's platform reports.
 * @example yesterdayInZone(Date.parse("2026-11-20T03:00:00Z"), "Europe/Berlin") // "2026-11-19"
 */
export function yesterdayInZone(epochMs: number, zone: string): IsoDate {
  return addDays(dayInZone(epochMs, zone), -1);
}
