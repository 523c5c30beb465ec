// Every applicable case of test/reference/gbstats_vectors.json (GrowthBook gbstats' own unit-test
// values, with full-precision outputs) must be reproduced to 1e-6 relative, CUPED cases included.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { bayesianTest, gaussianRisk } from "./bayesian.js";
import { effectMoments, frequentistDiff } from "./effect-moments.js";
import { type Alternative, frequentistTest } from "./frequentist.js";
import { cupedRatioStatOf, cupedStatOf, cupedTheta, type TestStat } from "./regression-adjusted.js";
import { sequentialRho, sequentialTest } from "./sequential.js";
import {
  type MeanStat,
  meanStatOf,
  type ProportionStat,
  proportionStat,
  ratioCovariance,
  ratioStatOf,
  statMean,
  statVariance,
} from "./sufficient.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON fixtures
type Json = any;
const vectors: Json = JSON.parse(readFileSync(new URL("../../../test/reference/gbstats_vectors.json", import.meta.url), "utf8"));

const TOL = 1e-6;
let maxRelError = 0;

/** Relative error, falling back to absolute below 1e-12 (exact zeros, p-values of 1). */
function relError(got: number, want: number): number {
  if (got === want) return 0;
  return Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
}

function close(got: number, want: number | string, what: string): void {
  const w = want === "Infinity" ? Number.POSITIVE_INFINITY : want === "-Infinity" ? Number.NEGATIVE_INFINITY : (want as number);
  if (!Number.isFinite(w)) {
    assert.equal(got, w, what);
    return;
  }
  const e = relError(got, w);
  maxRelError = Math.max(maxRelError, e);
  assert.ok(e <= TOL, `${what}: got ${got}, want ${w} (relative error ${e.toExponential(2)})`);
}

function simpleStat(s: Json): MeanStat | ProportionStat {
  if (s.type === "SampleMeanStatistic") return { kind: "mean", n: s.n, sum: s.sum, sumSquares: s.sum_squares };
  if (s.type === "ProportionStatistic") return proportionStat(s.n, s.sum);
  throw new Error(`not a simple statistic: ${s.type}`);
}

/** The vector's statistic, or null for a kind cpi does not implement. */
function armStat(s: Json): TestStat | null {
  switch (s.type) {
    case "RatioStatistic":
      return { kind: "ratio", n: s.n, m: simpleStat(s.m_statistic), d: simpleStat(s.d_statistic), sumProducts: s.m_d_sum_of_products };
    case "SampleMeanStatistic":
    case "ProportionStatistic":
      return simpleStat(s);
    case "RegressionAdjustedStatistic":
      return { kind: "cuped", n: s.n, post: simpleStat(s.post_statistic), pre: simpleStat(s.pre_statistic), sumProducts: s.post_pre_sum_of_products, theta: s.theta };
    case "RegressionAdjustedRatioStatistic":
      return {
        kind: "cuped-ratio",
        n: s.n,
        mPost: simpleStat(s.m_statistic_post),
        dPost: simpleStat(s.d_statistic_post),
        mPre: simpleStat(s.m_statistic_pre),
        dPre: simpleStat(s.d_statistic_pre),
        products: {
          mPostMPre: s.m_post_m_pre_sum_of_products,
          dPostDPre: s.d_post_d_pre_sum_of_products,
          mPreDPre: s.m_pre_d_pre_sum_of_products,
          mPostDPost: s.m_post_d_post_sum_of_products,
          mPostDPre: s.m_post_d_pre_sum_of_products,
          mPreDPost: s.m_pre_d_post_sum_of_products,
        },
        theta: s.theta,
      };
    default:
      return null;
  }
}

const ALTERNATIVE: Record<string, Alternative> = {
  TwoSidedTTest: "two-sided",
  OneSidedTreatmentGreaterTTest: "greater",
  OneSidedTreatmentLesserTTest: "less",
  SequentialTwoSidedTTest: "two-sided",
  SequentialOneSidedTreatmentGreaterTTest: "greater",
  SequentialOneSidedTreatmentLesserTTest: "less",
};

const skipped: string[] = [];
for (const c of vectors.cases as Json[]) {
  const a = armStat(c.stat_a_control);
  const b = armStat(c.stat_b_treatment);
  if (a === null || b === null) {
    skipped.push(c.id);
    continue;
  }
  const want = c.computed_full_precision;
  const cfg = c.config;
  test(`gbstats ${c.id} (${c.test})`, () => {
    const common = { alpha: cfg.alpha, difference: cfg.difference_type };
    if (c.class === "EffectBayesianABTest") {
      const r = bayesianTest(a, b, { ...common, inverse: cfg.inverse, prior: cfg.prior_effect, priorType: cfg.prior_type });
      assert.ok(r.ok, JSON.stringify(r));
      close(r.estimate, want.expected, "expected");
      close(r.sd, want.uplift.stddev, "stddev");
      close(r.ci[0], want.ci[0], "ci low");
      close(r.ci[1], want.ci[1], "ci high");
      close(r.chanceToWin, want.chanceToWin, "chanceToWin");
      close(r.risk[0], want.risk[0], "risk[0]");
      close(r.risk[1], want.risk[1], "risk[1]");
      return;
    }
    const alternative = ALTERNATIVE[c.class];
    assert.ok(alternative, `unknown class ${c.class}`);
    const r = c.class.startsWith("Sequential")
      ? sequentialTest(a, b, { ...common, alternative, tuning: cfg.sequential_tuning_parameter })
      : frequentistTest(a, b, { ...common, alternative, testValue: cfg.test_value });
    assert.ok(r.ok, JSON.stringify(r));
    close(r.estimate, want.expected, "expected");
    close(r.se, want.uplift.stddev, "stddev");
    close(r.ci[0], want.ci[0], "ci low");
    close(r.ci[1], want.ci[1], "ci high");
    close(r.pValue, want.pValue, "pValue");
    // The verbatim (rounded) values of gbstats' test suite hold too.
    const verbatim = c.expected_verbatim;
    const places = 10 ** -c.expected_rounding_decimals;
    assert.ok(Math.abs(r.estimate - verbatim.expected) <= places, "verbatim expected");
    if (verbatim.pValue !== undefined) assert.ok(Math.abs(r.pValue - verbatim.pValue) <= places, "verbatim pValue");
  });
}

test("every gbstats case is reproduced (none skipped)", () => {
  assert.deepEqual(skipped, []);
});

const units = vectors.other_unit_vectors;

test("gbstats get_risk: golden values and the extreme-ratio shortcut", () => {
  const r = gaussianRisk(units.get_risk_normal_regime.input.mu, units.get_risk_normal_regime.input.sigma);
  close(r[0], units.get_risk_normal_regime.computed[0], "risk[0]");
  close(r[1], units.get_risk_normal_regime.computed[1], "risk[1]");
  assert.ok(Math.abs(r[0] - units.get_risk_normal_regime.expected_verbatim_round10[0]) < 1e-10);
  for (const c of units.get_risk_extreme.cases) assert.deepEqual(gaussianRisk(c.mu, c.sigma), c.expected);
});

test("gbstats frequentist_diff", () => {
  for (const c of units.frequentist_diff.cases) {
    assert.equal(frequentistDiff(c.mean_a, c.mean_b, c.relative, c.mean_a_unadjusted), c.expected);
  }
});

test("gbstats sample mean statistic and ratio covariance", () => {
  const s = meanStatOf(units.sample_mean_statistic.data);
  close(statMean(s), units.sample_mean_statistic.expected_mean, "mean");
  close(statVariance(s), units.sample_mean_statistic.expected_variance_ddof1, "variance");
  const rc = units.ratio_covariance;
  const ratio = ratioStatOf(rc.m.map((m: number, i: number) => ({ m, d: rc.d[i] })));
  close(ratioCovariance(ratio), rc.computed, "covariance");
});

test("gbstats compute_theta: θ pooled over both arms", () => {
  const c = units.compute_theta;
  const rows = c.pre.map((pre: number, i: number) => ({ pre, post: c.post[i] }));
  const theta = cupedTheta(cupedStatOf(rows), cupedStatOf(rows));
  assert.equal(Number(theta.toFixed(5)), c.expected_round5);
});

test("gbstats ratio CUPED with a fixed θ: lift and SE for improving and declining treatments (7 places)", () => {
  const c = units.cuped_ratio_negative_baseline;
  const rows = (m: number[], d: number[], mPre: number[], dPre: number[]) =>
    m.map((x, i) => ({ m: x, d: d[i] as number, mPre: mPre[i] as number, dPre: dPre[i] as number }));
  const control = cupedRatioStatOf(rows(c.control.m_post, c.control.d_post, c.control.m_pre, c.control.d_pre), c.theta_fixed);
  for (const [name, mPost] of [
    ["improving", c.treatment.m_post_improving],
    ["declining", c.treatment.m_post_declining],
  ] as const) {
    const treatment = cupedRatioStatOf(rows(mPost, c.treatment.d_post, c.treatment.m_pre, c.treatment.d_pre), c.theta_fixed);
    const r = effectMoments(control, treatment);
    assert.ok(r.ok, name);
    assert.ok(Math.abs(r.estimate - c.expected[name].lift) < 5e-8, `${name} lift ${r.estimate}`);
    assert.ok(Math.abs(r.se - c.expected[name].se) < 5e-8, `${name} se ${r.se}`);
  }
});

test("gbstats sequential rho", () => {
  const c = units.sequential_rho_defaults.computed;
  close(sequentialRho(0.05, 5000), c["alpha=0.05,tau=5000,two_sided"], "rho 5000");
  close(sequentialRho(0.05, 1000), c["alpha=0.05,tau=1000,two_sided"], "rho 1000");
  close(sequentialRho(0.05, 5000, false), c["alpha=0.05,tau=5000,one_sided(uses 2*alpha)"], "rho one-sided");
});

test("max relative error against gbstats vectors", (t) => {
  t.diagnostic(`max relative error ${maxRelError.toExponential(3)} over all compared gbstats values (${vectors.cases.length} cases)`);
  assert.ok(maxRelError <= TOL);
});
