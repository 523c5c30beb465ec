// Bayesian engine: a Gaussian posterior on the lift with a flat or normal prior, chance to win and
// expected loss (risk), as gbstats `EffectBayesianABTest` computes them.

import { normalCdf, normalPdf, normalPpf } from "./distributions.js";
import { type DifferenceType, effectMoments, type StatsProblem } from "./effect-moments.js";
import { badAlpha } from "./frequentist.js";
import { type TestStat, unadjustedMean } from "./regression-adjusted.js";

/** GrowthBook's default standard deviation of a proper prior on the relative lift (`DEFAULT_PROPER_PRIOR_STDDEV`). */
export const DEFAULT_PRIOR_STDDEV = 0.3;

/** Normal prior N(mean, variance) on the effect; `proper: false` is the flat prior (the posterior is the data). */
export interface PriorEffect {
  readonly mean: number;
  readonly variance: number;
  readonly proper: boolean;
}

/** The flat (improper) prior, gbstats' default. */
export const FLAT_PRIOR: PriorEffect = { mean: 0, variance: 1, proper: false };

export interface BayesianOptions {
  /** 1 − α is the credible interval's mass (default α = 0.05). */
  readonly alpha?: number;
  readonly difference?: DifferenceType;
  /** True when lower is better (CPI, CPM, CPC, CPA): flips chance to win and the risks. */
  readonly inverse?: boolean;
  readonly prior?: PriorEffect;
  /** Whether the prior is on the relative lift (default) or on the absolute difference. */
  readonly priorType?: DifferenceType;
}

export interface BayesianResult {
  readonly ok: true;
  /** Posterior mean of the effect. */
  readonly estimate: number;
  /** Posterior standard deviation. */
  readonly sd: number;
  /** Central credible interval of mass 1 − α. */
  readonly ci: readonly [number, number];
  /** Probability that the treatment beats the baseline (for inverse metrics: that its effect is negative). */
  readonly chanceToWin: number;
  /** Expected loss of choosing [the baseline, the treatment], in the effect's units. */
  readonly risk: readonly [number, number];
}

export type BayesianOutcome = BayesianResult | { readonly ok: false; readonly problem: StatsProblem };

/**
 * Expected loss [E max(Δ, 0), E max(−Δ, 0)] of choosing [control, treatment] when Δ ~ N(mu, sigma²)
 * (gbstats `get_risk`; for |mu/sigma| > 37 it is [max(mu, 0), max(−mu, 0)]).
 * @example gaussianRisk(0.1, 0.05) // [0.10042453513084149, 0.00042453513084148]
 */
export function gaussianRisk(mu: number, sigma: number): [number, number] {
  const z = mu / sigma;
  if (Math.abs(z) > 37) return [Math.max(mu, 0), Math.max(-mu, 0)];
  const density = sigma * normalPdf(z);
  return [mu * normalCdf(z) + density, -mu * normalCdf(-z) + density];
}

/**
 * Central credible interval of N(mean, sd²) with mass 1 − α.
 * @example gaussianCredibleInterval(0, 1, 0.05) // [−1.959963984540054, 1.959963984540054]
 */
export function gaussianCredibleInterval(mean: number, sd: number, alpha: number): [number, number] {
  return [mean + sd * normalPpf(alpha / 2), mean + sd * normalPpf(1 - alpha / 2)];
}

/**
 * Bayesian comparison of treatment b against baseline a on sufficient statistics.
 * @example bayesianTest(proportionStat(100, 49), proportionStat(100, 51)) // estimate 0.04082, chanceToWin 0.60918, risk [0.0814, 0.04058]
 */
export function bayesianTest(a: TestStat, b: TestStat, options: BayesianOptions = {}): BayesianOutcome {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) return badAlpha(alpha);
  const difference = options.difference ?? "relative";
  const relative = difference === "relative";
  let prior = options.prior ?? FLAT_PRIOR;
  if (prior.proper && !(prior.variance > 0)) {
    return { ok: false, problem: { code: "BAD_OPTION", arms: [], message: `the prior variance must be positive, got ${prior.variance}` } };
  }
  const moments = effectMoments(a, b, difference);
  if (!moments.ok) return moments;
  const priorType = options.priorType ?? "relative";
  if (relative !== (priorType === "relative")) {
    // Rescale the prior to the scale of the effect, by the baseline's mean.
    const base = unadjustedMean(a);
    if (prior.proper && base === 0) {
      return { ok: false, problem: { code: "BASELINE_ZERO", arms: ["baseline"], message: "the baseline's value is 0, so the prior cannot be rescaled" } };
    }
    prior = relative
      ? { mean: prior.mean / Math.abs(base), variance: prior.variance / base ** 2, proper: prior.proper }
      : { mean: prior.mean * Math.abs(base), variance: prior.variance * base ** 2, proper: prior.proper };
  }
  const dataVariance = moments.se ** 2;
  const precision = 1 / dataVariance + (prior.proper ? 1 / prior.variance : 0);
  const estimate = prior.proper
    ? (moments.estimate / dataVariance + prior.mean / prior.variance) / precision
    : moments.estimate;
  const sd = Math.sqrt(1 / precision);
  const inverse = options.inverse ?? false;
  const chanceToWin = inverse ? normalCdf(-estimate / sd) : normalCdf(estimate / sd);
  const [riskControl, riskTreatment] = gaussianRisk(estimate, sd);
  const risk: [number, number] = inverse ? [riskTreatment, riskControl] : [riskControl, riskTreatment];
  return { ok: true, estimate, sd, ci: gaussianCredibleInterval(estimate, sd, alpha), chanceToWin, risk };
}
