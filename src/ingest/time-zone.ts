const valid = new Map<string, boolean>();

/** True when `zone` is an IANA time zone this runtime knows. @example isIanaTimeZone("Europe/Paris") // true */
export function isIanaTimeZone(zone: string): boolean {
  let ok = valid.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      ok = zone !== "" && !/^[+-]?\d/.test(zone);
    } catch {
      ok = false;
    }
    valid.set(zone, ok);
  }
  return ok;
}

/**
 * Windows / Microsoft Advertising time-zone labels ("(GMT-08:00) Pacific Time (US & Canada); Tijuana")
 * mapped to IANA zones, keyed by a distinctive lower-case fragment of the label.
 */
const WINDOWS_ZONES: readonly [string, string][] = [
  ["pacific time", "America/Los_Angeles"],
  ["mountain time", "America/Denver"],
  ["arizona", "America/Phoenix"],
  ["central time", "America/Chicago"],
  ["eastern time", "America/New_York"],
  ["atlantic time", "America/Halifax"],
  ["alaska", "America/Anchorage"],
  ["hawaii", "Pacific/Honolulu"],
  ["newfoundland", "America/St_Johns"],
  ["saskatchewan", "America/Regina"],
  ["mexico city", "America/Mexico_City"],
  ["bogota", "America/Bogota"],
  ["brasilia", "America/Sao_Paulo"],
  ["buenos aires", "America/Argentina/Buenos_Aires"],
  ["santiago", "America/Santiago"],
  ["greenwich mean time", "Europe/London"],
  ["dublin, edinburgh, lisbon, london", "Europe/London"],
  ["casablanca", "Africa/Casablanca"],
  ["amsterdam", "Europe/Amsterdam"],
  ["brussels", "Europe/Paris"],
  ["belgrade", "Europe/Belgrade"],
  ["sarajevo", "Europe/Warsaw"],
  ["west central africa", "Africa/Lagos"],
  ["athens", "Europe/Athens"],
  ["helsinki", "Europe/Helsinki"],
  ["cairo", "Africa/Cairo"],
  ["jerusalem", "Asia/Jerusalem"],
  ["harare", "Africa/Johannesburg"],
  ["moscow", "Europe/Moscow"],
  ["baghdad", "Asia/Baghdad"],
  ["kuwait", "Asia/Riyadh"],
  ["nairobi", "Africa/Nairobi"],
  ["tehran", "Asia/Tehran"],
  ["abu dhabi", "Asia/Dubai"],
  ["kabul", "Asia/Kabul"],
  ["islamabad", "Asia/Karachi"],
  ["ekaterinburg", "Asia/Yekaterinburg"],
  ["chennai", "Asia/Kolkata"],
  ["kathmandu", "Asia/Kathmandu"],
  ["dhaka", "Asia/Dhaka"],
  ["yangon", "Asia/Yangon"],
  ["rangoon", "Asia/Yangon"],
  ["bangkok", "Asia/Bangkok"],
  ["beijing", "Asia/Shanghai"],
  ["singapore", "Asia/Singapore"],
  ["kuala lumpur", "Asia/Kuala_Lumpur"],
  ["perth", "Australia/Perth"],
  ["taipei", "Asia/Taipei"],
  ["osaka", "Asia/Tokyo"],
  ["tokyo", "Asia/Tokyo"],
  ["seoul", "Asia/Seoul"],
  ["adelaide", "Australia/Adelaide"],
  ["darwin", "Australia/Darwin"],
  ["brisbane", "Australia/Brisbane"],
  ["canberra", "Australia/Sydney"],
  ["hobart", "Australia/Hobart"],
  ["auckland", "Pacific/Auckland"],
  ["coordinated universal time", "UTC"],
  // Microsoft Advertising's other account zones (its TimeZone values, spelled out), after the above.
  ["indiana", "America/Indiana/Indianapolis"],
  ["international date line", "Etc/GMT+12"],
  ["midway", "Pacific/Pago_Pago"],
  ["greenland", "America/Nuuk"],
  ["azores", "Atlantic/Azores"],
  ["cape verde", "Atlantic/Cape_Verde"],
  ["mid atlantic", "America/Noronha"],
  ["mid-atlantic", "America/Noronha"],
  ["caracas", "America/Caracas"],
  ["central america", "America/Guatemala"],
  ["chihuahua", "America/Chihuahua"],
  ["bucharest", "Europe/Bucharest"],
  ["baku", "Asia/Baku"],
  ["karachi", "Asia/Karachi"],
  ["sri jayawardenepura", "Asia/Colombo"],
  ["almaty", "Asia/Almaty"],
  ["novosibirsk", "Asia/Novosibirsk"],
  ["astana", "Asia/Almaty"],
  ["krasnoyarsk", "Asia/Krasnoyarsk"],
  ["irkutsk", "Asia/Irkutsk"],
  ["yakutsk", "Asia/Yakutsk"],
  ["vladivostok", "Asia/Vladivostok"],
  ["guam", "Pacific/Port_Moresby"],
  ["magadan", "Asia/Magadan"],
  ["solomon", "Pacific/Guadalcanal"],
  ["fiji", "Pacific/Fiji"],
  ["nuku", "Pacific/Tongatapu"],
];

/**
 * An IANA zone for a time-zone label as a report states it: an IANA name as is, "UTC"/"GMT", or a
 * Windows-style label; null when unknown.
 * @example timeZoneFromLabel("(GMT-08:00) Pacific Time (US & Canada); Tijuana") // "America/Los_Angeles"
 */
export function timeZoneFromLabel(label: string): string | null {
  const t = label.trim();
  if (t === "") return null;
  if (/^(utc|gmt|z|etc\/utc)$/i.test(t)) return "UTC";
  if (t.includes("/") && isIanaTimeZone(t)) return t;
  const lower = t.toLowerCase();
  for (const [fragment, zone] of WINDOWS_ZONES) if (lower.includes(fragment)) return zone;
  if (/^\(?(gmt|utc)\)?$/.test(lower.replace(/[^a-z()]/g, ""))) return "UTC";
  return null;
}
