// analyzeTest: an A/B test of ad creatives (or any arms) on a ratio metric such as CPI, from
// per-unit rows, with the output shape of `cpi abtest --format json`.

import { UserError } from "../errors.js";
import { bayesianTest, DEFAULT_PRIOR_STDDEV, FLAT_PRIOR, type PriorEffect } from "./bayesian.js";
import type { StatsProblem } from "./effect-moments.js";
import { frequentistTest } from "./frequentist.js";
import { holmAdjust } from "./holm.js";
import { cupedRatioStatOf, type TestStat } from "./regression-adjusted.js";
import { DEFAULT_SEQUENTIAL_TUNING, sequentialTest } from "./sequential.js";
import { sampleRatioMismatch } from "./srm.js";
import { type RatioStat, ratioStatOf, type Unit } from "./sufficient.js";
import { trafficShareDrift } from "./traffic-drift.js";
import { cannotCompareText, formatPValue, type Method, type VerdictMetric, verdictText } from "./verdict.js";

export type { Method } from "./verdict.js";

/** Which measure a metric's numerator or denominator sums. */
export type MeasureRole = "cost" | "impressions" | "clicks" | "conversions" | "revenue";

/** The metric under test. Known names (cpi, cpm, ctr, cpc, cpa, cvr, roas) get their measures and scale by default. */
export interface TestMetric {
  readonly name: string;
  readonly direction: "lower" | "higher";
  /** Shown in verdicts (default: the name in capitals when short, e.g. "CPI"). */
  readonly label?: string;
  /** value = scale·Σm/Σd (default 1; 1000 for CPM). The lift does not depend on it. */
  readonly scale?: number;
  readonly numerator?: MeasureRole;
  readonly denominator?: MeasureRole;
}

/**
 * One randomisation unit of an arm; `key` (e.g. the date) lets the analysis check traffic-share drift.
 * `mPre`/`dPre`, the same unit's numerator and denominator before the test (e.g. a placement's cost and
 * impressions last month), switch on regression adjustment (CUPED) when every unit has them.
 */
export interface TestUnit extends Unit {
  readonly key?: string;
  readonly mPre?: number;
  readonly dPre?: number;
}

export interface TestArm {
  readonly name: string;
  readonly units: readonly TestUnit[];
  /**
   * The arm's sums over its units, when they were summed elsewhere (a database summing per visitor):
   * used instead of `units`, which may then be empty (no drift check or regression adjustment).
   */
  readonly stat?: RatioStat;
  /** Totals to report when the metric's measures do not include them (e.g. cost in a CTR test). */
  readonly cost?: number;
  readonly impressions?: number;
}

export interface AnalyzeOptions {
  /** Significance level; the intervals have mass 1 − α (default 0.05). */
  readonly alpha?: number;
  /** Sequential N*: the total units (both arms) at which decisions are usually made (default 5000). */
  readonly sequentialTuning?: number;
  /** Bayesian prior on the relative lift: flat (default) or normal with mean 0 and sd 0.3 unless given. */
  readonly prior?: "flat" | { readonly mean?: number; readonly stddev?: number };
  /** Intended share of units per arm (same order as arms) for a sample-ratio-mismatch check. */
  readonly expectedShares?: readonly number[];
  /** Check whether the arms' shares of traffic drift across unit keys (default true). */
  readonly driftCheck?: boolean;
  /** Set when the platform, not a randomised split, decides which arm serves (ads in one ad set). */
  readonly platformOptimised?: boolean;
}

export interface AnalyzeInput {
  readonly metric: TestMetric;
  readonly arms: readonly TestArm[];
  /** The control arm's name (default: the arm with the most impressions, or the largest Σd). */
  readonly baseline?: string;
  readonly method?: Method;
  readonly options?: AnalyzeOptions;
}

export interface ArmSummary {
  readonly name: string;
  readonly units: number;
  readonly cost: number | null;
  readonly impressions: number | null;
  /** The metric over the arm: scale·Σm/Σd, null when Σd = 0. */
  readonly value: number | null;
}

export interface Comparison {
  readonly arm: string;
  readonly baseline: string;
  /** Relative lift of the arm over the baseline (Bayesian: posterior mean). */
  readonly lift: number | null;
  readonly ci: [number, number] | null;
  /** Holm-adjusted when more than one arm is compared with the baseline. */
  readonly p_value: number | null;
  /** Bayesian: probability that the arm beats the baseline (for "lower is better", that its value is lower). */
  readonly chance_to_win: number | null;
  /** Bayesian: expected relative loss of choosing the arm over the baseline. */
  readonly risk: number | null;
  readonly verdict: string;
}

export interface TestAnalysis {
  readonly metric: string;
  readonly method: Method;
  readonly arms: ArmSummary[];
  readonly comparisons: Comparison[];
  readonly warnings: string[];
}

const KNOWN_METRICS: Record<string, { numerator: MeasureRole; denominator: MeasureRole; scale: number; isCost: boolean }> = {
  cpi: { numerator: "cost", denominator: "impressions", scale: 1, isCost: true },
  cpm: { numerator: "cost", denominator: "impressions", scale: 1000, isCost: true },
  cpc: { numerator: "cost", denominator: "clicks", scale: 1, isCost: true },
  cpa: { numerator: "cost", denominator: "conversions", scale: 1, isCost: true },
  ctr: { numerator: "clicks", denominator: "impressions", scale: 1, isCost: false },
  cvr: { numerator: "conversions", denominator: "clicks", scale: 1, isCost: false },
  roas: { numerator: "revenue", denominator: "cost", scale: 1, isCost: false },
};

const DENOMINATOR_NOUN: Record<MeasureRole, string> = {
  cost: "cost",
  impressions: "impressions",
  clicks: "clicks",
  conversions: "conversions",
  revenue: "revenue",
};

function priorOf(p: AnalyzeOptions["prior"]): PriorEffect {
  if (p === undefined || p === "flat") return FLAT_PRIOR;
  const sd = p.stddev ?? DEFAULT_PRIOR_STDDEV;
  return { mean: p.mean ?? 0, variance: sd * sd, proper: true };
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The user-facing reason a comparison failed, naming the arms. */
function describeProblem(
  problem: StatsProblem,
  arm: { name: string; stat: RatioStat },
  base: { name: string; stat: RatioStat },
  metricLabel: string,
  denominatorNoun: string,
): string {
  const at = problem.arms.map((r) => (r === "baseline" ? base : arm));
  switch (problem.code) {
    case "TOO_FEW_UNITS":
      return `${listNames(at.map((x) => `${x.name} has ${x.stat.n} unit${x.stat.n === 1 ? "" : "s"}`))}; at least 2 per arm are needed to measure the uncertainty`;
    case "ZERO_VARIANCE": {
      if (base.stat.m.sum === 0 && base.stat.d.sum > 0 && at.some((x) => x === base)) {
        return `${base.name}'s ${metricLabel} is 0, so a relative lift is undefined`;
      }
      const empty = at.filter((x) => x.stat.d.sum === 0);
      if (empty.length > 0) return `${listNames(empty.map((x) => x.name))} ${empty.length === 1 ? "has" : "have"} no ${denominatorNoun}, so its ${metricLabel} is undefined`;
      if (at.length === 0) return "the variance of the lift is not positive";
      return `the per-unit ${metricLabel} of ${listNames(at.map((x) => x.name))} does not vary (zero variance), so the uncertainty cannot be measured`;
    }
    case "BASELINE_ZERO":
      return `${base.name}'s ${metricLabel} is 0, so a relative lift is undefined`;
    case "NON_FINITE":
      return `${listNames(at.map((x) => x.name))} ${at.length === 1 ? "has" : "have"} a unit with a non-finite value`;
    default:
      return problem.message;
  }
}

/** True when every unit has a key and the arms share most keys (units are periods, e.g. days, not placements). */
function sharedKeys(arms: readonly TestArm[]): boolean {
  const sets = arms.map((a) => new Set(a.units.map((u) => u.key)));
  if (sets.some((s) => s.size === 0 || s.has(undefined))) return false;
  const union = new Set(sets.flatMap((s) => [...s]));
  let common = 0;
  for (const k of union) if (sets.every((s) => s.has(k))) common++;
  return common >= 0.8 * union.size;
}

/**
 * Compares every arm with the baseline on a ratio metric (CPI, CTR, …) from per-unit rows: relative
 * lift, interval, p-value or chance to win and risk, and a verdict in words. Degenerate data give a
 * verdict and a warning, never an exception or NaN; only misuse (unknown baseline, duplicate arm
 * names) throws a UserError.
 * @example analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [{ name: "A", units: daysA }, { name: "B", units: daysB }] })
 * // { metric: "cpi", method: "frequentist", arms: [...], comparisons: [{ arm: "B", baseline: "A", lift: −0.123, ... }], warnings: [] }
 */
export function analyzeTest(input: AnalyzeInput): TestAnalysis {
  const method: Method = input.method ?? "frequentist";
  const options = input.options ?? {};
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new UserError("bad_alpha", `alpha must be between 0 and 1, got ${alpha}`);
  const known = KNOWN_METRICS[input.metric.name.toLowerCase()];
  const numerator = input.metric.numerator ?? known?.numerator;
  const denominator = input.metric.denominator ?? known?.denominator;
  const scale = input.metric.scale ?? known?.scale ?? 1;
  const label = input.metric.label ?? (input.metric.name.length <= 4 ? input.metric.name.toUpperCase() : input.metric.name);
  const verdictMetric: VerdictMetric = { label, direction: input.metric.direction, isCost: known?.isCost ?? false };
  const denominatorNoun = denominator ? DENOMINATOR_NOUN[denominator] : "denominator";

  const seen = new Set<string>();
  for (const arm of input.arms) {
    if (seen.has(arm.name)) throw new UserError("duplicate_arm", `two arms are named '${arm.name}'`);
    seen.add(arm.name);
  }

  const warnings: string[] = [];
  const stats = input.arms.map((arm) => ({ name: arm.name, stat: arm.stat ?? ratioStatOf(arm.units) }));
  const summaries: ArmSummary[] = input.arms.map((arm, i) => {
    const { stat } = stats[i] as { stat: RatioStat };
    const total = (role: MeasureRole, given: number | undefined) => {
      const t = given ?? (numerator === role ? stat.m.sum : denominator === role ? stat.d.sum : null);
      return t !== null && Number.isFinite(t) ? t : null;
    };
    const value = stat.d.sum === 0 || !Number.isFinite(stat.m.sum / stat.d.sum) ? null : (scale * stat.m.sum) / stat.d.sum;
    return { name: arm.name, units: stat.n, cost: total("cost", arm.cost), impressions: total("impressions", arm.impressions), value };
  });
  for (const s of summaries) {
    if (s.units === 0) warnings.push(`${s.name} has no units`);
    else if (s.value === null) warnings.push(`${s.name} has no ${denominatorNoun}, so its ${label} is undefined`);
  }

  if (input.arms.length < 2) {
    warnings.push("a test needs at least 2 arms");
    return { metric: input.metric.name, method, arms: summaries, comparisons: [], warnings };
  }

  let baseIndex: number;
  if (input.baseline !== undefined) {
    baseIndex = input.arms.findIndex((a) => a.name === input.baseline);
    if (baseIndex < 0) {
      throw new UserError("unknown_baseline", `baseline '${input.baseline}' is not one of the arms: ${input.arms.map((a) => a.name).join(", ")}`);
    }
  } else {
    const size = (i: number) => (summaries[i]?.impressions ?? stats[i]?.stat.d.sum ?? 0) as number;
    baseIndex = 0;
    for (let i = 1; i < input.arms.length; i++) if (size(i) > size(baseIndex)) baseIndex = i;
  }
  const base = stats[baseIndex] as { name: string; stat: RatioStat };
  // With every unit's pre-period numbers, compare regression-adjusted (CUPED) statistics.
  const withPre = input.arms.every((a) => a.stat === undefined && a.units.every((u) => u.mPre !== undefined && u.dPre !== undefined));
  const engineStat = (i: number): TestStat =>
    withPre
      ? cupedRatioStatOf((input.arms[i] as TestArm).units.map((u) => ({ m: u.m, d: u.d, mPre: u.mPre as number, dPre: u.dPre as number })))
      : (stats[i] as { stat: RatioStat }).stat;
  const baseStat = engineStat(baseIndex);

  const raw = stats
    .map((arm, i) => ({ arm, i }))
    .filter(({ i }) => i !== baseIndex)
    .map(({ arm, i }) => {
      const armStat = engineStat(i);
      if (method === "bayesian") {
        const r = bayesianTest(baseStat, armStat, { alpha, inverse: input.metric.direction === "lower", prior: priorOf(options.prior) });
        return { arm, r, pValue: null as number | null };
      }
      const r =
        method === "sequential"
          ? sequentialTest(baseStat, armStat, { alpha, tuning: options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING })
          : frequentistTest(baseStat, armStat, { alpha });
      return { arm, r, pValue: r.ok ? r.pValue : null };
    });

  const multiple = raw.length > 1 && method !== "bayesian";
  const adjusted = multiple ? holmAdjust(raw.map((x) => x.pValue)) : raw.map((x) => x.pValue);
  if (multiple) {
    warnings.push(
      `${raw.length} arms are compared with ${base.name}: p-values are Holm-adjusted for ${raw.length} comparisons (confidence intervals are not adjusted)`,
    );
  }

  const comparisons: Comparison[] = raw.map(({ arm, r }, k) => {
    if (!r.ok) {
      const reason = describeProblem(r.problem, arm, base, label, denominatorNoun);
      warnings.push(cannotCompareText(arm.name, base.name, reason));
      return {
        arm: arm.name,
        baseline: base.name,
        lift: null,
        ci: null,
        p_value: null,
        chance_to_win: null,
        risk: null,
        verdict: cannotCompareText(arm.name, base.name, reason),
      };
    }
    const ci: [number, number] = [r.ci[0], r.ci[1]];
    if ("chanceToWin" in r) {
      const risk = r.risk[1];
      return {
        arm: arm.name,
        baseline: base.name,
        lift: r.estimate,
        ci,
        p_value: null,
        chance_to_win: r.chanceToWin,
        risk,
        verdict: verdictText({ arm: arm.name, baseline: base.name, metric: verdictMetric, method, alpha, lift: r.estimate, ci, chanceToWin: r.chanceToWin, risk }),
      };
    }
    const pValue = adjusted[k] ?? r.pValue;
    return {
      arm: arm.name,
      baseline: base.name,
      lift: r.estimate,
      ci,
      p_value: pValue,
      chance_to_win: null,
      risk: null,
      verdict: verdictText({ arm: arm.name, baseline: base.name, metric: verdictMetric, method, alpha, lift: r.estimate, ci, pValue, adjusted: multiple }),
    };
  });

  if (options.platformOptimised) {
    warnings.push(
      "the platform decides which arm serves (delivery optimisation), so the arms reach different audiences: " +
        "this compares the ads as delivered, not a randomised split",
    );
  }
  if (options.expectedShares !== undefined) {
    const srm = sampleRatioMismatch(
      summaries.map((s) => s.units),
      options.expectedShares,
    );
    if (srm !== null && srm.pValue < 0.001) {
      warnings.push(
        `sample ratio mismatch: the units per arm (${summaries.map((s) => s.units).join(" / ")}) are not split as intended (${formatPValue(srm.pValue)}); the randomisation or the tracking may be broken`,
      );
    }
  }
  if ((options.driftCheck ?? true) && sharedKeys(input.arms)) {
    const drift = trafficShareDrift(
      input.arms.map((a) => ({ name: a.name, periods: a.units.map((u) => ({ key: u.key as string, traffic: u.d })) })),
      { trafficLabel: denominatorNoun },
    );
    if (drift.warning !== null) warnings.push(drift.warning);
  }

  return { metric: input.metric.name, method, arms: summaries, comparisons, warnings };
}
