// Seeded simulations: under no true difference the fixed test rejects about α of the time, and the
// sequential test stays under α even when it is looked at every day; the planner's power is what
// the simulation finds. Deterministic (mulberry32), a few seconds in total.
import assert from "node:assert/strict";
import { test } from "node:test";
import { frequentistTest } from "./frequentist.js";
import { historyMoments, powerFrequentist } from "./power.js";
import { mulberry32, normalSampler } from "./random.js";
import { sequentialTest } from "./sequential.js";
import { type RatioStat, ratioStat, ratioStatOf, type Unit } from "./sufficient.js";

const ALPHA = 0.05;
const EXPERIMENTS = 2000;

/** A day of one creative: impressions ~ 40 000 ± 20 % (log-normal), CPI = cpi ± 10 % (log-normal). */
function dayUnit(z: () => number, cpi: number): Unit {
  const d = Math.round(40_000 * Math.exp(0.2 * z()));
  return { m: d * cpi * Math.exp(0.1 * z() - 0.005), d };
}

/** Binomial tolerance: the observed rate of `count` in `n` trials is within 4.5 standard errors of p. */
function nearRate(count: number, n: number, p: number): boolean {
  return Math.abs(count / n - p) <= 4.5 * Math.sqrt((p * (1 - p)) / n);
}

test("fixed test: false-positive rate ≈ α over 2000 A/A experiments (30 days per arm, CPI by the delta method)", (t) => {
  const z = normalSampler(mulberry32(20240501));
  let rejections = 0;
  let covered = 0;
  for (let e = 0; e < EXPERIMENTS; e++) {
    const a = ratioStatOf(Array.from({ length: 30 }, () => dayUnit(z, 0.012)));
    const b = ratioStatOf(Array.from({ length: 30 }, () => dayUnit(z, 0.012)));
    const r = frequentistTest(a, b, { alpha: ALPHA });
    assert.ok(r.ok);
    if (r.pValue < ALPHA) rejections++;
    if (r.ci[0] <= 0 && r.ci[1] >= 0) covered++;
  }
  const rate = rejections / EXPERIMENTS;
  t.diagnostic(`fixed-test false-positive rate ${rate}`);
  assert.ok(rate >= 0.03 && rate <= 0.07, `false-positive rate ${rate}`);
  assert.equal(covered, EXPERIMENTS - rejections, "the CI excludes 0 exactly when p < α");
});

test("fixed test: simulated power for a 10 % cheaper creative matches the planner's prediction", (t) => {
  const z = normalSampler(mulberry32(7));
  const history = historyMoments(Array.from({ length: 20_000 }, () => dayUnit(z, 0.012)));
  assert.ok(history);
  const days = 12;
  let rejections = 0;
  for (let e = 0; e < EXPERIMENTS; e++) {
    const a = ratioStatOf(Array.from({ length: days }, () => dayUnit(z, 0.012)));
    const b = ratioStatOf(Array.from({ length: days }, () => dayUnit(z, 0.012 * 0.9)));
    const r = frequentistTest(a, b, { alpha: ALPHA });
    assert.ok(r.ok);
    if (r.pValue < ALPHA && r.estimate < 0) rejections++;
  }
  const predicted = powerFrequentist({ mean: history.mean, variance: history.unitVariance, effect: -0.1 }, 2 * days, 2);
  const simulated = rejections / EXPERIMENTS;
  t.diagnostic(`power for −10 % over ${days} days: simulated ${simulated}, planned ${predicted.toFixed(3)}`);
  // The planner uses z where the test uses Welch's t with ~22 dof, so it is a little optimistic.
  assert.ok(simulated <= predicted + 0.02 && simulated >= predicted - 0.08, `simulated ${simulated}, predicted ${predicted}`);
});

test("sequential test stays under α with 14 daily peeks; naive daily peeking at the fixed test does not", (t) => {
  // Visitor-level units: 200 a day per arm, 1–3 impressions each, so N reaches 5600 ≈ N* = 5000.
  const rand = mulberry32(99);
  const z = normalSampler(rand);
  const PEEKS = 14;
  const PER_DAY = 200;
  let sequentialRejected = 0;
  let naiveRejected = 0;
  let finalLookRejected = 0;
  const add = (sums: number[]) => {
    for (let i = 0; i < PER_DAY; i++) {
      const d = 1 + Math.floor(3 * rand());
      const m = d * 0.012 * Math.exp(0.3 * z());
      sums[0] = (sums[0] as number) + m;
      sums[1] = (sums[1] as number) + m * m;
      sums[2] = (sums[2] as number) + d;
      sums[3] = (sums[3] as number) + d * d;
      sums[4] = (sums[4] as number) + m * d;
    }
  };
  const stat = (n: number, s: number[]): RatioStat => ratioStat(n, s[0] as number, s[1] as number, s[2] as number, s[3] as number, s[4] as number);
  for (let e = 0; e < EXPERIMENTS; e++) {
    const sa = [0, 0, 0, 0, 0];
    const sb = [0, 0, 0, 0, 0];
    let seq = false;
    let naive = false;
    for (let day = 1; day <= PEEKS; day++) {
      add(sa);
      add(sb);
      const n = day * PER_DAY;
      const a = stat(n, sa);
      const b = stat(n, sb);
      const s = sequentialTest(a, b, { alpha: ALPHA, tuning: 5000 });
      const f = frequentistTest(a, b, { alpha: ALPHA });
      assert.ok(s.ok && f.ok);
      if (s.pValue < ALPHA) seq = true;
      if (f.pValue < ALPHA) naive = true;
      if (day === PEEKS && f.pValue < ALPHA) finalLookRejected++;
    }
    if (seq) sequentialRejected++;
    if (naive) naiveRejected++;
  }
  const seqRate = sequentialRejected / EXPERIMENTS;
  const naiveRate = naiveRejected / EXPERIMENTS;
  t.diagnostic(`14 daily peeks: sequential ${seqRate}, naive fixed ${naiveRate}, fixed at the last look only ${finalLookRejected / EXPERIMENTS}`);
  assert.ok(seqRate < ALPHA, `sequential false-positive rate with daily peeks ${seqRate}`);
  assert.ok(naiveRate > 0.1, `naive peeking should inflate false positives well above α, got ${naiveRate}`);
  assert.ok(nearRate(finalLookRejected, EXPERIMENTS, ALPHA), `a single look at the end ${finalLookRejected / EXPERIMENTS}`);
});
