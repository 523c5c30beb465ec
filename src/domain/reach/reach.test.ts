import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  averageFrequency,
  cappedReach,
  costPerThousandReached,
  deduplicatedReach,
  distinctCountErrorBound,
  distinctCountInterval,
  fitGoergCurve,
  frequencyBuckets,
  frequencyFromExposures,
  goergImpressionsForShare,
  goergReach,
  hllRelativeStandardError,
  impressionsFromFrequency,
  kPlusReach,
  nbdFrequency,
  nbdKPlusReach,
  nbdReach,
  nbdReachDerivative,
  poissonFrequency,
  poissonKPlusReach,
  poissonReach,
  sainsburyReach,
  sainsburyReachShare,
  totalReach,
} from "./index.js";

interface Row {
  audience: number;
  impressions: number;
  shape?: number;
  reach: number;
  exact_1_to_10: number[];
  kplus_3: number;
  kplus_10?: number;
}
const V = JSON.parse(readFileSync(new URL("../../../test/reference/reach-curves-vectors.json", import.meta.url), "utf8")) as {
  nbd: Row[];
  poisson: Row[];
  verbatim: Record<string, Record<string, unknown>>;
};
const close = (a: number, b: number, rel = 1e-9, what = "") =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);

test("Sainsbury: 400 spots at a 0.1 rating combine to 32.98 % (reference example)", () => {
  const share = sainsburyReachShare(new Array(400).fill(0.001));
  assert.equal(Math.round(share * 10000) / 10000, 0.3298);
  close(sainsburyReach(new Array(400).fill(1000), 1_000_000), 1_000_000 * (1 - 0.999 ** 400));
  close(sainsburyReach([400_000, 300_000], 1_000_000), 580_000);
  assert.equal(sainsburyReach([], 10), 0);
  assert.equal(sainsburyReach([20], 10), 10); // capped at the audience
  assert.throws(() => sainsburyReach([1], 0), /audience/);
});

test("deduplicated reach: independence estimate inside the honest range max…sum, capped by the audience", () => {
  const r = deduplicatedReach({ channels: [{ name: "a", reach: 400 }, { name: "b", reach: 300 }, { name: "c", reach: 500 }], audience: 1000 });
  close(r.estimate ?? Number.NaN, 1000 * (1 - 0.6 * 0.7 * 0.5));
  assert.equal(r.low, 500);
  assert.equal(r.high, 1000); // plain sum 1200 capped at 1000
  assert.equal(r.plainSum, 1200);
  assert.equal(r.method, "independence");
  const noN = deduplicatedReach({ channels: [{ name: "a", reach: 400 }, { name: "b", reach: 300 }] });
  assert.equal(noN.estimate, null);
  assert.equal(noN.low, 400);
  assert.equal(noN.high, 700);
  assert.match(noN.warnings.join(" "), /audience/);
});

test("deduplicated reach: measured overlaps tighten the range (exact for a pair; Bonferroni / Hunter for more)", () => {
  const pair = deduplicatedReach({ channels: [{ name: "a", reach: 400 }, { name: "b", reach: 300 }], overlaps: [{ a: "a", b: "b", both: 50 }] });
  assert.equal(pair.estimate, 650);
  assert.equal(pair.low, 650);
  assert.equal(pair.high, 650);
  assert.equal(pair.method, "exact-pair");
  // Three channels from a known population: build sets and check the bounds contain the truth.
  const a = new Set<number>();
  const b = new Set<number>();
  const c = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    if (i % 2 === 0) a.add(i);
    if (i % 3 === 0) b.add(i);
    if (i % 5 === 0 || i > 900) c.add(i);
  }
  const both = (x: Set<number>, y: Set<number>) => [...x].filter((v) => y.has(v)).length;
  const truth = new Set([...a, ...b, ...c]).size;
  const channels = [{ name: "a", reach: a.size }, { name: "b", reach: b.size }, { name: "c", reach: c.size }];
  const overlaps = [
    { a: "a", b: "b", both: both(a, b) },
    { a: "a", b: "c", both: both(a, c) },
    { a: "b", b: "c", both: both(b, c) },
  ];
  const loose = deduplicatedReach({ channels, audience: 1000 });
  const tight = deduplicatedReach({ channels, audience: 1000, overlaps });
  assert.ok(tight.low <= truth && truth <= tight.high, `${tight.low} ≤ ${truth} ≤ ${tight.high}`);
  assert.ok(tight.high - tight.low < loose.high - loose.low);
  const est = tight.estimate ?? Number.NaN;
  assert.ok(tight.low <= est && est <= tight.high);
  assert.equal(tight.method, "independence-within-overlap-bounds");
  // Only one overlap measured: still valid bounds.
  const partial = deduplicatedReach({ channels, audience: 1000, overlaps: overlaps.slice(0, 1) });
  assert.ok(partial.low <= truth && truth <= partial.high);
  assert.throws(() => deduplicatedReach({ channels, overlaps: [{ a: "a", b: "zz", both: 1 }] }), /zz/);
});

test("frequency distribution: buckets 1…9, 10+, k+ reach, average frequency", () => {
  const exposures = [1, 1, 1, 2, 2, 3, 10, 12, 40, 0];
  const d = frequencyFromExposures(exposures);
  assert.equal(totalReach(d), 9);
  assert.equal(impressionsFromFrequency(d), 72);
  const b = frequencyBuckets(d);
  assert.equal(b.length, 10);
  assert.deepEqual(b.map((x) => x.label), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10+"]);
  assert.deepEqual(b.map((x) => x.people), [3, 2, 1, 0, 0, 0, 0, 0, 0, 3]);
  assert.equal(kPlusReach(d, 3), 4);
  assert.equal(kPlusReach(d, 1), 9);
  assert.equal(averageFrequency(72, 9), 8);
  assert.equal(averageFrequency(10, 0), null);
  assert.equal(costPerThousandReached(5000, 125_000), 40);
  assert.equal(costPerThousandReached(5, 0), null);
  const open = { exact: [5, 3, 2], lastIsOpen: true };
  assert.deepEqual(frequencyBuckets(open).map((x) => `${x.label}:${x.people}`), ["1:5", "2:3", "3+:2"]);
  assert.equal(kPlusReach(open, 5), null);
  assert.equal(frequencyBuckets({ exact: [] })[0]?.share, null);
});

test("negative-binomial reach and frequency match scipy.stats.nbinom", () => {
  for (const row of V.nbd) {
    const k = row.shape ?? 1;
    close(nbdReach(row.audience, row.impressions, k), row.reach, 1e-12, "reach");
    const f = nbdFrequency(row.audience, row.impressions, k, 10);
    f.forEach((x, i) => {
      close(x, row.exact_1_to_10[i] ?? Number.NaN, 1e-10, `pmf ${i + 1}`);
    });
    close(nbdKPlusReach(row.audience, row.impressions, k, 3), row.kplus_3, 1e-9, "3+");
    close(nbdKPlusReach(row.audience, row.impressions, k, 10), row.kplus_10 ?? Number.NaN, 1e-8, "10+");
  }
  // the NBD tends to the Poisson curve as the shape grows; derivative by finite difference
  close(nbdReach(1e6, 2e6, 1e7), poissonReach(1e6, 2e6), 1e-6);
  const h = 1;
  close(nbdReachDerivative(1e6, 5e5, 0.7), (nbdReach(1e6, 5e5 + h, 0.7) - nbdReach(1e6, 5e5 - h, 0.7)) / (2 * h), 1e-6);
});

test("Poisson reach and frequency match scipy.stats.poisson", () => {
  for (const row of V.poisson) {
    close(poissonReach(row.audience, row.impressions), row.reach, 1e-12);
    poissonFrequency(row.audience, row.impressions, 10).forEach((x, i) => {
      close(x, row.exact_1_to_10[i] ?? Number.NaN, 1e-10);
    });
    close(poissonKPlusReach(row.audience, row.impressions, 3), row.kplus_3, 1e-9);
  }
});

test("Goerg one-point curve reproduces the WFA test values", () => {
  const g = fitGoergCurve(200, 100);
  assert.equal(g.maxReach, 200);
  assert.equal(goergReach(g, 200), 100);
  close(goergReach(g, 100), 200 / 3);
  assert.deepEqual([1, 2, 3].map((k) => goergReach(g, 200, k)), [100, 50, 25]);
  assert.equal(fitGoergCurve(300, 100).maxReach, 150);
  close(goergImpressionsForShare(g, 1 / 3), 100);
  assert.equal(goergImpressionsForShare(g, 0.5), 200);
  assert.throws(() => fitGoergCurve(100, 100), /impressions > reach/);
});

test("HyperLogLog error bounds: 1.04/√m, BigQuery's p=15 table, engine bounds", () => {
  const hll = V.verbatim.hll as { bigquery_p15_ci_percent: Record<string, number>; greptime_16384_registers_rse: number };
  // math.md: BigQuery's published 95 % column for p = 15 equals 1.04/√(2^15) (0.57 %)
  assert.equal(Math.round(hllRelativeStandardError(15) * 10000) / 100, hll.bigquery_p15_ci_percent["95"]);
  close(hllRelativeStandardError(14), hll.greptime_16384_registers_rse, 1e-12);
  const duck = distinctCountErrorBound("duckdb-approx-count-distinct");
  assert.equal(duck.registers, 64);
  close(duck.relativeStandardError, 0.13);
  const ch = distinctCountErrorBound("clickhouse-uniq-combined");
  assert.equal(ch.registers, 131072);
  assert.equal(ch.exactBelow, 4096);
  assert.ok(ch.relativeStandardError < 0.003);
  assert.equal(distinctCountErrorBound("exact").relativeStandardError, 0);
  assert.deepEqual(distinctCountInterval(100_000, 0.01, 2), { low: 98_000, high: 102_000 });
});

test("frequency cap: cap 1 makes every impression a new person, a loose cap changes nothing, tighter caps reach more", () => {
  close(cappedReach(1000, 400, 1, 1), 400, 1e-9);
  close(cappedReach(1000, 400, Number.POSITIVE_INFINITY, 1), 400, 1e-9);
  close(cappedReach(1e6, 2e6, 0.8, 1000), nbdReach(1e6, 2e6, 0.8), 1e-9);
  close(cappedReach(1e6, 2e6, Number.POSITIVE_INFINITY, 1000), poissonReach(1e6, 2e6), 1e-9);
  const byCap = [1, 2, 3, 5, 10].map((c) => cappedReach(1e6, 1.5e6, 0.8, c));
  for (let i = 1; i < byCap.length; i++) assert.ok((byCap[i] ?? 0) < (byCap[i - 1] ?? 0), `cap ${i}`);
  assert.equal(cappedReach(1000, 5000, 1, 3), 1000); // everyone at the cap
  assert.equal(cappedReach(1000, 0, 1, 3), 0);
});
