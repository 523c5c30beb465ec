/** First-party tracking events (DESIGN §3 `events`): what the tracking server records. */
export const EVENT_TYPES = ["impression", "viewable", "click"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Why a request was recorded as invalid traffic instead of an event (counted per reason for invalid_rate).
 * `rate`: over `--ip-rate` or `--visitor-rate` (kept and counted, never dropped: many people may share an address).
 */
export const INVALID_REASONS = ["bot_user_agent", "headless", "automation", "prefetch", "duplicate_id", "rate"] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

/**
 * How an impression's viewability was measured: IntersectionObserver v1 sees the ad's pixels inside
 * the viewport (geometry only); v2 (`trackVisibility`) also sees whether something covers the ad or
 * makes it transparent. Absent ("") for unmeasured impressions and events of older tags.
 */
export const MEASUREMENTS = ["io-v1", "io-v2"] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

/** True when `s` names a measurement. @example isMeasurement("io-v2") // true */
export function isMeasurement(s: string): s is Measurement {
  return (MEASUREMENTS as readonly string[]).includes(s);
}

/** An event's measurement field from text: none for "" or an unknown name. @example measurementField("io-v1") // { measurement: "io-v1" } */
export function measurementField(s: string): { measurement?: Measurement } {
  return isMeasurement(s) ? { measurement: s } : {};
}

/** Longest accepted campaign, creative, placement (characters) and impression id. */
export const MAX_NAME_LENGTH = 200;
export const MAX_ID_LENGTH = 64;
/** Most events in one POST /e batch. */
export const MAX_BATCH_EVENTS = 100;

/**
 * One event as the log and the store hold it. `ts` is UTC epoch milliseconds; `visitor` is a salted
 * 64-bit hash as 16 hex digits (never an IP or user agent); `reason` is "" for valid traffic.
 */
export interface TrackedEvent {
  ts: number;
  type: EventType;
  impression_id: string;
  campaign: string;
  creative: string;
  placement: string;
  visitor: string;
  country: string;
  device: string;
  /** The script had started measuring viewability when it sent the event. */
  measurable: boolean;
  /** Which measurement the script used; absent or "" when none (or an older tag). */
  measurement?: Measurement | "";
  reason: InvalidReason | "";
}

/** The fields a hit names, before the server adds time, visitor and classification. */
export interface HitFields {
  type: EventType;
  campaign: string;
  creative: string;
  placement: string;
  impression_id: string;
  measurable: boolean;
  /** Which measurement the script used ("" when none). */
  measurement?: Measurement | "";
  /** The page reported navigator.webdriver (automation). */
  webdriver: boolean;
}

/** True when `s` names an event type. @example isEventType("click") // true */
export function isEventType(s: string): s is EventType {
  return s === "impression" || s === "viewable" || s === "click";
}

/** Event types as the log abbreviates them. */
const TYPE_CODE: Record<EventType, string> = { impression: "i", viewable: "v", click: "c" };
const CODE_TYPE: Record<string, EventType> = { i: "impression", v: "viewable", c: "click" };

/**
 * One event as one log line (a JSON array and "\n"); a measurement, when there is one, is a 12th
 * element, so lines without one are those older versions wrote.
 * @example encodeEventLine(e) // '[1790000000000,"i","id1","Launch Q4",…]\n'
 */
export function encodeEventLine(e: TrackedEvent): string {
  // The same text as JSON.stringify of the array, built directly (it was a third of the recorder's time).
  const m = e.measurement ? `,${jsonString(e.measurement)}` : "";
  return `[${JSON.stringify(e.ts)},"${TYPE_CODE[e.type]}",${jsonString(e.impression_id)},${jsonString(e.campaign)},${jsonString(e.creative)},${jsonString(e.placement)},${jsonString(e.visitor)},${jsonString(e.country)},${jsonString(e.device)},${e.measurable ? 1 : 0},${jsonString(e.reason)}${m}]\n`;
}

/** A string as JSON: quoted as it is when nothing in it needs escaping (the usual case), else by JSON.stringify. */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Control characters, quote, backslash, and surrogates (a lone one is escaped).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** Parses one log line written by encodeEventLine; null when it is not one. @example decodeEventLine(encodeEventLine(e)) // e */
export function decodeEventLine(line: string): TrackedEvent | null {
  let a: unknown;
  try {
    a = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(a) || (a.length !== 11 && a.length !== 12) || typeof a[0] !== "number") return null;
  const type = CODE_TYPE[String(a[1])];
  if (!type) return null;
  const measurement = a.length === 12 ? String(a[11]) : "";
  if (measurement !== "" && !isMeasurement(measurement)) return null;
  return {
    ts: a[0],
    type,
    impression_id: String(a[2]),
    campaign: String(a[3]),
    creative: String(a[4]),
    placement: String(a[5]),
    visitor: String(a[6]),
    country: String(a[7]),
    device: String(a[8]),
    measurable: a[9] === 1,
    ...measurementField(measurement),
    reason: String(a[10]) as TrackedEvent["reason"],
  };
}
