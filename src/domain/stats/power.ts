// Power, minimum detectable effect and test duration for fixed and sequential designs, following
// GrowthBook's power module (packages/shared/src/power/power.ts, MIT): relative effects, the delta
// method at the planned effect, two-sided z tests; sequential designs inflate the variance so that the
// always-valid interval of sequential.ts is what must exclude zero.

import { normalCdf, normalPpf } from "./distributions.js";
import { frequentistVariance } from "./effect-moments.js";
import { DEFAULT_SEQUENTIAL_TUNING, sequentialRho } from "./sequential.js";
import { ratioStatOf, statMean, statVariance, type Unit } from "./sufficient.js";

/** A metric to plan for: its mean, its per-unit variance, and the relative effect to detect. */
export interface PowerMetric {
  readonly mean: number;
  /** Per-unit variance: p(1 − p) for a rate per unit, sd² for a mean, the delta-method variance for a ratio. */
  readonly variance: number;
  /** Relative effect, e.g. −0.1 for a 10 % lower CPI. */
  readonly effect: number;
}

export interface PowerOptions {
  readonly alpha?: number;
  /** Two-sided (default) or one-sided z test (fixed designs only, as GrowthBook). */
  readonly twoTailed?: boolean;
  /** Tuning parameter N* of a sequential design; false or 0 for a fixed design (default). */
  readonly sequentialTuning?: number | false;
}

/** Variance of a rate p per unit, p(1 − p). @example binomialVariance(0.1) // 0.09 */
export function binomialVariance(p: number): number {
  return p * (1 - p);
}

/**
 * Standard error of the relative lift with n units per arm, at the planned effect (GrowthBook `powerStandardError`).
 * @example powerStandardError({ mean: 0.1, variance: 0.09, effect: 0.05 }, 1500) // 0.1123
 */
export function powerStandardError(metric: PowerMetric, nPerArm: number): number {
  const { mean, variance, effect } = metric;
  return Math.sqrt(frequentistVariance(variance, mean, nPerArm, variance, mean * (1 + effect), nPerArm, true));
}

/**
 * A variance inflated so that the z test at α has the width of the two-sided confidence sequence at
 * N total units (GrowthBook `sequentialPowerSequentialVariance`): N·(SE·z_seq/z*)².
 * @example sequentialPowerVariance(0.01, 1000, 0.05, 5000) // 0.02946
 */
export function sequentialPowerVariance(variance: number, n: number, alpha: number, tuning: number): number {
  const rho = sequentialRho(alpha, tuning);
  const nr2 = n * rho * rho + 1;
  const partUnderRadical = (2 * nr2 * Math.log(Math.sqrt(nr2) / alpha)) / (n * rho) ** 2;
  const zSequential = Math.sqrt(n) * Math.sqrt(partUnderRadical);
  const zStar = normalPpf(1 - alpha / 2);
  const seSequential = (Math.sqrt(variance / n) * zSequential) / zStar;
  return n * seSequential ** 2;
}

function tuningOf(options: PowerOptions): number {
  const t = options.sequentialTuning;
  return typeof t === "number" && t > 0 ? t : 0;
}

/**
 * Power to detect `metric.effect` with n units in total split evenly over `arms` arms (GrowthBook `powerEstFrequentist`).
 * @example powerFrequentist({ mean: 10, variance: 3909.9997749994377, effect: 0.05 }, 400000, 3) // 0.52144
 */
export function powerFrequentist(metric: PowerMetric, n: number, arms = 2, options: PowerOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const twoTailed = options.twoTailed ?? true;
  const zStar = normalPpf(twoTailed ? 1 - alpha / 2 : 1 - alpha);
  const tuning = tuningOf(options);
  let se: number;
  if (tuning > 0) {
    const vRel = frequentistVariance(metric.variance, metric.mean, n / arms, metric.variance, metric.mean * (1 + metric.effect), n / arms, true);
    se = Math.sqrt(sequentialPowerVariance(vRel, (2 * n) / arms, alpha, tuning));
  } else {
    se = powerStandardError(metric, n / arms);
  }
  const standardized = metric.effect / se;
  let power = 1 - normalCdf(zStar - standardized);
  if (twoTailed) power += normalCdf(-zStar - standardized);
  return power;
}

export type MdeResult = { readonly ok: true; readonly mde: number } | { readonly ok: false; readonly message: string };

/**
 * Smallest relative effect detectable at `power` with n units in total over `arms` arms (GrowthBook `findMdeFrequentist`).
 * @example mdeFrequentist({ mean: 10, variance: 3909.9997749994377 }, 0.8, 400000, 3) // { ok: true, mde: 0.07027… }
 */
export function mdeFrequentist(
  metric: Omit<PowerMetric, "effect">,
  power: number,
  n: number,
  arms = 2,
  options: PowerOptions = {},
): MdeResult {
  const alpha = options.alpha ?? 0.05;
  if (power <= alpha) return { ok: false, message: "power must be greater than alpha" };
  const nA = n / arms;
  const z = normalPpf(1 - alpha / 2) - normalPpf(1 - power);
  const m = metric.mean;
  const tuning = tuningOf(options);
  const v = tuning > 0 ? sequentialPowerVariance(metric.variance, 2 * nA, alpha, tuning) : metric.variance;
  if (m === 0 || !(nA > (v * z * z) / (m * m))) {
    return { ok: false, message: "too few units: increase the number of units or reduce the number of arms" };
  }
  const sigma2 = v / nA;
  const a = 1 - (z * z * sigma2) / (m * m);
  const b = -2 * m;
  const c = m * m - z * z * sigma2;
  const root = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  return { ok: true, mde: (root - m) / m };
}

/** What a test plan needs: the metric's mean and per-unit variance, and how fast units accrue. */
export interface PlanInput {
  /** Baseline value of the metric (e.g. CPI 0.012). */
  readonly mean: number;
  /**
   * Per-unit variance of the metric, for units of the size the test will have: from history
   * (`historyMoments`), p(1 − p) for a rate per impression/visitor, or (cv·mean)² from an assumed
   * coefficient of variation.
   */
  readonly unitVariance: number;
  /** Randomisation units accruing per day over all arms (with the day as the unit: one per arm, i.e. `arms`). */
  readonly unitsPerDay: number;
  /** Relative change to detect, e.g. 0.1 or −0.1 for 10 %. */
  readonly mde: number;
  readonly arms?: number;
  readonly alpha?: number;
  /** Target power (default 0.8). */
  readonly power?: number;
  /** N* of the sequential design (default 5000). */
  readonly sequentialTuning?: number;
  /** Give up beyond this many days (default 365). */
  readonly maxDays?: number;
}

/** How long one design needs; nulls when the target is out of reach (see the plan's warnings). */
export interface DesignPlan {
  readonly design: "fixed" | "sequential";
  readonly unitsPerArm: number | null;
  readonly totalUnits: number | null;
  readonly days: number | null;
  /** Power reached after `days` days. */
  readonly powerAtDays: number | null;
}

export interface TestPlan {
  readonly fixed: DesignPlan;
  readonly sequential: DesignPlan;
  readonly warnings: string[];
}

/** The smallest whole number of units per arm reaching `target` power, or null beyond `maxPerArm`. */
function unitsPerArmNeeded(metric: PowerMetric, arms: number, target: number, options: PowerOptions, maxPerArm: number): number | null {
  const reaches = (u: number) => powerFrequentist(metric, u * arms, arms, options) >= target;
  let hi = 2;
  while (!reaches(hi)) {
    if (hi >= maxPerArm) return null;
    hi = Math.min(hi * 2, maxPerArm);
  }
  let lo = 1;
  if (reaches(lo)) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function pct(x: number): string {
  return `${(Math.abs(x) * 100).toFixed(1)} %`;
}

/**
 * Units and days a test needs to detect a relative change `mde` at the target power (default 80 %),
 * α = 0.05 two-sided, for a fixed-horizon and a sequential design (sequential needs more, but may be
 * checked every day). Never throws: impossible inputs give nulls and a warning.
 * @example planTest({ mean: 0.012, unitVariance: 0.0000036, unitsPerDay: 2, mde: 0.1 }) // fixed 44 days, sequential 193 days
 */
export function planTest(input: PlanInput): TestPlan {
  const arms = input.arms ?? 2;
  const alpha = input.alpha ?? 0.05;
  const target = input.power ?? 0.8;
  const tuning = input.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING;
  const maxDays = input.maxDays ?? 365;
  const warnings: string[] = [];
  const empty = (design: DesignPlan["design"]): DesignPlan => ({ design, unitsPerArm: null, totalUnits: null, days: null, powerAtDays: null });
  const problems: string[] = [];
  if (!(Number.isFinite(input.mean) && input.mean !== 0)) problems.push("the baseline value must be a non-zero number");
  if (!(input.unitVariance > 0 && Number.isFinite(input.unitVariance))) problems.push("the per-unit variance must be positive (no variation in the history?)");
  if (!(input.unitsPerDay > 0 && Number.isFinite(input.unitsPerDay))) problems.push("the number of units per day must be positive");
  if (!(input.mde !== 0 && Number.isFinite(input.mde) && input.mde > -1)) problems.push("the change to detect must be non-zero and above −100 %");
  if (!(Number.isInteger(arms) && arms >= 2)) problems.push("a test needs at least 2 arms");
  if (!(alpha > 0 && alpha < 1 && target > alpha && target < 1)) problems.push("need 0 < alpha < power < 1");
  if (problems.length > 0) {
    return { fixed: empty("fixed"), sequential: empty("sequential"), warnings: [`cannot plan the test: ${problems.join("; ")}`] };
  }
  const metric: PowerMetric = { mean: input.mean, variance: input.unitVariance, effect: input.mde };
  const maxUnits = input.unitsPerDay * maxDays;
  const plan = (design: DesignPlan["design"]): DesignPlan => {
    const options: PowerOptions = { alpha, sequentialTuning: design === "sequential" ? tuning : false };
    // Search a little beyond the horizon so that "more than maxDays" is told apart from "never".
    const unitsPerArm = unitsPerArmNeeded(metric, arms, target, options, Math.max(2, Math.ceil((maxUnits * 4) / arms)));
    if (unitsPerArm === null) {
      warnings.push(`${design}: a ${pct(input.mde)} change cannot be detected with ${target * 100} % power within ${maxDays} days`);
      return empty(design);
    }
    const totalUnits = unitsPerArm * arms;
    const days = Math.ceil(totalUnits / input.unitsPerDay - 1e-9);
    if (days > maxDays) {
      warnings.push(`${design}: detecting a ${pct(input.mde)} change needs ${days} days, more than ${maxDays}`);
      return { design, unitsPerArm, totalUnits, days: null, powerAtDays: null };
    }
    const powerAtDays = powerFrequentist(metric, days * input.unitsPerDay, arms, options);
    if (design === "fixed" && unitsPerArm < 20) {
      warnings.push(`fixed: only ${unitsPerArm} units per arm; with so few the normal approximation behind this plan is optimistic, so plan for more`);
    }
    if (design === "sequential" && (totalUnits < tuning / 10 || totalUnits > tuning * 10)) {
      warnings.push(
        `sequential: the tuning parameter (${tuning}) is far from the ${totalUnits} units at which this test would decide; a value near that number gives a shorter test`,
      );
    }
    return { design, unitsPerArm, totalUnits, days, powerAtDays };
  };
  return { fixed: plan("fixed"), sequential: plan("sequential"), warnings };
}

/**
 * Baseline mean and per-unit variance of a ratio metric from historical units (e.g. the campaign's
 * days), for `planTest`; null with fewer than 2 units or no denominator.
 * @example historyMoments([{ m: 480, d: 40000 }, { m: 520, d: 41000 }, { m: 455, d: 39000 }])?.mean // 0.012125
 */
export function historyMoments(units: readonly Unit[]): { mean: number; unitVariance: number; units: number } | null {
  const s = ratioStatOf(units);
  if (s.n < 2 || s.d.sum === 0) return null;
  return { mean: statMean(s), unitVariance: statVariance(s), units: s.n };
}
