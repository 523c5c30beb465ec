import type { Totals } from "./measures.js";
import { microsToUnits } from "./money.js";

/** One segment's part of a CPI change between a baseline (b) and a current side (a). */
export interface SegmentEffect {
  segment: string;
  share_a: number;
  share_b: number;
  cpi_a: number | null;
  cpi_b: number | null;
  /** Part of the change from the segment's impression share moving (spend shifting between segments). */
  mix: number;
  /** Part of the change from the segment's own CPI moving. */
  rate: number;
}

export interface Decomposition {
  cpi_a: number | null;
  cpi_b: number | null;
  total_change: number | null;
  mix: number;
  rate: number;
  segments: SegmentEffect[];
}

/**
 * Splits the CPI change between two sides into mix and rate effects by segment, with the
 * symmetric (Shapley) split: CPI = Σ wᵢ·cᵢ (w = impression share, c = segment CPI);
 * mixᵢ = (wᵢᵃ − wᵢᵇ)(cᵢᵃ + cᵢᵇ)/2, rateᵢ = (cᵢᵃ − cᵢᵇ)(wᵢᵃ + wᵢᵇ)/2, so Σ mix + Σ rate equals the
 * total change exactly. A segment present on one side only moves by mix alone.
 * @example decomposeCpiChange(new Map([["meta", a]]), new Map([["meta", b]])).total_change
 */
export function decomposeCpiChange(a: ReadonlyMap<string, Totals>, b: ReadonlyMap<string, Totals>): Decomposition {
  const impA = sumImpressions(a);
  const impB = sumImpressions(b);
  const cpiA = impA > 0 ? sumCost(a) / impA : null;
  const cpiB = impB > 0 ? sumCost(b) / impB : null;
  const segments: SegmentEffect[] = [];
  let mix = 0;
  let rate = 0;
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const name of names) {
    const ta = a.get(name);
    const tb = b.get(name);
    const wa = ta && impA > 0 ? ta.impressions / impA : 0;
    const wb = tb && impB > 0 ? tb.impressions / impB : 0;
    const ca = ta && ta.impressions > 0 ? microsToUnits(ta.cost) / ta.impressions : null;
    const cb = tb && tb.impressions > 0 ? microsToUnits(tb.cost) / tb.impressions : null;
    // A side without impressions in this segment has weight 0: borrow the other side's CPI so the
    // segment's whole contribution is mix (its CPI cannot have "changed" where it did not exist).
    const ea = ca ?? cb ?? 0;
    const eb = cb ?? ca ?? 0;
    const m = (wa - wb) * (ea + eb) / 2;
    const r = (ea - eb) * (wa + wb) / 2;
    mix += m;
    rate += r;
    segments.push({ segment: name, share_a: wa, share_b: wb, cpi_a: ca, cpi_b: cb, mix: m, rate: r });
  }
  const total = cpiA !== null && cpiB !== null ? cpiA - cpiB : null;
  return { cpi_a: cpiA, cpi_b: cpiB, total_change: total, mix, rate, segments };
}

function sumImpressions(m: ReadonlyMap<string, Totals>): number {
  let s = 0;
  for (const t of m.values()) s += t.impressions;
  return s;
}

function sumCost(m: ReadonlyMap<string, Totals>): number {
  let s = 0n;
  for (const t of m.values()) s += t.cost;
  return microsToUnits(s);
}
