import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CURVE_MODELS,
  type CurveModelName,
  channelMarginals,
  fitChannelResponse,
  fitCurve,
  forecastSpend,
  mulberry32,
  normalDraw,
  objectiveCurve,
  predictCurve,
} from "./index.js";

interface Case {
  model: CurveModelName;
  truth: number[];
  /** log-uniform x range of the synthetic days */
  xRange: [number, number];
  /** multiplicative log-normal noise of a day around the curve */
  sigma: number;
  /** recovery tolerance per parameter (relative) on one seeded data set */
  tolerance: number[];
}
// Impressions vary ±10 % a day around their curve; reach (people per impressions) is steadier, ±3 %:
// the NBD shape is weakly identified at 10 % noise (its 95 % interval spans ~10×), so that case uses 3 %.
const CASES: Case[] = [
  { model: "power-law", truth: [900, 0.8], xRange: [200, 5000], sigma: 0.1, tolerance: [0.25, 0.05] },
  { model: "saturating-cpm", truth: [8, 3000], xRange: [200, 8000], sigma: 0.1, tolerance: [0.1, 0.25] },
  { model: "nbd-reach", truth: [2_000_000, 0.8], xRange: [1e5, 1e7], sigma: 0.03, tolerance: [0.05, 0.2] },
  { model: "exponential-reach", truth: [2_000_000, 0.7], xRange: [1e5, 1e7], sigma: 0.03, tolerance: [0.05, 0.05] },
  { model: "hill", truth: [50_000, 2000, 2.5], xRange: [300, 8000], sigma: 0.1, tolerance: [0.1, 0.1, 0.15] },
];

function synth(c: Case, seed: number, n = 60) {
  const rand = mulberry32(seed);
  const curve = CURVE_MODELS[c.model].curve(c.truth);
  const [lo, hi] = c.xRange;
  return Array.from({ length: n }, () => {
    const x = lo * (hi / lo) ** rand();
    return { x, y: curve.value(x) * Math.exp(c.sigma * normalDraw(rand)) };
  });
}

test("fitting recovers the parameters of known curves from seeded synthetic days (n = 60; stated tolerances)", () => {
  for (const c of CASES) {
    const fit = fitCurve(c.model, synth(c, 12345));
    assert.ok(fit.converged, `${c.model} converged`);
    c.truth.forEach((t, i) => {
      const p = fit.params[i];
      assert.ok(p, "param");
      const rel = Math.abs(p.value / t - 1);
      assert.ok(rel <= (c.tolerance[i] ?? 0), `${c.model}.${p.name}: fitted ${p.value}, truth ${t}, off by ${(rel * 100).toFixed(1)} %`);
      assert.ok(p.low !== null && p.high !== null && p.low < p.value && p.value < p.high);
    });
    assert.ok(Math.abs(fit.sigma / c.sigma - 1) < 0.3, `${c.model} σ ${fit.sigma}`);
    assert.ok(fit.r2Log > 0.8, `${c.model} R² ${fit.r2Log}`);
  }
});

test("95 % intervals cover the truth at about their nominal rate (200 seeded repetitions)", (t) => {
  const reps = 200;
  for (const c of CASES.filter((k) => k.model !== "exponential-reach")) {
    const cover = new Array<number>(c.truth.length + 1).fill(0);
    const probe = Math.sqrt(c.xRange[0] * c.xRange[1]);
    const truthAtProbe = CURVE_MODELS[c.model].curve(c.truth).value(probe);
    for (let r = 0; r < reps; r++) {
      const fit = fitCurve(c.model, synth(c, 1000 + r, 40));
      fit.params.forEach((p, i) => {
        const tv = c.truth[i] ?? 0;
        if (p.low !== null && p.high !== null && p.low <= tv && tv <= p.high) cover[i] = (cover[i] ?? 0) + 1;
      });
      const pr = predictCurve(fit, probe);
      if (pr.low <= truthAtProbe && truthAtProbe <= pr.high) cover[c.truth.length] = (cover[c.truth.length] ?? 0) + 1;
    }
    const rates = cover.map((k) => k / reps);
    t.diagnostic(`${c.model}: coverage of params ${rates.slice(0, -1).map((x) => x.toFixed(3)).join(", ")}; curve at x=${probe.toFixed(0)}: ${rates.at(-1)?.toFixed(3)}`);
    // nominal 0.95; binomial sd at 200 reps ≈ 0.015, plus the delta method's approximation for nonlinear curves
    for (const rate of rates) assert.ok(rate >= 0.9 && rate <= 0.99, `${c.model} coverage ${rate}`);
  }
});

test("channel response: marginal CPM and cost per extra person, forecast with interval and extrapolation flag", () => {
  const rand = mulberry32(7);
  const imps = CURVE_MODELS["saturating-cpm"].curve([8, 3000]);
  const reach = CURVE_MODELS["nbd-reach"].curve([400_000, 1.2]);
  const days = Array.from({ length: 60 }, () => {
    const spend = 300 + 2700 * rand();
    const i = imps.value(spend) * Math.exp(0.05 * normalDraw(rand));
    return { spend, impressions: i, reach: reach.value(i) * Math.exp(0.05 * normalDraw(rand)) };
  });
  const resp = fitChannelResponse(days);
  assert.equal(resp.impressions.model, "saturating-cpm");
  assert.ok(resp.reach, "a reach curve was fitted (nbd or exponential: over this short range both fit)");
  assert.ok(resp.spendRange.min >= 300 && resp.spendRange.max <= 3000);
  const m = channelMarginals(resp, 1500);
  // truth: marginal CPM = cpm0·(1 + s/k)² = 8·1.5² = 18
  assert.ok(Math.abs((m.marginalCpm ?? 0) / 18 - 1) < 0.05, `marginal CPM ${m.marginalCpm}`);
  assert.ok(Math.abs((m.cpm ?? 0) / 12 - 1) < 0.05, `average CPM ${m.cpm}`);
  const trueDR = reach.derivative(imps.value(1500)) * imps.derivative(1500);
  assert.ok(Math.abs((m.marginalCostPerReach ?? 0) * trueDR - 1) < 0.1, `marginal cost per person ${m.marginalCostPerReach} vs ${1 / trueDR}`);
  assert.equal(m.extrapolation, false);
  const inRange = forecastSpend(resp, 1500);
  assert.equal(inRange.extrapolation, false);
  assert.ok(inRange.impressions.low < imps.value(1500) && imps.value(1500) < inRange.impressions.high);
  assert.ok(inRange.cpi.low < inRange.cpi.value && inRange.cpi.value < inRange.cpi.high);
  assert.ok(Math.abs(inRange.cpm.value - 1000 * inRange.cpi.value) < 1e-9);
  const r = inRange.reach;
  assert.ok(r && r.low < r.value && r.value < r.high);
  const far = forecastSpend(resp, 9000);
  assert.equal(far.extrapolation, true);
  assert.ok(far.impressions.high / far.impressions.low > inRange.impressions.high / inRange.impressions.low, "wider outside the data");
  assert.match(far.notes.join(" "), /extrapolation/);
  // objective curves for the allocator
  const oc = objectiveCurve(resp, "reach");
  assert.ok(Math.abs(oc.value(1500) / (m.reach ?? 0) - 1) < 1e-12);
  assert.throws(() => objectiveCurve({ ...resp, reach: null }, "reach"), /no reach data/);
  // a frequency cap spreads the same impressions over more people; a loose cap changes nothing
  const capped = objectiveCurve(resp, "reach", { frequencyCap: 2 });
  const loose = objectiveCurve(resp, "reach", { frequencyCap: 1000 });
  assert.ok(capped.value(1500) > oc.value(1500));
  assert.ok(Math.abs(loose.value(1500) / oc.value(1500) - 1) < 1e-6);
  assert.ok(capped.derivative(1500) > 0);
});

test("degenerate input: too few points is a user error; zero days are skipped with a warning", () => {
  assert.throws(() => fitCurve("hill", [{ x: 1, y: 1 }, { x: 2, y: 2 }]), /at least 4 points/);
  const pts = [0, 100, 200, 400, 800].map((x) => ({ x, y: x * 100 }));
  const fit = fitCurve("power-law", pts);
  assert.match(fit.warnings.join(" "), /1 point/);
  assert.ok(Math.abs((fit.params[1]?.value ?? 0) - 1) < 1e-6);
});

test("a flat CPM drives the saturating-CPM k to its boundary: intervals still come from cpm0 (forecast has an interval)", () => {
  const rand = mulberry32(42);
  // $10 CPM whatever the spend, ±3 % a day: no curvature, so k runs off towards infinity.
  const days = Array.from({ length: 46 }, () => {
    const x = 80 + 60 * rand();
    return { x, y: ((1000 * x) / 10) * Math.exp(0.03 * normalDraw(rand)) };
  });
  const fit = fitCurve("saturating-cpm", days);
  const [cpm0, k] = fit.params;
  assert.ok(k && k.value > 1e6 && k.standardError === null && k.low === null, `k ${k?.value} pinned, no interval`);
  assert.ok(cpm0?.low && cpm0.high && cpm0.low < 10 && 10 < cpm0.high, `cpm0 ${cpm0?.low} … ${cpm0?.high} covers 10`);
  assert.ok(cpm0.high / cpm0.low < 1.05, "cpm0 is tightly determined by 46 days at ±3 %");
  assert.match(fit.warnings.join(" "), /k ran to its boundary/);
  const at = predictCurve(fit, 110);
  assert.ok(Number.isFinite(at.low) && at.low < 11_000 && 11_000 < at.high, `impressions at $110: ${at.low} … ${at.high} covers 11,000`);
  const f = forecastSpend(fitChannelResponse(days.map((d) => ({ spend: d.x, impressions: d.y, reach: null })), { impressionsModel: "saturating-cpm" }), 110);
  assert.ok(f.cpm.low < 10 && 10 < f.cpm.high && f.cpm.high / f.cpm.low < 1.05, `CPM ${f.cpm.low} … ${f.cpm.high}`);
});
