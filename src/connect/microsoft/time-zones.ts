// Microsoft Advertising's account time zones (the Customer Management TimeZone values, such as
// "PacificTimeUSCanadaTijuana") as IANA zones. The value is spelled out in words and read like the
// "Time Zone:" line of a downloaded report (ingest/time-zone.ts), so an account synced and a report
// imported get the same zone. Values: https://learn.microsoft.com/en-us/advertising/guides/time-zones
import { timeZoneFromLabel } from "../../ingest/time-zone.js";

/**
 * The IANA zone of a Microsoft Advertising TimeZone value, or null when it is not one cpi knows.
 * @example microsoftTimeZone("AmsterdamBerlinBernRomeStockholmVienna") // "Europe/Amsterdam"
 */
export function microsoftTimeZone(value: string): string | null {
  const words = value
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  if (!/^[A-Za-z ]+$/.test(words)) return null;
  const zone = timeZoneFromLabel(words);
  return zone === "UTC" && !/coordinated universal|^utc$|^gmt$/i.test(words) ? null : zone;
}
