import { UserError } from "../errors.js";
import { type EventType, type HitFields, isEventType, isMeasurement, MAX_ID_LENGTH, MAX_NAME_LENGTH, MEASUREMENTS, type Measurement, measurementField } from "./event.js";

/** Reads one named field of a hit (a query parameter or a JSON property), undefined when absent. */
export type FieldReader = (name: string) => unknown;

const ID = /^[A-Za-z0-9._:-]*$/;

function text(read: FieldReader, name: string, what: string, max: number, required: boolean): string {
  const v = read(name);
  if (v === undefined || v === null || v === "") {
    if (required) throw new UserError("missing_param", `${name} (${what}) is required`);
    return "";
  }
  if (typeof v !== "string") throw new UserError("bad_param", `${name} (${what}) must be text`);
  if (v.length > max) throw new UserError("param_too_long", `${name} (${what}) is longer than ${max} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new UserError("bad_param", `${name} (${what}) contains control characters`);
  return v;
}

function flag(read: FieldReader, name: string): boolean {
  const v = read(name);
  return v === 1 || v === "1" || v === true || v === "true";
}

function measurement(read: FieldReader): Measurement | "" {
  const v = read("mm");
  if (v === undefined || v === null || v === "") return "";
  if (typeof v !== "string" || !isMeasurement(v)) throw new UserError("bad_param", `mm (measurement) must be ${MEASUREMENTS.join(" or ")}`);
  return v;
}

/**
 * Validates a hit's fields: c (campaign) required; cr (creative), p (placement), id (impression id)
 * optional; m=1 measurable, mm the measurement used (io-v1, io-v2), wd=1 webdriver. Throws a
 * UserError with a short reason.
 * @example hitFields((n) => ({ c: "Launch Q4" })[n], "impression").campaign // "Launch Q4"
 */
export function hitFields(read: FieldReader, type: EventType): HitFields {
  const impression_id = text(read, "id", "impression id", MAX_ID_LENGTH, false);
  if (!ID.test(impression_id)) throw new UserError("bad_param", "id (impression id) may hold only letters, digits and . _ : -");
  return {
    type,
    campaign: text(read, "c", "campaign", MAX_NAME_LENGTH, true),
    creative: text(read, "cr", "creative", MAX_NAME_LENGTH, false),
    placement: text(read, "p", "placement", MAX_NAME_LENGTH, false),
    impression_id,
    measurable: flag(read, "m"),
    ...measurementField(measurement(read)),
    webdriver: flag(read, "wd"),
  };
}

/**
 * Validates a POST /e body already parsed as JSON: an array of 1..max event objects, each with
 * `t` (impression, viewable or click) and the fields of hitFields. All or nothing.
 * @example eventBatch([{ t: "impression", c: "Launch Q4" }], 100).length // 1
 */
export function eventBatch(body: unknown, max: number): HitFields[] {
  if (!Array.isArray(body)) throw new UserError("not_an_array", "the body must be a JSON array of events");
  if (body.length === 0) throw new UserError("empty_batch", "the batch holds no events");
  if (body.length > max) throw new UserError("batch_too_large", `a batch holds at most ${max} events`);
  return body.map((e, i) => {
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw new UserError("bad_event", `event ${i} is not an object`);
    const o = e as Record<string, unknown>;
    const t = o.t ?? o.type;
    if (typeof t !== "string" || !isEventType(t)) throw new UserError("unknown_event_type", `event ${i}: unknown event type (use impression, viewable or click)`);
    try {
      return hitFields((n) => o[n], t);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(err.code, `event ${i}: ${err.message}`);
      throw err;
    }
  });
}
