// Sequential engine: asymptotic confidence sequences (Waudby-Smith et al., arXiv 2103.06476v7) as
// gbstats implements them (`SequentialTwoSidedTTest`, `SequentialOneSided…TTest`). The interval and
// p-value stay valid however often the test is looked at.

import { type DifferenceType, effectMoments, type StatsProblem } from "./effect-moments.js";
import type { Alternative } from "./frequentist.js";
import { badAlpha } from "./frequentist.js";
import type { TestStat } from "./regression-adjusted.js";

/** GrowthBook's default tuning parameter N*: the total sample size at which decisions are usually made. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

export interface SequentialOptions {
  readonly alpha?: number;
  readonly difference?: DifferenceType;
  readonly alternative?: Alternative;
  /** N*, the tuning parameter (default 5000). */
  readonly tuning?: number;
  /** ρ to use instead of the one derived from α and N*. */
  readonly rho?: number;
}

export interface SequentialResult {
  readonly ok: true;
  readonly estimate: number;
  /** The fixed-sample standard error of the estimate. */
  readonly se: number;
  /** The always-valid confidence interval (one-sided tests have an infinite end). */
  readonly ci: readonly [number, number];
  /** Always-valid p-value; one-sided ones come from bisection and are clamped to [1e-5, 0.4999]. */
  readonly pValue: number;
  /** N = n_A + n_B. */
  readonly n: number;
  readonly rho: number;
}

export type SequentialOutcome = SequentialResult | { readonly ok: false; readonly problem: StatsProblem };

/**
 * ρ of the confidence sequence for level α and tuning N* (one-sided tests use 2α).
 * @example sequentialRho(0.05, 5000) // 0.03984006677137368
 */
export function sequentialRho(alpha: number, tuning: number, twoSided = true): number {
  const a = twoSided ? alpha : 2 * alpha;
  return Math.sqrt((-2 * Math.log(a) + Math.log(-2 * Math.log(a) + 1)) / tuning);
}

/**
 * Half-width of the two-sided confidence sequence (eq. 9): SE·√N·√(2(Nρ²+1)/(N²ρ²)·ln(√(Nρ²+1)/α)).
 * @example sequentialHalfWidth(0.1, 1000, 0.05, sequentialRho(0.05, 5000)) // 0.3364
 */
export function sequentialHalfWidth(se: number, n: number, alpha: number, rho: number): number {
  const nr2 = n * rho * rho + 1;
  return se * Math.sqrt(n) * Math.sqrt(((2 * nr2) / (n * rho) ** 2) * Math.log(Math.sqrt(nr2) / alpha));
}

/**
 * Half-width of the one-sided confidence sequence (eq. 134): √(SE²N·2(Nρ²+1)/(N²ρ²)·ln(1 + √(Nρ²+1)/(2α))).
 * @example sequentialHalfWidthOneSided(0.1, 1000, 0.05, sequentialRho(0.05, 5000, false)) // 0.3152
 */
export function sequentialHalfWidthOneSided(se: number, n: number, alpha: number, rho: number): number {
  const nr2 = n * rho * rho + 1;
  return Math.sqrt(se * se * n * ((2 * nr2) / (n * rho) ** 2) * Math.log(1 + Math.sqrt(nr2) / (2 * alpha)));
}

/**
 * Two-sided always-valid p-value from the e-value of eq. 155: min(1, √(Nρ²+1)·exp(−ρ²s²/(2(Nρ²+1)))), s² = Δ²N/SE².
 * @example sequentialPValue(0.5, 0.03386, 6461, sequentialRho(0.05, 5000)) // ≈ 2.4e-43
 */
export function sequentialPValue(estimate: number, se: number, n: number, rho: number): number {
  const s2 = (estimate * estimate * n) / (se * se);
  const nr2 = n * rho * rho + 1;
  return Math.min(1, Math.exp(0.5 * Math.log(nr2) - (rho * rho * s2) / (2 * nr2)));
}

/** One-sided p-value: the α at which the one-sided bound touches 0, by gbstats' bisection (tolerance 1e-6). */
function oneSidedPValue(bound: (alpha: number) => number, lesser: boolean): number | null {
  const tol = 1e-6;
  const maxIterations = 100;
  let lo = 1e-5;
  let hi = 0.4999;
  // lesser: the upper bound must fall below 0 to reject; greater: the lower bound must rise above 0.
  const rejects = (x: number) => (lesser ? x < 0 : x > 0);
  if (rejects(bound(lo))) return lo;
  const atHi = bound(hi);
  if (lesser ? atHi > 0 : atHi < 0) return hi;
  let alpha = 0.5 * (lo + hi);
  let diff = 0;
  for (let i = 0; i < maxIterations; i++) {
    diff = bound(alpha);
    const tooWide = lesser ? diff > 0 : diff < 0;
    if (tooWide) lo = alpha;
    else hi = alpha;
    alpha = 0.5 * (lo + hi);
    if (Math.abs(diff) < tol) break;
  }
  return Math.abs(diff) < tol ? alpha : null;
}

/**
 * Sequential test of treatment b against baseline a: always-valid CI and p-value.
 * @example sequentialTest(proportionStat(3000, 1396), proportionStat(3461, 2422)) // estimate 0.50386, ci [0.40098, 0.60675]
 */
export function sequentialTest(a: TestStat, b: TestStat, options: SequentialOptions = {}): SequentialOutcome {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) return badAlpha(alpha);
  const tuning = options.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  if (!(tuning > 0)) {
    return { ok: false, problem: { code: "BAD_OPTION", arms: [], message: `the sequential tuning parameter must be positive, got ${tuning}` } };
  }
  const alternative = options.alternative ?? "two-sided";
  if (alternative !== "two-sided" && alpha >= 0.5) {
    return { ok: false, problem: { code: "BAD_OPTION", arms: [], message: "a one-sided sequential test needs alpha < 0.5" } };
  }
  const moments = effectMoments(a, b, options.difference ?? "relative");
  if (!moments.ok) return moments;
  const { estimate, se, n } = moments;
  const rho = options.rho ?? sequentialRho(alpha, tuning, alternative === "two-sided");
  if (alternative === "two-sided") {
    const hw = sequentialHalfWidth(se, n, alpha, rho);
    return { ok: true, estimate, se, ci: [estimate - hw, estimate + hw], pValue: sequentialPValue(estimate, se, n, rho), n, rho };
  }
  const lesser = alternative === "less";
  const bound = (x: number) =>
    lesser ? estimate + sequentialHalfWidthOneSided(se, n, x, rho) : estimate - sequentialHalfWidthOneSided(se, n, x, rho);
  const ci: [number, number] = lesser ? [Number.NEGATIVE_INFINITY, bound(alpha)] : [bound(alpha), Number.POSITIVE_INFINITY];
  const pValue = oneSidedPValue(bound, lesser);
  if (pValue === null) {
    return { ok: false, problem: { code: "NOT_CONVERGED", arms: [], message: "the one-sided sequential p-value did not converge" } };
  }
  return { ok: true, estimate, se, ci, pValue, n, rho };
}
