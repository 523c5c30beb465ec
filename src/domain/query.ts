import { type IsoDate, requireIsoDate } from "./dates.js";
import { UserError } from "./errors.js";
import { type MetricName, parseMetricList } from "./metrics.js";
import { canonicalSource } from "./sources.js";

/** Entity dimensions a report can group and filter by. */
export const ENTITY_DIMENSIONS = [
  "source",
  "account",
  "campaign",
  "ad_group",
  "ad",
  "placement",
  "currency",
  "country",
  "device",
  "age",
  "gender",
  "measurement",
] as const;
/** Time grains: a row is bucketed by its date (or keeps its range when it spans several buckets). */
export const TIME_GRAINS = ["day", "week", "month"] as const;

export type EntityDimension = (typeof ENTITY_DIMENSIONS)[number];
export type TimeGrain = (typeof TIME_GRAINS)[number];
export type Dimension = EntityDimension | TimeGrain;

export function isTimeGrain(d: string): d is TimeGrain {
  return (TIME_GRAINS as readonly string[]).includes(d);
}

export function isEntityDimension(d: string): d is EntityDimension {
  return (ENTITY_DIMENSIONS as readonly string[]).includes(d);
}

export type FilterOp = "eq" | "neq" | "contains";

/** A filter on an entity dimension: `eq`/`neq` match any of `values` exactly; `contains` is case-insensitive. */
export interface Filter {
  dimension: EntityDimension;
  op: FilterOp;
  values: string[];
}

/**
 * What the CLI, the API and the dashboard all send: measures are implied by the metrics.
 * `from`/`to` are inclusive dates in `timezone` (spend rows are dated in their account's zone).
 */
export interface MetricQuery {
  metrics: MetricName[];
  dimensions: Dimension[];
  filters: Filter[];
  from?: IsoDate;
  to?: IsoDate;
  timezone?: string;
  currency?: string;
}

/** Parses "campaign,day" into dimensions. @example parseDimensionList("campaign,day") // ["campaign", "day"] */
export function parseDimensionList(list: string): Dimension[] {
  const out: Dimension[] = [];
  for (const raw of list.split(",")) {
    const d = raw.trim().toLowerCase().replace(/-/g, "_");
    if (!d) continue;
    if (!isEntityDimension(d) && !isTimeGrain(d)) {
      throw new UserError(
        "unknown_dimension",
        `unknown dimension '${raw.trim()}'; known: ${[...ENTITY_DIMENSIONS, ...TIME_GRAINS].join(", ")}`,
      );
    }
    if (out.includes(d)) throw new UserError("duplicate_dimension", `dimension '${d}' is listed twice`);
    out.push(d);
  }
  if (out.filter(isTimeGrain).length > 1) throw new UserError("bad_dimensions", "use at most one time grain (day, week or month)");
  return out;
}

/**
 * Parses a filter as written after --where: `source=meta`, `source=meta|google`, `campaign!=Test`,
 * `campaign~launch` (contains). @example parseFilter("source=meta") // { dimension: "source", op: "eq", values: ["meta"] }
 */
export function parseFilter(text: string): Filter {
  const m = /^\s*([A-Za-z_-]+)\s*(!=|=|~)(.*)$/s.exec(text);
  if (!m) throw new UserError("bad_filter", `--where '${text}' is not DIMENSION=VALUE, DIMENSION!=VALUE or DIMENSION~TEXT`);
  const dim = (m[1] ?? "").toLowerCase().replace(/-/g, "_");
  if (!isEntityDimension(dim)) throw new UserError("unknown_dimension", `--where '${text}': unknown dimension '${m[1]}'; known: ${ENTITY_DIMENSIONS.join(", ")}`);
  const op: FilterOp = m[2] === "!=" ? "neq" : m[2] === "~" ? "contains" : "eq";
  const values = (m[3] ?? "").split("|").map((v) => v.trim());
  if (values.some((v) => v === "")) throw new UserError("bad_filter", `--where '${text}' has an empty value`);
  for (const v of values) requireStorableText(v, `--where ${dim}`);
  // A platform's other names mean its one stored id: source=google_ads finds google-ads.
  if (dim === "source" && op !== "contains") return { dimension: dim, op, values: [...new Set(values.map(canonicalSource))] };
  return { dimension: dim, op, values };
}

/**
 * A value compared with stored names must be text a store can hold: no NUL byte (imports refuse
 * files with one, so nothing stored has one, and no engine takes it in SQL text).
 * @example requireStorableText("Launch Q4", "--where campaign") // "Launch Q4"
 */
export function requireStorableText(value: string, what: string): string {
  if (value.includes("\u0000")) throw new UserError("bad_value", `${what}: the value holds a NUL byte (\\0), which no stored name has`);
  return value;
}

export interface MetricQueryInput {
  metrics?: string;
  by?: string;
  where?: string[];
  from?: string;
  to?: string;
  timezone?: string;
  currency?: string;
}

/** Builds and validates a MetricQuery from user strings (CLI flags or API query parameters). */
export function buildMetricQuery(input: MetricQueryInput): MetricQuery {
  const q: MetricQuery = {
    metrics: parseMetricList(input.metrics ?? "cost,impressions,clicks,cpi,cpm,ctr"),
    dimensions: input.by ? parseDimensionList(input.by) : [],
    filters: (input.where ?? []).map(parseFilter),
  };
  if (input.from) q.from = requireIsoDate(input.from, "--from");
  if (input.to) q.to = requireIsoDate(input.to, "--to");
  if (q.from && q.to && q.from > q.to) throw new UserError("bad_period", `--from ${q.from} is after --to ${q.to}`);
  if (input.timezone) q.timezone = requireTimeZone(input.timezone);
  if (input.currency) q.currency = input.currency.trim().toUpperCase();
  return q;
}

/** Validates an IANA time zone name. @example requireTimeZone("Europe/Berlin") */
export function requireTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    throw new UserError("bad_timezone", `'${tz}' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
  }
}
