// Classical two-sample t-tests on raw samples, R `t.test` style: Welch (unequal variances, the
// default) or Student (pooled variance). The A/B engines use frequentist.ts on sufficient statistics.

import { studentTCdf, studentTPpf, studentTSf } from "./distributions.js";
import { welchDof } from "./effect-moments.js";
import type { Alternative } from "./frequentist.js";
import { meanStatOf, statMean, statVariance } from "./sufficient.js";

export interface TTestOptions {
  readonly alternative?: Alternative;
  /** Null hypothesis for mean(x) − mean(y) (R's `mu`, default 0). */
  readonly mu?: number;
  /** 1 − confidence level (default 0.05). */
  readonly alpha?: number;
  /** Pooled-variance Student test (R's `var.equal = TRUE`) instead of Welch. */
  readonly equalVariance?: boolean;
}

export interface TTestResult {
  readonly statistic: number;
  readonly dof: number;
  readonly pValue: number;
  /** Confidence interval of mean(x) − mean(y). */
  readonly ci: readonly [number, number];
  readonly difference: number;
}

/**
 * Two-sample t-test of mean(x) − mean(y), or null when either sample has fewer than 2 values or no variance.
 * @example twoSampleTTest([1, 2, 3], [1.1, 2.9, 4.2]) // statistic −0.68650, dof 3.41044, pValue 0.53619
 */
export function twoSampleTTest(x: readonly number[], y: readonly number[], options: TTestOptions = {}): TTestResult | null {
  const sx = meanStatOf(x);
  const sy = meanStatOf(y);
  if (sx.n < 2 || sy.n < 2) return null;
  const vx = statVariance(sx);
  const vy = statVariance(sy);
  let se: number;
  let dof: number;
  if (options.equalVariance) {
    dof = sx.n + sy.n - 2;
    const pooled = ((sx.n - 1) * vx + (sy.n - 1) * vy) / dof;
    se = Math.sqrt(pooled * (1 / sx.n + 1 / sy.n));
  } else {
    se = Math.sqrt(vx / sx.n + vy / sy.n);
    dof = welchDof(vy, sy.n, vx, sx.n);
  }
  if (!(se > 0)) return null;
  const difference = statMean(sx) - statMean(sy);
  const statistic = (difference - (options.mu ?? 0)) / se;
  const alpha = options.alpha ?? 0.05;
  const alternative = options.alternative ?? "two-sided";
  if (alternative === "two-sided") {
    const w = studentTPpf(1 - alpha / 2, dof) * se;
    return { statistic, dof, pValue: Math.min(1, 2 * studentTSf(Math.abs(statistic), dof)), ci: [difference - w, difference + w], difference };
  }
  const w = studentTPpf(1 - alpha, dof) * se;
  return alternative === "greater"
    ? { statistic, dof, pValue: studentTSf(statistic, dof), ci: [difference - w, Number.POSITIVE_INFINITY], difference }
    : { statistic, dof, pValue: studentTCdf(statistic, dof), ci: [Number.NEGATIVE_INFINITY, difference + w], difference };
}
