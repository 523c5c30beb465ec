// The effect of a treatment arm against the baseline and its standard error (gbstats `EffectMoments`),
// shared by the frequentist, sequential and Bayesian engines. Degenerate input gives a problem, not NaN.

import {
  isFiniteTestStat,
  relativeRegressionAdjustedVariance,
  type TestStat,
  testStatMean,
  testStatVariance,
  unadjustedMean,
  withTheta,
} from "./regression-adjusted.js";

/** "relative": (μ_B − μ_A)/|μ_A| (the default, a lift); "absolute": μ_B − μ_A. */
export type DifferenceType = "relative" | "absolute";

export type StatsProblemCode =
  | "NON_FINITE"
  | "TOO_FEW_UNITS"
  | "ZERO_VARIANCE"
  | "BASELINE_ZERO"
  | "BAD_OPTION"
  | "NOT_CONVERGED";

/** Why a comparison could not be computed; `arms` names the role(s) at fault. */
export interface StatsProblem {
  readonly code: StatsProblemCode;
  readonly arms: readonly ("baseline" | "treatment")[];
  readonly message: string;
}

/** A computed effect: point estimate, its standard error, the pair's total units N and Welch's dof. */
export interface Moments {
  readonly ok: true;
  readonly estimate: number;
  readonly se: number;
  readonly n: number;
  /** Welch–Satterthwaite degrees of freedom from the arms' (adjusted) per-unit variances. */
  readonly dof: number;
}

export type MomentsResult = Moments | { readonly ok: false; readonly problem: StatsProblem };

/**
 * The effect of B over A: relative (μ_B − μ_A)/|μ_A,unadjusted| or absolute μ_B − μ_A (gbstats `frequentist_diff`).
 * @example frequentistDiff(-10, -5, true) // 0.5
 */
export function frequentistDiff(meanA: number, meanB: number, relative: boolean, meanAUnadjusted?: number): number {
  const base = meanAUnadjusted === undefined || meanAUnadjusted === 0 ? meanA : meanAUnadjusted;
  return relative ? (meanB - meanA) / Math.abs(base) : meanB - meanA;
}

/**
 * Variance of the effect estimate from per-unit variances and sizes: var_B/n_B + var_A/n_A, or for a
 * relative effect the delta method var_B/(μ_A² n_B) + var_A·μ_B²/(μ_A⁴ n_A) (gbstats `frequentist_variance`).
 * @example frequentistVariance(1, 10, 100, 1, 10, 100, false) // 0.02
 */
export function frequentistVariance(
  varA: number,
  meanA: number,
  nA: number,
  varB: number,
  meanB: number,
  nB: number,
  relative: boolean,
): number {
  if (!relative) return varB / nB + varA / nA;
  return varB / (meanA ** 2 * nB) + (varA * meanB ** 2) / (meanA ** 4 * nA);
}

function problem(code: StatsProblemCode, arms: StatsProblem["arms"], message: string): MomentsResult {
  return { ok: false, problem: { code, arms, message } };
}

function roles(a: boolean, b: boolean): ("baseline" | "treatment")[] {
  const out: ("baseline" | "treatment")[] = [];
  if (a) out.push("baseline");
  if (b) out.push("treatment");
  return out;
}

function describeRoles(r: readonly string[]): string {
  return r.length === 2 ? "both arms" : `the ${r[0]}`;
}

/**
 * Effect of treatment B over baseline A with its standard error, or the reason it cannot be computed:
 * fewer than 2 units in an arm, zero variance, a zero baseline (relative effects), non-finite input.
 * @example effectMoments(meanStatOf([1, 2, 3]), meanStatOf([2, 3, 4])) // { ok: true, estimate: 0.5, se: 0.5204…, n: 6 }
 */
export function effectMoments(baseline: TestStat, treatment: TestStat, difference: DifferenceType = "relative"): MomentsResult {
  const relative = difference === "relative";
  const finiteA = isFiniteTestStat(baseline);
  const finiteB = isFiniteTestStat(treatment);
  if (!finiteA || !finiteB) {
    const r = roles(!finiteA, !finiteB);
    return problem("NON_FINITE", r, `${describeRoles(r)} contain${r.length === 2 ? "" : "s"} a non-finite number`);
  }
  if (baseline.n < 2 || treatment.n < 2) {
    const r = roles(baseline.n < 2, treatment.n < 2);
    return problem(
      "TOO_FEW_UNITS",
      r,
      `${describeRoles(r)} ${r.length === 2 ? "have" : "has"} fewer than 2 units; at least 2 per arm are needed to estimate the variance`,
    );
  }
  const [a, b] = withTheta(baseline, treatment);
  const varA = testStatVariance(a);
  const varB = testStatVariance(b);
  if (!(varA > 0) || !(varB > 0)) {
    const r = roles(!(varA > 0), !(varB > 0));
    return problem(
      "ZERO_VARIANCE",
      r,
      `${describeRoles(r)}: the per-unit values do not vary (zero variance), so the uncertainty cannot be estimated`,
    );
  }
  const meanA = testStatMean(a);
  const meanB = testStatMean(b);
  const baseA = unadjustedMean(a);
  if (relative && (meanA === 0 || baseA === 0)) {
    return problem("BASELINE_ZERO", ["baseline"], "the baseline's value is 0, so a relative lift is undefined");
  }
  const variance = relative
    ? (relativeRegressionAdjustedVariance(a, b) ?? frequentistVariance(varA, baseA, a.n, varB, unadjustedMean(b), b.n, true))
    : varB / b.n + varA / a.n;
  if (!(variance > 0) || !Number.isFinite(variance)) {
    return problem("ZERO_VARIANCE", ["baseline", "treatment"], "the variance of the effect is not positive");
  }
  return {
    ok: true,
    estimate: frequentistDiff(meanA, meanB, relative, baseA),
    se: Math.sqrt(variance),
    n: a.n + b.n,
    dof: welchDof(varA, a.n, varB, b.n),
  };
}

/**
 * Welch–Satterthwaite degrees of freedom from the arms' per-unit variances and sizes (as gbstats, also for relative effects).
 * @example welchDof(1, 10, 1, 10) // 18
 */
export function welchDof(varA: number, nA: number, varB: number, nB: number): number {
  const num = (varB / nB + varA / nA) ** 2;
  const den = varB ** 2 / (nB ** 2 * (nB - 1)) + varA ** 2 / (nA ** 2 * (nA - 1));
  return num / den;
}
