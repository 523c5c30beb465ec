// Power and MDE against GrowthBook's own test values (test/reference/growthbook_power_test_values.json),
// plus the test planner's behaviour.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { frequentistVariance } from "./effect-moments.js";
import {
  binomialVariance,
  historyMoments,
  mdeFrequentist,
  type PowerMetric,
  planTest,
  powerFrequentist,
} from "./power.js";
import { evanMillerSampleSize } from "./sample-size.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON fixtures
const g: any = JSON.parse(readFileSync(new URL("../../../test/reference/growthbook_power_test_values.json", import.meta.url), "utf8"));

/** GrowthBook asserts `+x.toFixed(5)`; so do we. */
function fixed5(x: number): number {
  return Number(x.toFixed(5));
}

function mde(r: ReturnType<typeof mdeFrequentist>): number {
  assert.ok(r.ok, JSON.stringify(r));
  return r.mde;
}

test("GrowthBook single-metric power and MDE, fixed and sequential", () => {
  const s = g.single_metric;
  assert.equal(fixed5(powerFrequentist(s.metric, s.n, s.arms)), s.power_fixed);
  assert.equal(fixed5(mde(mdeFrequentist(s.metric, 0.8, s.n, s.arms))), s["mde_fixed_at_power_0.8"]);
  assert.equal(fixed5(powerFrequentist(s.metric, s.n, s.arms, { sequentialTuning: 5000 })), s.power_sequential_5000);
  assert.equal(fixed5(mde(mdeFrequentist(s.metric, 0.8, s.n, s.arms, { sequentialTuning: 5000 }))), s["mde_sequential_5000_at_power_0.8"]);
  for (const c of g.frequentist_variance) {
    const [va, ma, na, vb, mb, nb, rel] = c.args;
    assert.equal(fixed5(frequentistVariance(va, ma, na, vb, mb, nb, rel)), c.expected);
  }
});

test("GrowthBook 9-week power and MDE tables, fixed and sequential", () => {
  const t = g.weekly_tables;
  const metrics: PowerMetric[] = t.metrics_in_order.map((m: Record<string, number | string>) =>
    m.type === "binomial"
      ? { mean: m.conversionRate, variance: binomialVariance(m.conversionRate as number), effect: m.effect }
      : { mean: m.mean, variance: m.variance, effect: m.effect },
  );
  for (const [design, tuning] of [
    ["fixed", false],
    ["sequential_5000", 5000],
  ] as const) {
    const power: number[] = [];
    const mdes: number[] = [];
    for (let week = 1; week <= t.weeks; week++) {
      for (const m of metrics) {
        power.push(fixed5(powerFrequentist(m, t.users_per_week * week, t.arms, { alpha: t.alpha, sequentialTuning: tuning })));
        mdes.push(fixed5(mde(mdeFrequentist(m, 0.8, t.users_per_week * week, t.arms, { alpha: t.alpha, sequentialTuning: tuning }))));
      }
    }
    assert.deepEqual(power, t[design].power, `${design} power`);
    assert.deepEqual(mdes, t[design].mde, `${design} MDE`);
  }
});

test("MDE and power are consistent: power at the MDE is the target", () => {
  const m = { mean: 0.012, variance: 3e-6 };
  for (const tuning of [false, 5000] as const) {
    const d = mde(mdeFrequentist(m, 0.8, 2000, 2, { sequentialTuning: tuning }));
    // The MDE ignores the far tail Φ(−z* − Δ/σ) = Φ(−4.76) ≈ 1e-6, so power at it is 0.8 plus that tail.
    const p = powerFrequentist({ ...m, effect: d }, 2000, 2, { sequentialTuning: tuning });
    assert.ok(p >= 0.8 && p - 0.8 < 2e-6, `${p}`);
  }
  assert.equal(mdeFrequentist({ mean: 0.012, variance: 1e-3 }, 0.8, 4, 2).ok, false); // too few units for any MDE
  assert.equal(mdeFrequentist(m, 0.01, 2000, 2).ok, false);
});

test("plan: a 10 % CPI change at 80 % power, fixed vs sequential, from day-level history", () => {
  // Ten days of a campaign's cost and impressions: CPI ≈ 0.012 with a few % day-to-day noise.
  const history = [
    [480, 40000],
    [530, 41500],
    [455, 39000],
    [500, 40500],
    [470, 41800],
    [515, 40200],
    [462, 39600],
    [505, 41000],
    [490, 40400],
    [476, 39900],
  ].map(([m, d]) => ({ m: m as number, d: d as number }));
  const h = historyMoments(history);
  assert.ok(h);
  assert.ok(Math.abs(h.mean - 4883 / 403900) < 1e-15);
  const plan = planTest({ mean: h.mean, unitVariance: h.unitVariance, unitsPerDay: 2, mde: -0.1 });
  const { fixed, sequential } = plan;
  assert.ok(fixed.days !== null && sequential.days !== null);
  assert.ok(fixed.days < sequential.days, "sequential designs pay for peeking with a longer test");
  assert.ok((fixed.powerAtDays ?? 0) >= 0.8 && (sequential.powerAtDays ?? 0) >= 0.8);
  // One day fewer does not reach the target.
  const metric = { mean: h.mean, variance: h.unitVariance, effect: -0.1 };
  assert.ok(powerFrequentist(metric, 2 * (fixed.days - 1), 2) < 0.8);
  assert.ok(powerFrequentist(metric, 2 * (sequential.days - 1), 2, { sequentialTuning: 5000 }) < 0.8);
  assert.ok(plan.warnings.some((w) => w.includes("tuning parameter")), "a day-level test decides far below N* = 5000");
});

test("plan: a CTR test with the impression as the unit agrees with the classical sample size", () => {
  const p = 0.02;
  const plan = planTest({ mean: p, unitVariance: binomialVariance(p), unitsPerDay: 40000, mde: 0.1 });
  assert.ok(plan.fixed.unitsPerArm !== null && plan.fixed.days !== null);
  // GrowthBook's delta method (baseline variance in both arms, relative lift) needs ~9 % more units
  // than Evan Miller's formula (pooled null, p₂(1 − p₂) under the alternative); same order, as math.md §3 notes.
  const em = evanMillerSampleSize(p, 0.1 * p);
  const ratio = plan.fixed.unitsPerArm / em;
  assert.ok(ratio > 1 && ratio < 1.15, `${plan.fixed.unitsPerArm} vs ${em}`);
  assert.equal(plan.fixed.days, Math.ceil((2 * plan.fixed.unitsPerArm) / 40000));
});

test("plan: impossible inputs give warnings and nulls, never an exception or NaN", () => {
  for (const bad of [
    { mean: 0, unitVariance: 1, unitsPerDay: 2, mde: 0.1 },
    { mean: 0.01, unitVariance: 0, unitsPerDay: 2, mde: 0.1 },
    { mean: 0.01, unitVariance: 1e-6, unitsPerDay: 0, mde: 0.1 },
    { mean: 0.01, unitVariance: 1e-6, unitsPerDay: 2, mde: 0 },
    { mean: Number.NaN, unitVariance: 1e-6, unitsPerDay: 2, mde: 0.1 },
  ]) {
    const plan = planTest(bad);
    assert.equal(plan.fixed.days, null);
    assert.equal(plan.sequential.days, null);
    assert.match(plan.warnings[0] ?? "", /cannot plan/);
  }
  const tooLong = planTest({ mean: 0.012, unitVariance: 1e-4, unitsPerDay: 2, mde: 0.01, maxDays: 90 });
  assert.equal(tooLong.fixed.days, null);
  assert.ok(tooLong.warnings.some((w) => w.startsWith("fixed:")));
  assert.equal(historyMoments([{ m: 1, d: 10 }]), null);
});
