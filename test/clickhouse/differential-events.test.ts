// test:slow
// The same seeded first-party events and contracts in DuckDB, ClickHouse 18.16 (one server and the
// two-shard cluster, events sharded by visitor) and ClickHouse 26: every tracked report is identical
// in every time zone, reach included — exact on every engine, also past the 4,096 visitors per group
// where ClickHouse's uniqCombined (used before) stopped being exact.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Report, runReport } from "../../src/app/report.js";
import type { Dimension, Filter, MetricQuery } from "../../src/domain/query.js";
import type { NewContract } from "../../src/domain/tracking/contract.js";
import type { Store } from "../../src/store/store.js";
import { chdbSkipReason } from "./chdb.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";
import { engineStores, type NamedStore } from "./stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];

const CONTRACTS: NewContract[] = [
  { campaign: "Direct 0", placement: "", pricing: "flat", amount: 2_500_000_000n, currency: "USD", from: "2026-10-01", to: "2026-10-15", timezone: "America/New_York" },
  { campaign: "Direct 1", placement: "news-site", pricing: "cpm", amount: 7_250_000n, currency: "EUR", from: "2026-10-02", to: "2026-10-20", timezone: "Asia/Kolkata" },
  { campaign: "Direct 2", placement: "", pricing: "cpc", amount: 410_000n, currency: "GBP", from: "2026-10-05", to: "2026-10-12", timezone: "UTC" },
];

before(async () => {
  if (skip) return;
  cluster = await startClickHouse(2);
  stores = await engineStores(cluster);
  const events = randomEvents({ seed: 5, events: 12_000 });
  const rates = [];
  for (let d = 1; d <= 31; d++) {
    const date = `2026-10-${String(d).padStart(2, "0")}`;
    rates.push({ date, base: "EUR", currency: "USD", rate: 1.08 + d / 1000, origin: "t" }, { date, base: "EUR", currency: "GBP", rate: 0.86 - d / 2000, origin: "t" });
  }
  for (const { store } of stores) {
    for (let off = 0; off < events.length; off += 2500) {
      const batch = events.slice(off, off + 2500);
      await store.appendTrackedEvents({ logId: "log-1", from: off * 100, to: (off + batch.length) * 100, events: batch });
    }
    for (const c of CONTRACTS) await store.addContract(c);
    await store.upsertFxRates(rates);
  }
});

after(async () => {
  for (const { store } of stores) await store.close();
  await cluster?.stop();
});

const METRICS = ["impressions", "clicks", "cost", "cpi", "cpm", "ctr", "viewable_impressions", "measurable_impressions", "viewable_rate", "vcpm", "invalid_rate", "reach", "cpmr"] as const;

function queries(): MetricQuery[] {
  const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };
  const filters: Filter[][] = [
    [tracked],
    [tracked, { dimension: "campaign", op: "contains", values: ["1", "2"] }],
    [tracked, { dimension: "placement", op: "neq", values: ["blog"] }],
    [tracked, { dimension: "measurement", op: "eq", values: ["io-v2"] }],
  ];
  const dims: Dimension[][] = [[], ["campaign"], ["ad"], ["placement"], ["country"], ["device"], ["currency"], ["measurement"], ["day"], ["week"], ["month"], ["campaign", "day"], ["placement", "week"], ["campaign", "measurement"]];
  const out: MetricQuery[] = [];
  for (const f of filters)
    for (const dimensions of dims)
      for (const timezone of [undefined, "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
        for (const period of [{}, { from: "2026-10-03", to: "2026-10-10" }]) {
          out.push({ metrics: [...METRICS], dimensions, filters: f, ...period, ...(timezone ? { timezone } : {}), currency: "EUR" });
        }
  return out;
}

/** The report without reach (compared exactly), and its reach figures (compared within the sketch's error). */
function split(r: Report): { exact: unknown; reach: (number | null)[] } {
  const reach: (number | null)[] = [];
  const strip = (row: Report["rows"][number] | null) => {
    if (!row) return null;
    reach.push(row.tracked?.reach ?? null);
    const { reach: _r, cpmr: _c, ...values } = row.values;
    return { keys: row.keys, totals: row.totals, invalid: row.tracked?.invalid_impressions ?? null, values };
  };
  const exact = { rows: r.rows.map(strip), total: strip(r.total), currency: r.currency, warnings: r.warnings };
  return { exact, reach };
}

test("tracked reports (every dimension, grain, zone, filter and period) are identical on every store, reach included", { skip }, async (t) => {
  let compared = 0;
  let rows = 0;
  let reachFigures = 0;
  for (const q of queries()) {
    const [reference, ...others] = await Promise.all(stores.map(async (s) => ({ name: s.name, ...split(await runReport(s.store as Store, q)) })));
    if (!reference) throw new Error("no stores");
    for (const r of others) {
      assert.deepEqual(r.exact, reference.exact, `${r.name} differs for ${JSON.stringify(q)}`);
      assert.deepEqual(r.reach, reference.reach, `${r.name} reach differs for ${JSON.stringify(q)}`);
    }
    compared++;
    rows += reference.exact ? (reference.exact as { rows: unknown[] }).rows.length : 0;
    reachFigures += reference.reach.length;
  }
  t.diagnostic(`${compared} tracked reports on ${stores.map((s) => s.name).join(", ")}: ${rows} rows, ${reachFigures} reach figures, all identical`);
});

test("reach is exact past 4,096 visitors per group on every store (where uniqCombined stopped being exact)", { skip }, async (t) => {
  const big = await engineStores(cluster as TestCluster);
  try {
    const events = randomEvents({ seed: 9, events: 60_000, visitors: 30_000, campaigns: 2 });
    for (const { store } of big) {
      for (let off = 0; off < events.length; off += 10_000) {
        const batch = events.slice(off, off + 10_000);
        await store.appendTrackedEvents({ logId: "log-big", from: off, to: off + batch.length, events: batch });
      }
    }
    const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };
    let largest = 0;
    for (const dimensions of [[], ["campaign"], ["campaign", "week"], ["placement"], ["device", "campaign"]] as Dimension[][]) {
      const q: MetricQuery = { metrics: ["impressions", "reach"], dimensions, filters: [tracked] };
      const [reference, ...others] = await Promise.all(big.map(async (s) => ({ name: s.name, report: await runReport(s.store, q) })));
      if (!reference) throw new Error("no stores");
      const reach = (r: Report) => [...r.rows, r.total].map((row) => row?.tracked?.reach ?? null);
      for (const v of reach(reference.report)) largest = Math.max(largest, v ?? 0);
      for (const o of others) assert.deepEqual(reach(o.report), reach(reference.report), `${o.name} reach by ${dimensions.join(",") || "(total)"}`);
    }
    assert.ok(largest > 4096 * 4, `the largest group has ${largest} visitors`);
    t.diagnostic(`largest group: ${largest} visitors, identical on ${big.map((s) => s.name).join(", ")}`);
  } finally {
    for (const { store } of big) await store.close();
  }
});

test("filters that match nothing give no rows on every store, whatever the dimensions (constant ones too)", { skip }, async () => {
  const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };
  for (const nothing of [{ dimension: "campaign", op: "eq", values: ["No such campaign"] }, { dimension: "measurement", op: "eq", values: ["io-v3"] }] as Filter[]) {
    for (const dimensions of [["source"], ["currency"], ["measurement"], ["source", "measurement"], ["campaign", "day"]] as Dimension[][]) {
      const q: MetricQuery = { metrics: ["impressions", "measurable_impressions", "invalid_rate"], dimensions, filters: [tracked, nothing] };
      for (const { name, store } of stores) assert.deepEqual((await runReport(store, q)).rows, [], `${name}: ${JSON.stringify(q)}`);
    }
  }
});

test("a replayed batch is skipped and a gap is refused on every store", { skip }, async () => {
  for (const { name, store } of stores) {
    assert.equal(await store.eventLogOffset("log-1"), 1_200_000, name);
    const replay = await store.appendTrackedEvents({ logId: "log-1", from: 0, to: 250_000, events: randomEvents({ seed: 5, events: 10 }) });
    assert.equal(replay.applied, false, name);
    await assert.rejects(store.appendTrackedEvents({ logId: "log-1", from: 1_300_000, to: 1_400_000, events: [] }), /starts at 1300000/, name);
  }
});

test("ClickHouse 26 (chdb) is one of the stores compared", { skip: (skip || chdbSkipReason()) ?? false }, () => {
  assert.ok(stores.some((s) => s.name === "clickhouse-26"));
});
