// analyzeTest: output shape, a worked CPI test, several arms, drift, and degenerate data.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isUserError } from "../errors.js";
import { type AnalyzeInput, analyzeTest, type Method, type TestArm, type TestUnit } from "./analyze.js";
import { bayesianTest } from "./bayesian.js";
import { effectMoments } from "./effect-moments.js";
import { frequentistTest } from "./frequentist.js";
import { holmAdjust } from "./holm.js";
import { mulberry32, normalSampler } from "./random.js";
import { sequentialTest } from "./sequential.js";
import { meanStatOf, ratioStatOf, ratioStatOfCounted } from "./sufficient.js";
import { trafficShareDrift } from "./traffic-drift.js";

const METHODS: Method[] = ["frequentist", "sequential", "bayesian"];

/** Asserts that no number anywhere in the value is NaN or infinite (nulls are fine). */
function assertAllFinite(value: unknown, path = "result"): void {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertAllFinite(v, `${path}[${i}]`);
  }
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertAllFinite(v, `${path}.${k}`);
  }
}

/** Days of a creative: ~40 000 impressions a day at a CPI around `cpi` with 4 % day-to-day noise. */
function days(seed: number, cpi: number, n = 14, impressions = 40_000): TestUnit[] {
  const rand = mulberry32(seed);
  const z = normalSampler(rand);
  return Array.from({ length: n }, (_, i) => {
    const d = Math.round(impressions * (1 + 0.1 * z()));
    const m = Math.round(d * cpi * (1 + 0.04 * z()) * 100) / 100;
    return { m, d, key: `2024-05-${String(i + 1).padStart(2, "0")}` };
  });
}

const A: TestArm = { name: "A", units: days(1, 0.012) };
const B: TestArm = { name: "B", units: days(2, 0.0105) };

test("the output has exactly the issue's JSON shape", () => {
  for (const method of METHODS) {
    const r = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], baseline: "A", method });
    assert.deepEqual(Object.keys(r), ["metric", "method", "arms", "comparisons", "warnings"]);
    assert.deepEqual(Object.keys(r.arms[0] ?? {}), ["name", "units", "cost", "impressions", "value"]);
    assert.deepEqual(Object.keys(r.comparisons[0] ?? {}), ["arm", "baseline", "lift", "ci", "p_value", "chance_to_win", "risk", "verdict"]);
    assert.equal(r.metric, "cpi");
    assert.equal(r.method, method);
    assertAllFinite(r);
    const c = r.comparisons[0];
    assert.ok(c);
    if (method === "bayesian") {
      assert.equal(c.p_value, null);
      assert.ok(c.chance_to_win !== null && c.risk !== null);
    } else {
      assert.equal(c.chance_to_win, null);
      assert.equal(c.risk, null);
      assert.ok(c.p_value !== null);
    }
  }
});

test("a 12.5 % cheaper creative: sums, lift, interval, p-value and verdict", () => {
  const r = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], baseline: "A" });
  const [a, b] = r.arms;
  assert.ok(a && b);
  const costA = A.units.reduce((s, u) => s + u.m, 0);
  const imprA = A.units.reduce((s, u) => s + u.d, 0);
  assert.equal(a.units, 14);
  assert.equal(a.cost, costA);
  assert.equal(a.impressions, imprA);
  assert.equal(a.value, costA / imprA, "CPI = Σcost/Σimpressions, never a mean of daily CPIs");
  const c = r.comparisons[0];
  assert.ok(c && c.lift !== null && c.ci !== null && c.p_value !== null);
  assert.ok(Math.abs(c.lift - ((b.value as number) - (a.value as number)) / (a.value as number)) < 1e-15);
  // The same numbers as the engine on the sufficient statistics.
  const direct = frequentistTest(ratioStatOf(A.units), ratioStatOf(B.units));
  assert.ok(direct.ok);
  assert.equal(c.p_value, direct.pValue);
  assert.deepEqual(c.ci, [...direct.ci]);
  assert.ok(c.lift < -0.1 && c.lift > -0.16, `${c.lift}`);
  assert.ok(c.p_value < 0.001);
  assert.match(c.verdict, /^B's CPI is \d+\.\d % lower than A's \(95 % CI −\d+\.\d % to −\d+\.\d %, p [=<] [\d.]+\): B is cheaper$/);
  assert.deepEqual(r.warnings, []);
});

test("each engine's verdict knows the direction: a lower CPI wins, a lower CTR loses", () => {
  const bayes = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], baseline: "A", method: "bayesian" });
  const c = bayes.comparisons[0];
  assert.ok(c && c.chance_to_win !== null && c.risk !== null);
  assert.ok(c.chance_to_win > 0.99, "B is almost surely cheaper");
  assert.ok(c.risk < 0.001, "choosing B risks almost nothing");
  assert.match(c.verdict, /chance that B is cheaper.*: B is cheaper$/);
  const direct = bayesianTest(ratioStatOf(A.units), ratioStatOf(B.units), { inverse: true });
  assert.ok(direct.ok);
  assert.equal(c.chance_to_win, direct.chanceToWin);

  const seq = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], baseline: "A", method: "sequential" });
  const s = seq.comparisons[0];
  const f = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], baseline: "A" }).comparisons[0];
  assert.ok(s?.ci && f?.ci && s.p_value !== null && f.p_value !== null);
  assert.ok(s.ci[1] - s.ci[0] > f.ci[1] - f.ci[0], "the always-valid interval is wider");
  assert.ok(s.p_value >= f.p_value);
  assert.match(s.verdict, /always-valid CI/);

  // CTR: the same lower number is now a loss.
  const ctr = analyzeTest({ metric: { name: "ctr", direction: "higher" }, arms: [A, B], baseline: "A" });
  assert.match(ctr.comparisons[0]?.verdict ?? "", /: B is worse$/);
  assert.equal(ctr.arms[0]?.cost, null, "a CTR test's numerator is clicks, so cost is unknown unless given");
  assert.equal(ctr.arms[0]?.impressions, A.units.reduce((s2, u) => s2 + u.d, 0));
  const cpm = analyzeTest({ metric: { name: "cpm", direction: "lower" }, arms: [A, B], baseline: "A" });
  assert.ok(Math.abs((cpm.arms[0]?.value as number) - 1000 * (analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B] }).arms[0]?.value as number)) < 1e-12);
});

test("no true difference: no significant difference yet", () => {
  const r = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, { name: "B", units: days(3, 0.012) }], baseline: "A" });
  assert.match(r.comparisons[0]?.verdict ?? "", /^no significant difference yet: B's CPI is/);
});

test("default baseline is the arm with the most impressions", () => {
  const big: TestArm = { name: "Big", units: days(5, 0.012, 14, 90_000) };
  const r = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, big, B] });
  assert.equal(r.comparisons[0]?.baseline, "Big");
  assert.deepEqual(
    r.comparisons.map((c) => c.arm),
    ["A", "B"],
  );
});

test("several arms: Holm-adjusted p-values, said so in the warnings", () => {
  const C: TestArm = { name: "C", units: days(4, 0.0118) };
  const r = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B, C], baseline: "A" });
  const raw = [B, C].map((x) => {
    const t = frequentistTest(ratioStatOf(A.units), ratioStatOf(x.units));
    assert.ok(t.ok);
    return t.pValue;
  });
  assert.deepEqual(
    r.comparisons.map((c) => c.p_value),
    holmAdjust(raw),
  );
  assert.ok(r.warnings.some((w) => w.includes("Holm-adjusted for 2 comparisons")));
  assert.match(r.comparisons[1]?.verdict ?? "", /Holm-adjusted/);
  // Bayesian results are not p-values and are not adjusted.
  const b = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B, C], baseline: "A", method: "bayesian" });
  assert.ok(!b.warnings.some((w) => w.includes("Holm")));
});

test("degenerate: one unit, zero variance, zero baseline, no impressions → a warning and nulls, for every engine", () => {
  const cases: { name: string; input: Omit<AnalyzeInput, "method">; reason: RegExp }[] = [
    {
      name: "one unit",
      input: { metric: { name: "cpi", direction: "lower" }, arms: [{ name: "A", units: [{ m: 480, d: 40_000 }] }, B], baseline: "A" },
      reason: /A has 1 unit; at least 2 per arm/,
    },
    {
      name: "no units",
      input: { metric: { name: "cpi", direction: "lower" }, arms: [A, { name: "B", units: [] }], baseline: "A" },
      reason: /B has 0 units/,
    },
    {
      name: "zero variance (the same CPI every day)",
      input: {
        metric: { name: "cpi", direction: "lower" },
        arms: [A, { name: "B", units: [1000, 2000, 3000].map((d) => ({ m: d * 0.011, d })) }],
        baseline: "A",
      },
      reason: /per-unit CPI of B does not vary/,
    },
    {
      name: "zero baseline (free impressions)",
      input: {
        metric: { name: "cpi", direction: "lower" },
        arms: [{ name: "A", units: A.units.map((u) => ({ m: 0, d: u.d })) }, B],
        baseline: "A",
      },
      reason: /A's CPI is 0, so a relative lift is undefined/,
    },
    {
      name: "no impressions",
      input: {
        metric: { name: "cpi", direction: "lower" },
        arms: [{ name: "A", units: [{ m: 0, d: 0 }, { m: 0, d: 0 }] }, B],
        baseline: "A",
      },
      reason: /A has no impressions/,
    },
    {
      name: "non-finite input",
      input: { metric: { name: "cpi", direction: "lower" }, arms: [A, { name: "B", units: [...B.units, { m: Number.NaN, d: 5 }] }], baseline: "A" },
      reason: /non-finite/,
    },
  ];
  for (const { name, input, reason } of cases) {
    for (const method of METHODS) {
      const r = analyzeTest({ ...input, method });
      const c = r.comparisons[0];
      assert.ok(c, name);
      assert.equal(c.lift, null, `${name} ${method}`);
      assert.equal(c.ci, null);
      assert.equal(c.p_value, null);
      assert.equal(c.chance_to_win, null);
      assert.equal(c.risk, null);
      assert.match(c.verdict, /^cannot compare B with A: /, `${name} ${method}`);
      assert.match(c.verdict, reason, `${name} ${method}: ${c.verdict}`);
      assert.ok(r.warnings.some((w) => reason.test(w)), `${name} ${method}: ${r.warnings.join(" | ")}`);
      // Arm values are null, not NaN, where undefined; JSON round-trips without loss.
      for (const arm of r.arms) assert.ok(arm.value === null || Number.isFinite(arm.value));
      assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    }
  }
});

test("degenerate engines return problems with codes, never NaN", () => {
  const one = effectMoments(meanStatOf([1]), meanStatOf([1, 2]));
  assert.ok(!one.ok && one.problem.code === "TOO_FEW_UNITS" && one.problem.arms[0] === "baseline");
  const flat = effectMoments(meanStatOf([2, 2, 2]), meanStatOf([1, 2]));
  assert.ok(!flat.ok && flat.problem.code === "ZERO_VARIANCE");
  const zero = effectMoments(meanStatOf([-1, 1, 0]), meanStatOf([1, 2]));
  assert.ok(!zero.ok && zero.problem.code === "BASELINE_ZERO");
  const absolute = effectMoments(meanStatOf([-1, 1, 0]), meanStatOf([1, 2]), "absolute");
  assert.ok(absolute.ok, "a zero baseline is fine for an absolute difference");
  assert.equal(frequentistTest(meanStatOf([1, 2]), meanStatOf([1, 3]), { alpha: 2 }).ok, false);
  assert.equal(sequentialTest(meanStatOf([1, 2]), meanStatOf([1, 3]), { tuning: 0 }).ok, false);
  assert.equal(bayesianTest(meanStatOf([1, 2]), meanStatOf([1, 3]), { prior: { mean: 0, variance: 0, proper: true } }).ok, false);
});

test("fewer than two arms, unknown baseline and duplicate names", () => {
  const single = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A] });
  assert.deepEqual(single.comparisons, []);
  assert.ok(single.warnings.includes("a test needs at least 2 arms"));
  assert.throws(() => analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], baseline: "Z" }), (e) => isUserError(e) && /not one of the arms: A, B/.test(e.message));
  assert.throws(() => analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, A] }), isUserError);
});

test("traffic-share drift: B's share of impressions collapses in the second week → warning", () => {
  const drifting: TestArm = { name: "B", units: B.units.map((u, i) => ({ ...u, d: i < 7 ? u.d : Math.round(u.d * 0.4), m: i < 7 ? u.m : u.m * 0.4 })) };
  const r = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, drifting], baseline: "A" });
  const w = r.warnings.find((x) => x.startsWith("traffic shares drifted"));
  assert.ok(w, r.warnings.join(" | "));
  assert.match(w, /share of impressions went from \d+\.\d % in the first half to \d+\.\d % in the second half/);
  // A steady split gives no warning, nor do units without shared keys (e.g. placements).
  assert.ok(!analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B] }).warnings.some((x) => x.includes("drift")));
  const report = trafficShareDrift([
    { name: "A", periods: A.units.map((u) => ({ key: u.key as string, traffic: u.d })) },
    { name: "B", periods: B.units.map((u) => ({ key: u.key as string, traffic: u.d })) },
  ]);
  assert.equal(report.drifted, false);
  assert.equal(report.periods, 14);
  const tooShort = trafficShareDrift([
    { name: "A", periods: [{ key: "1", traffic: 10 }] },
    { name: "B", periods: [{ key: "1", traffic: 90 }] },
  ]);
  assert.equal(tooShort.arms[0]?.pValue, null);
});

test("notes: delivery optimisation and sample-ratio mismatch", () => {
  const opt = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [A, B], options: { platformOptimised: true } });
  assert.ok(opt.warnings.some((w) => w.includes("delivery optimisation")));
  const visitors = (n: number): TestUnit[] => Array.from({ length: n }, (_, i) => ({ m: (i % 7) * 0.01, d: 1 + (i % 3) }));
  const srm = analyzeTest({
    metric: { name: "cpi", direction: "lower" },
    arms: [
      { name: "A", units: visitors(1200) },
      { name: "B", units: visitors(1000) },
    ],
    options: { expectedShares: [0.5, 0.5] },
  });
  assert.ok(srm.warnings.some((w) => w.startsWith("sample ratio mismatch")), srm.warnings.join(" | "));
});

test("pre-period numbers per unit switch on CUPED: same lift scale, narrower interval", () => {
  // Placements as units: each has a persistent price level, seen both before and during the test.
  const z = normalSampler(mulberry32(11));
  const placements = (n: number, cpi: number): TestUnit[] =>
    Array.from({ length: n }, () => {
      const level = Math.exp(0.3 * z());
      const d = Math.round(20_000 * Math.exp(0.5 * z()));
      const dPre = Math.round(d * Math.exp(0.2 * z()));
      return { m: d * cpi * level * Math.exp(0.05 * z()), d, mPre: dPre * 0.012 * level * Math.exp(0.05 * z()), dPre };
    });
  const a: TestArm = { name: "A", units: placements(40, 0.012) };
  const b: TestArm = { name: "B", units: placements(40, 0.0108) };
  const strip = (arm: TestArm): TestArm => ({ name: arm.name, units: arm.units.map(({ m, d }) => ({ m, d })) });
  const plain = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [strip(a), strip(b)], baseline: "A" }).comparisons[0];
  const cuped = analyzeTest({ metric: { name: "cpi", direction: "lower" }, arms: [a, b], baseline: "A" }).comparisons[0];
  assert.ok(plain?.ci && cuped?.ci && cuped.lift !== null);
  const width = (c: [number, number]) => c[1] - c[0];
  assert.ok(width(cuped.ci) < 0.5 * width(plain.ci), `CUPED ${width(cuped.ci)} vs plain ${width(plain.ci)}`);
  assert.ok(Math.abs(cuped.lift + 0.1) < 0.05, `${cuped.lift}`);
  assertAllFinite(cuped);
});

test("arms given as sums (a database's per-visitor histogram) analyse exactly like the same units listed one by one", () => {
  // Visitors as (clicks, impressions) with how many visitors had each: A 40 × (0, 1), 10 × (1, 2), 10 × (0, 3); B 30 × (0, 1), 20 × (1, 2), 10 × (1, 4).
  const histogram = {
    A: [
      { m: 0, d: 1, count: 40 },
      { m: 1, d: 2, count: 10 },
      { m: 0, d: 3, count: 10 },
    ],
    B: [
      { m: 0, d: 1, count: 30 },
      { m: 1, d: 2, count: 20 },
      { m: 1, d: 4, count: 10 },
    ],
  };
  const expand = (h: { m: number; d: number; count: number }[]) => h.flatMap((u) => Array.from({ length: u.count }, () => ({ m: u.m, d: u.d })));
  assert.deepEqual(ratioStatOfCounted(histogram.A), ratioStatOf(expand(histogram.A)));
  for (const method of METHODS) {
    const metric = { name: "ctr", direction: "higher" as const };
    const listed = analyzeTest({ metric, method, baseline: "A", arms: [{ name: "A", units: expand(histogram.A) }, { name: "B", units: expand(histogram.B) }] });
    const summed = analyzeTest({ metric, method, baseline: "A", arms: [{ name: "A", units: [], stat: ratioStatOfCounted(histogram.A) }, { name: "B", units: [], stat: ratioStatOfCounted(histogram.B) }] });
    assert.deepEqual(summed, listed, method);
    assert.deepEqual(summed.arms.map((a) => [a.units, a.value]), [[60, 10 / 90], [60, 30 / 110]]);
  }
});
