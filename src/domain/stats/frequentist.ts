// Fixed-horizon frequentist engine: Welch's t with Satterthwaite degrees of freedom on the effect and
// its delta-method standard error (gbstats `TwoSidedTTest`, `OneSidedTreatmentGreaterTTest`, `…LesserTTest`).

import { studentTCdf, studentTPpf, studentTSf } from "./distributions.js";
import { type DifferenceType, effectMoments, type StatsProblem } from "./effect-moments.js";
import type { TestStat } from "./regression-adjusted.js";

/** Two-sided, or one-sided "treatment greater" / "treatment less" than the baseline. */
export type Alternative = "two-sided" | "greater" | "less";

export interface FrequentistOptions {
  /** Significance level, 0 < α < 1 (default 0.05). */
  readonly alpha?: number;
  /** Relative lift (default) or absolute difference. */
  readonly difference?: DifferenceType;
  readonly alternative?: Alternative;
  /** The null hypothesis' effect (default 0). */
  readonly testValue?: number;
}

export interface FrequentistResult {
  readonly ok: true;
  /** Effect of the treatment over the baseline (a relative lift by default). */
  readonly estimate: number;
  readonly se: number;
  /** Confidence interval; one-sided tests have an infinite end. */
  readonly ci: readonly [number, number];
  readonly pValue: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly dof: number;
  /** t statistic (estimate − testValue)/se. */
  readonly statistic: number;
}

export type FrequentistOutcome = FrequentistResult | { readonly ok: false; readonly problem: StatsProblem };

/** A problem result for an invalid α. @example badAlpha(2).problem.code // "BAD_OPTION" */
export function badAlpha(alpha: number): { ok: false; problem: StatsProblem } {
  return { ok: false, problem: { code: "BAD_OPTION", arms: [], message: `alpha must be between 0 and 1, got ${alpha}` } };
}

/**
 * Welch t-test of treatment b against baseline a on sufficient statistics.
 * @example frequentistTest(meanStat(3407, 1396.87, 52377.9767), meanStat(3461, 2422.7, 134698.29)) // estimate 0.70732, ci [−0.03526, 1.44989], pValue 0.06191
 */
export function frequentistTest(a: TestStat, b: TestStat, options: FrequentistOptions = {}): FrequentistOutcome {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) return badAlpha(alpha);
  const moments = effectMoments(a, b, options.difference ?? "relative");
  if (!moments.ok) return moments;
  const { estimate, se, dof } = moments;
  const statistic = (estimate - (options.testValue ?? 0)) / se;
  const alternative = options.alternative ?? "two-sided";
  if (alternative === "two-sided") {
    const width = studentTPpf(1 - alpha / 2, dof) * se;
    const pValue = Math.min(1, 2 * studentTSf(Math.abs(statistic), dof));
    return { ok: true, estimate, se, ci: [estimate - width, estimate + width], pValue, dof, statistic };
  }
  const width = studentTPpf(1 - alpha, dof) * se;
  if (alternative === "greater") {
    const pValue = studentTSf(statistic, dof);
    return { ok: true, estimate, se, ci: [estimate - width, Number.POSITIVE_INFINITY], pValue, dof, statistic };
  }
  const pValue = studentTCdf(statistic, dof);
  return { ok: true, estimate, se, ci: [Number.NEGATIVE_INFINITY, estimate + width], pValue, dof, statistic };
}
