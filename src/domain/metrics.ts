import { UserError } from "./errors.js";
import type { Totals } from "./measures.js";
import { microsToUnits } from "./money.js";

/** Which way a metric is better: a lower CPI is a win, a higher CTR is. */
export type Direction = "lower" | "higher" | "none";
/** How a metric's value is shown: money per 1 / per 1000, counts, fractions shown as percent, plain ratios. */
export type MetricUnit = "money" | "count" | "percent" | "ratio";

/**
 * Measures only first-party tracking has. Invalid impressions are additive; reach is a distinct
 * count (DESIGN rule 3): it comes from its own query per row and is never summed. Absent (undefined)
 * for reported data, so their metrics are null rather than a misleading 0.
 */
export interface TrackedMeasures {
  invalid_impressions?: number;
  reach?: number | null;
}

/** What a metric is computed from: summed measures, plus tracking's when the row has them. */
export type MetricInput = Totals & TrackedMeasures;

/**
 * A MetricInput with its money in currency units (plain numbers): what every formula is written
 * over, so that a report's columns of sums can be turned into metrics without a BigInt per row.
 */
export type MetricUnits = Omit<Totals, "cost" | "revenue"> & TrackedMeasures & { cost: number; revenue: number };

/** A MetricInput's money in currency units. @example unitsOf({ ...emptyTotals(), cost: 5_000_000n }).cost // 5 */
export function unitsOf(t: MetricInput): MetricUnits {
  return { ...t, cost: microsToUnits(t.cost), revenue: microsToUnits(t.revenue) };
}

export interface MetricDef {
  readonly name: string;
  readonly label: string;
  readonly unit: MetricUnit;
  readonly direction: Direction;
  /** Decimals shown in tables (money with more precision for per-impression prices). */
  readonly decimals: number;
  readonly description: string;
  /** The metric from summed measures; null when its denominator is zero (never Infinity/NaN). */
  value(t: MetricInput): number | null;
  /** The same metric from the sums with money in units (the formula itself; `value` converts and calls it). */
  ofUnits(u: MetricUnits): number | null;
}

/** a / b, or null when b is 0. @example ratio(1, 0) // null */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** A catalogue entry from its formula over units (`of`): `value` is the same formula over micros. */
function def(m: Omit<MetricDef, "value" | "ofUnits"> & { of: (u: MetricUnits) => number | null }): MetricDef {
  const { of, ...rest } = m;
  return { ...rest, ofUnits: of, value: (t) => of(unitsOf(t)) };
}

/** The metric catalogue: every metric's formula, unit and direction, defined once. */
export const METRICS = {
  cost: def({ name: "cost", label: "Cost", unit: "money", direction: "none", decimals: 2, description: "Σ cost", of: (u) => u.cost }),
  impressions: def({
    name: "impressions",
    label: "Impressions",
    unit: "count",
    direction: "higher",
    decimals: 0,
    description: "Σ impressions",
    of: (u) => u.impressions,
  }),
  clicks: def({ name: "clicks", label: "Clicks", unit: "count", direction: "higher", decimals: 0, description: "Σ clicks", of: (u) => u.clicks }),
  conversions: def({
    name: "conversions",
    label: "Conversions",
    unit: "count",
    direction: "higher",
    decimals: 2,
    description: "Σ conversions",
    of: (u) => u.conversions,
  }),
  revenue: def({ name: "revenue", label: "Revenue", unit: "money", direction: "higher", decimals: 2, description: "Σ conversion value", of: (u) => u.revenue }),
  cpi: def({
    name: "cpi",
    label: "CPI",
    unit: "money",
    direction: "lower",
    decimals: 4,
    description: "cost per impression = Σcost / Σimpressions",
    of: (u) => ratio(u.cost, u.impressions),
  }),
  cpm: def({
    name: "cpm",
    label: "CPM",
    unit: "money",
    direction: "lower",
    decimals: 2,
    description: "cost per 1000 impressions = 1000 × Σcost / Σimpressions",
    of: (u) => ratio(1000 * u.cost, u.impressions),
  }),
  cpc: def({
    name: "cpc",
    label: "CPC",
    unit: "money",
    direction: "lower",
    decimals: 2,
    description: "cost per click = Σcost / Σclicks",
    of: (u) => ratio(u.cost, u.clicks),
  }),
  cpa: def({
    name: "cpa",
    label: "CPA",
    unit: "money",
    direction: "lower",
    decimals: 2,
    description: "cost per conversion = Σcost / Σconversions",
    of: (u) => ratio(u.cost, u.conversions),
  }),
  ctr: def({
    name: "ctr",
    label: "CTR",
    unit: "percent",
    direction: "higher",
    decimals: 2,
    description: "click-through rate = Σclicks / Σimpressions",
    of: (u) => ratio(u.clicks, u.impressions),
  }),
  cvr: def({
    name: "cvr",
    label: "CVR",
    unit: "percent",
    direction: "higher",
    decimals: 2,
    description: "conversion rate = Σconversions / Σclicks",
    of: (u) => ratio(u.conversions, u.clicks),
  }),
  roas: def({
    name: "roas",
    label: "ROAS",
    unit: "ratio",
    direction: "higher",
    decimals: 2,
    description: "return on ad spend = Σrevenue / Σcost",
    of: (u) => ratio(u.revenue, u.cost),
  }),
  viewable_impressions: def({
    name: "viewable_impressions",
    label: "Viewable impr.",
    unit: "count",
    direction: "higher",
    decimals: 0,
    description: "Σ viewable impressions (MRC: ≥ 50 % of pixels in view ≥ 1 s)",
    of: (u) => u.viewable_impressions,
  }),
  measurable_impressions: def({
    name: "measurable_impressions",
    label: "Measurable impr.",
    unit: "count",
    direction: "higher",
    decimals: 0,
    description: "Σ impressions measured for viewability (MRC: the rate's denominator; unmeasured ones are left out)",
    of: (u) => u.measurable_impressions,
  }),
  viewable_rate: def({
    name: "viewable_rate",
    label: "Viewable rate",
    unit: "percent",
    direction: "higher",
    decimals: 2,
    description: "Σviewable / Σmeasurable impressions",
    of: (u) => ratio(u.viewable_impressions, u.measurable_impressions),
  }),
  vcpm: def({
    name: "vcpm",
    label: "vCPM",
    unit: "money",
    direction: "lower",
    decimals: 2,
    description: "cost per 1000 viewable impressions = 1000 × Σcost / Σviewable",
    of: (u) => ratio(1000 * u.cost, u.viewable_impressions),
  }),
  reach: def({
    name: "reach",
    label: "Reach",
    unit: "count",
    direction: "higher",
    decimals: 0,
    description: "unique visitors (approximate distinct count of first-party visitor keys; never summed)",
    of: (u) => u.reach ?? null,
  }),
  cpmr: def({
    name: "cpmr",
    label: "Cost / 1000 reached",
    unit: "money",
    direction: "lower",
    decimals: 2,
    description: "cost per thousand unique visitors reached = 1000 × Σcost / reach",
    of: (u) => (u.reach === undefined || u.reach === null ? null : ratio(1000 * u.cost, u.reach)),
  }),
  invalid_rate: def({
    name: "invalid_rate",
    label: "Invalid rate",
    unit: "percent",
    direction: "lower",
    decimals: 2,
    description: "share of impression requests filtered as invalid (bots, headless, prefetch, duplicates, over the rate limits) = Σinvalid / (Σimpressions + Σinvalid)",
    of: (u) => (u.invalid_impressions === undefined ? null : ratio(u.invalid_impressions, u.impressions + u.invalid_impressions)),
  }),
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** Looks up a metric by name or throws a UserError listing the known ones. @example metricDef("cpi").direction // "lower" */
export function metricDef(name: string): MetricDef {
  const m = (METRICS as Record<string, MetricDef>)[name.trim().toLowerCase()];
  if (!m) throw new UserError("unknown_metric", `unknown metric '${name}'; known metrics: ${METRIC_NAMES.join(", ")}`);
  return m;
}

/** Parses a comma-separated metric list. @example parseMetricList("cpi, cpm") // ["cpi", "cpm"] */
export function parseMetricList(list: string): MetricName[] {
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UserError("bad_metrics", "--metrics needs at least one metric name");
  return names.map((n) => metricDef(n).name as MetricName);
}

/**
 * metricValues for many rows: the metrics looked up once, and each row's values object copied from one
 * template (one shape, no key added one by one). @example metricValuesOf(["cpi"])(t) // { cpi: 0.01 }
 */
export function metricValuesOf(names: readonly MetricName[]): (t: MetricInput) => Record<string, number | null> {
  const defs = names.map((n) => METRICS[n] as MetricDef);
  const template: Record<string, number | null> = {};
  for (const n of names) template[n] = null;
  return (t) => {
    const u = unitsOf(t);
    const out = { ...template };
    for (let i = 0; i < names.length; i++) out[names[i] as string] = (defs[i] as MetricDef).ofUnits(u);
    return out;
  };
}

/** Every metric of `names` evaluated on `t`. @example metricValues(["cpi"], t) // { cpi: 0.01 } */
export function metricValues(names: readonly MetricName[], t: MetricInput): Record<string, number | null> {
  const u = unitsOf(t);
  const out: Record<string, number | null> = {};
  for (const n of names) out[n] = METRICS[n].ofUnits(u);
  return out;
}
