import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32, normalDraw } from "../curves/seeded-random.js";
import { flightPacing } from "../pacing/flight-pacing.js";
import { detectAnomaly, detectPacing, detectThreshold, detectZeroDelivery, historyBefore, median, sameWeekdayHistory, seasonalFit } from "./index.js";

type Event = "spike" | "drop" | "zero" | null;

/** Seeded daily impressions with weekly seasonality, a slow trend, ±6 % noise and injected events. */
function synthSeries(seed: number, days: number, firstEventDay: number) {
  const rand = mulberry32(seed);
  const level = 2000 * 25 ** rand(); // 2,000 … 50,000 a day
  const weekly = [1.0, 1.06, 1.08, 1.04, 0.96, 0.66, 0.58].map((w) => w * (1 + 0.05 * normalDraw(rand)));
  const trend = 0.15 * (rand() - 0.5);
  const values: number[] = [];
  const events: Event[] = [];
  for (let d = 0; d < days; d++) {
    let v = level * (weekly[d % 7] ?? 1) * (1 + (trend * d) / days) * Math.exp(0.06 * normalDraw(rand));
    let e: Event = null;
    if (d >= firstEventDay) {
      const u = rand();
      if (u < 0.03) {
        e = "spike";
        v *= 1.8 + 1.2 * rand();
      } else if (u < 0.06) {
        e = "drop";
        v *= 0.2 + 0.3 * rand();
      } else if (u < 0.07) {
        e = "zero";
        v = 0;
      }
    }
    values.push(Math.round(v));
    events.push(e);
  }
  return { values, events };
}

test("median, same-weekday history and the days before a day", () => {
  assert.equal(median([3, 1, 2, 10]), 2.5);
  const series = Array.from({ length: 30 }, (_, i) => (i === 9 ? null : i));
  assert.deepEqual(sameWeekdayHistory(series, 23, 3), [2, 16]); // 9 is missing
  assert.deepEqual(historyBefore([1, 2, 3, 4], 3, 1), [null, null, null, null, 1, 2, 3]);
});

test("the seasonal fit's spread is the spread of a day it did not see: calibrated on 300 seeded series per noise level", () => {
  const rand = mulberry32(5);
  for (const sigma of [0.02, 0.05, 0.1]) {
    const z: number[] = [];
    let bias = 0;
    for (let t = 0; t < 300; t++) {
      const weekly = [1, 1.05, 1.07, 1.04, 0.97, 0.62, 0.58];
      const trend = 0.3 * (rand() - 0.5);
      const ys = Array.from({ length: 57 }, (_, i) => 1000 * (weekly[(i + t) % 7] ?? 1) * (1 + (trend * i) / 120) * Math.exp(sigma * normalDraw(rand)));
      const fit = seasonalFit(ys.slice(0, 56), { log: true });
      assert.ok(fit);
      const err = Math.log(ys[56] ?? 1) - fit.forecast;
      z.push(err / fit.spread);
      bias += err / 300;
    }
    const sd = Math.sqrt(z.reduce((s, x) => s + x * x, 0) / z.length);
    // A spread that is the error's standard deviation: z-scores of sd ≈ 1 (a fit from 4 same-weekday values gave 1.3–2).
    assert.ok(sd > 0.85 && sd < 1.2, `noise ${sigma}: z-scores have sd ${sd.toFixed(3)}`);
    assert.ok(Math.abs(bias) < sigma / 5, `noise ${sigma}: forecast bias ${bias.toFixed(4)}`);
  }
});

test("seeded series with weekly seasonality: the detectors find injected spikes, drops and zero days and stay quiet otherwise", (t) => {
  const SERIES = 40;
  const DAYS = 126; // 18 weeks: 8 weeks of history before events are injected
  const FIRST = 56;
  const counts = { spike: [0, 0], drop: [0, 0], zero: [0, 0], normal: [0, 0], normalNaive: [0, 0], zeroFalse: 0 };
  for (let s = 0; s < SERIES; s++) {
    const { values, events } = synthSeries(7000 + s, DAYS, FIRST);
    for (let d = FIRST; d < DAYS; d++) {
      const value = values[d] ?? 0;
      const e = events[d] ?? null;
      const a = detectAnomaly({ value, history: historyBefore(values, d, 8) }, { minVolume: 100 });
      const z = detectZeroDelivery({ value, history: sameWeekdayHistory(values, d, 8) });
      const bucket = e ?? "normal";
      counts[bucket][0] = (counts[bucket][0] ?? 0) + 1;
      const fired = e === "zero" ? z.fired : a.fired;
      if (fired) counts[bucket][1] = (counts[bucket][1] ?? 0) + 1;
      if (e !== "zero" && z.fired) counts.zeroFalse++;
      if (e === null) {
        // contrast: a history of the last 7 days only, blind to the weekly pattern
        const naive = detectAnomaly({ value, history: [...historyBefore(values, d - 7, 1), ...values.slice(d - 7, d)] }, { minVolume: 100, minHistory: 1 });
        counts.normalNaive[0] = (counts.normalNaive[0] ?? 0) + 1;
        if (naive.fired) counts.normalNaive[1] = (counts.normalNaive[1] ?? 0) + 1;
      }
    }
  }
  const rate = (c: number[]) => (c[1] ?? 0) / Math.max(1, c[0] ?? 0);
  t.diagnostic(
    `spikes found ${counts.spike[1]}/${counts.spike[0]}, drops ${counts.drop[1]}/${counts.drop[0]}, zero days ${counts.zero[1]}/${counts.zero[0]}; ` +
      `false alarms ${counts.normal[1]}/${counts.normal[0]} normal days; zero-delivery false alarms ${counts.zeroFalse}`,
  );
  assert.ok((counts.spike[0] ?? 0) > 50 && (counts.drop[0] ?? 0) > 50 && (counts.zero[0] ?? 0) > 15, "enough injected events");
  assert.ok(rate(counts.spike) >= 0.95, `spike recall ${rate(counts.spike)}`);
  assert.ok(rate(counts.drop) >= 0.95, `drop recall ${rate(counts.drop)}`);
  assert.equal(rate(counts.zero), 1);
  assert.ok(rate(counts.normal) <= 0.005, `false alarm rate ${rate(counts.normal)}`);
  assert.equal(counts.zeroFalse, 0);
});

/** Eight weeks of a steady weekly pattern around `level` with ±3 % noise (seeded). */
function steady(level: number, seed = 1): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: 56 }, (_, i) => level * ([1, 1.04, 1.05, 1.02, 0.98, 0.7, 0.66][i % 7] ?? 1) * Math.exp(0.03 * normalDraw(rand)));
}

test("a minimum effect beside the score: a very steady series does not alert on a 10 % move, does on a 40 % one", () => {
  const history = steady(1000);
  const usual = detectAnomaly({ value: 1000, history });
  assert.ok(usual.baseline !== null && Math.abs(usual.baseline / 1000 - 1) < 0.05, `expected ≈ 1000 on a Monday, got ${usual.baseline}`);
  const ten = detectAnomaly({ value: 1100, history }, { threshold: 2 });
  assert.ok((ten.score ?? 0) > 2, "10 % is several spreads of a 3 % noise");
  assert.equal(ten.fired, false);
  assert.match(ten.message, /under the least change worth an alert \(±25 %\)/);
  const forty = detectAnomaly({ value: 1400, history });
  assert.equal(forty.fired, true);
  assert.equal(forty.direction, "up");
  assert.equal(detectAnomaly({ value: 1100, history }, { threshold: 2, minEffect: 0.05 }).fired, true, "min effect 5 %: the score decides");
});

test("tiny scopes and ratio metrics below the minimum volume do not alert; thin histories are skipped", () => {
  const small = steady(10);
  const tiny = detectAnomaly({ value: 60, history: small }, { minVolume: 100 });
  assert.equal(tiny.fired, false);
  assert.equal(tiny.skipped, "low-volume");
  const cpiHistory = steady(0.01, 3);
  const cpi = detectAnomaly({ value: 0.05, history: cpiHistory, volume: 40 }, { minVolume: 1000 });
  assert.equal(cpi.skipped, "low-volume");
  const cpiBig = detectAnomaly({ value: 0.05, history: cpiHistory, volume: 40_000 }, { minVolume: 1000, direction: "up" });
  assert.equal(cpiBig.fired, true);
  assert.equal(cpiBig.direction, "up");
  assert.match(cpiBig.message, /vs a usual 0\.0(09|1)/);
  const dropOnlyUp = detectAnomaly({ value: 0.001, history: cpiHistory }, { direction: "up" });
  assert.equal(dropOnlyUp.fired, false);
  assert.equal(detectAnomaly({ value: null, history: cpiHistory }).skipped, "no-value");
  assert.equal(detectAnomaly({ value: 5, history: [1, 2, 3, 4, 5, 6, 7, 8] }).skipped, "insufficient-history");
  // Linear scale (a signed gap): the size of the usual value is the volume, so a large negative series is not low volume.
  const negative = Array.from({ length: 56 }, (_, i) => -2000 - 50 * Math.sin(i));
  const neg = detectAnomaly({ value: -9000, history: negative }, { minVolume: 1000, log: false });
  assert.equal(neg.skipped, null);
  assert.equal(neg.fired, true);
  assert.equal(neg.direction, "down");
  assert.equal(detectAnomaly({ value: -90, history: negative.map((v) => v / 100) }, { minVolume: 1000, log: false }).skipped, "low-volume");
  assert.equal(detectZeroDelivery({ value: 0, history: [20, 30, 25] }).skipped, "low-volume");
  assert.equal(detectZeroDelivery({ value: null, history: [2000, 3000, 2500] }).fired, true);
  assert.equal(detectZeroDelivery({ value: 0, history: [3614, 3600, 3650] }).message, "delivered nothing today; it usually delivers 3,614 impressions");
  assert.equal(detectZeroDelivery({ value: 0, history: [20, 30, 25.5] }).message, "usually 25.5 impressions, below the minimum 100 worth alerting on");
  assert.equal(detectZeroDelivery({ value: 1, history: [5, 5, 5] }, { minExpected: 1, measure: { count: "clicks" } }).message, "delivered 1 click");
  assert.equal(detectZeroDelivery({ value: 0, history: [1234.5, 1300, 1200] }, { measure: "money" }).message, "spent nothing today; it usually spends 1,235");
});

test("fixed threshold and pacing detectors report the numbers behind them", () => {
  const th = detectThreshold({ value: 16.2, volume: 5000 }, { operator: ">", threshold: 15, minVolume: 1000 });
  assert.equal(th.fired, true);
  assert.equal(th.value, 16.2);
  assert.equal(detectThreshold({ value: 14 }, { operator: ">", threshold: 15 }).fired, false);
  assert.equal(detectThreshold({ value: 0.001 }, { operator: "<=", threshold: 0.002 }).fired, true);
  assert.equal(detectThreshold({ value: 20, volume: 10 }, { operator: ">", threshold: 15, minVolume: 1000 }).skipped, "low-volume");
  const M = 1_000_000n;
  const over = flightPacing({ budget: 3000n * M, flightStart: "2026-10-01", flightEnd: "2026-10-30", asOf: "2026-10-10", spendToDate: 1200n * M });
  const p = detectPacing(over);
  assert.equal(p.fired, true);
  assert.equal(p.value, 3600);
  assert.equal(p.baseline, 3000);
  assert.ok(Math.abs((p.score ?? 0) - 0.2) < 1e-12);
  assert.equal(detectPacing(over, { watch: "underspend" }).fired, false);
  const ok = flightPacing({ budget: 3000n * M, flightStart: "2026-10-01", flightEnd: "2026-10-30", asOf: "2026-10-10", spendToDate: 1000n * M });
  assert.equal(detectPacing(ok).fired, false);
});

test("an absolute spread floor keeps a value near zero with a steady history quiet (the discrepancy's one percentage point)", () => {
  const history = Array.from({ length: 56 }, () => -0.02);
  const steadyGap = { value: -0.026, history, volume: 1000 };
  const rule = { minRelativeSpread: 0, minEffect: 0, log: false } as const;
  assert.equal(detectAnomaly(steadyGap, rule).fired, true, "without a floor any wobble is infinitely unusual");
  const floored = detectAnomaly(steadyGap, { ...rule, minSpread: 0.01 });
  assert.equal(floored.fired, false);
  assert.equal(floored.spread, 0.01);
  assert.ok(Math.abs((floored.score ?? 0) + 0.6) < 1e-9);
  assert.equal(detectAnomaly({ ...steadyGap, value: -0.3 }, { ...rule, minSpread: 0.01 }).direction, "down");
});
