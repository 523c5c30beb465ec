import type { Micros } from "./money.js";

/**
 * The additive measures cpi stores and sums (DESIGN rule 1). Money is exact micros; counts are
 * numbers (safe up to 2^53). Every ratio metric is derived from these sums, never averaged.
 */
export interface Totals {
  cost: Micros;
  revenue: Micros;
  impressions: number;
  clicks: number;
  conversions: number;
  viewable_impressions: number;
  measurable_impressions: number;
}

export const MEASURE_NAMES = [
  "cost",
  "revenue",
  "impressions",
  "clicks",
  "conversions",
  "viewable_impressions",
  "measurable_impressions",
] as const satisfies readonly (keyof Totals)[];

export type MeasureName = (typeof MEASURE_NAMES)[number];

/** An all-zero Totals. @example emptyTotals().impressions // 0 */
export function emptyTotals(): Totals {
  return {
    cost: 0n,
    revenue: 0n,
    impressions: 0,
    clicks: 0,
    conversions: 0,
    viewable_impressions: 0,
    measurable_impressions: 0,
  };
}

/** Adds `b` into `a` in place and returns `a`. @example addTotals(emptyTotals(), t).cost === t.cost */
export function addTotals(a: Totals, b: Totals): Totals {
  a.cost += b.cost;
  a.revenue += b.revenue;
  a.impressions += b.impressions;
  a.clicks += b.clicks;
  a.conversions += b.conversions;
  a.viewable_impressions += b.viewable_impressions;
  a.measurable_impressions += b.measurable_impressions;
  return a;
}
