// Classical tests on proportions (e.g. CTR with the impression as the unit): pooled two-proportion
// z-test (= χ² without continuity correction), the unpooled Wald interval, and the one-sample test.

import { normalPpf, normalSf } from "./distributions.js";

export interface TwoProportionResult {
  /** z of p₂ − p₁ with the pooled standard error. */
  readonly z: number;
  readonly pValue: number;
  /** One-sided p-value for p₂ > p₁. */
  readonly pValueGreater: number;
  /** Wald interval of p₂ − p₁ with the unpooled standard error. */
  readonly ci: readonly [number, number];
  readonly difference: number;
}

/**
 * Pooled two-proportion z-test of group 2 against group 1, or null when a group is empty or the pooled rate is 0 or 1.
 * @example twoProportionZTest(200, 10000, 240, 10000) // z 1.92825, pValue 0.05382
 */
export function twoProportionZTest(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  alpha = 0.05,
): TwoProportionResult | null {
  if (!(trials1 > 0 && trials2 > 0)) return null;
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  if (!(sePooled > 0)) return null;
  const difference = p2 - p1;
  const z = difference / sePooled;
  const seWald = Math.sqrt((p1 * (1 - p1)) / trials1 + (p2 * (1 - p2)) / trials2);
  const w = normalPpf(1 - alpha / 2) * seWald;
  return { z, pValue: 2 * normalSf(Math.abs(z)), pValueGreater: normalSf(z), ci: [difference - w, difference + w], difference };
}

/**
 * One-sample test of a proportion against p0 (R `prop.test(x, n, p0, correct = FALSE)`): χ² = z² and its p-value.
 * @example oneProportionTest(73, 86, 0.9) // { chiSquare: 2.50129, pValue: 0.11375 }
 */
export function oneProportionTest(successes: number, trials: number, p0: number): { chiSquare: number; pValue: number } | null {
  if (!(trials > 0 && p0 > 0 && p0 < 1)) return null;
  const z = (successes / trials - p0) / Math.sqrt((p0 * (1 - p0)) / trials);
  return { chiSquare: z * z, pValue: 2 * normalSf(Math.abs(z)) };
}
