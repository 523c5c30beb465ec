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

/**
 * Conversions (fractional: platforms attribute parts of them) as exact integers of micro-units, as
 * stores keep them, so that their sums do not depend on the order of addition.
 * @example conversionsToMicros(0.25) // 250000n
 */
export function conversionsToMicros(conversions: number): bigint {
  if (!Number.isFinite(conversions)) throw new Error(`conversions must be a finite number, got ${conversions}`);
  return BigInt(Math.round(conversions * 1e6));
}

/** Micro-units of conversions as a number of conversions. @example microsToConversions(9288250000n) // 9288.25 */
export function microsToConversions(micros: bigint | number | null | undefined): number {
  // Within 2^53 the same parts in plain numbers (a report converts one per row).
  const n = Number(micros ?? 0);
  if (Number.isSafeInteger(n)) {
    const part = n % 1e6;
    return (n - part) / 1e6 + part / 1e6;
  }
  const m = BigInt(micros ?? 0);
  return Number(m / 1_000_000n) + Number(m % 1_000_000n) / 1e6;
}

/** a + b exactly in micro-units (each a number of conversions with at most 6 decimals). @example addConversions(0.1, 0.2) // 0.3 */
export function addConversions(a: number, b: number): number {
  // The same integer sum in plain numbers while it stays within 2^53 (a report's total adds one per row).
  const ma = Math.round(a * 1e6);
  const mb = Math.round(b * 1e6);
  if (Number.isSafeInteger(ma) && Number.isSafeInteger(mb) && Number.isSafeInteger(ma + mb)) return microsToConversions(ma + mb);
  return microsToConversions(conversionsToMicros(a) + conversionsToMicros(b));
}

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
  a.conversions = addConversions(a.conversions, b.conversions);
  a.viewable_impressions += b.viewable_impressions;
  a.measurable_impressions += b.measurable_impressions;
  return a;
}
