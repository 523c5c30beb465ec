import assert from "node:assert/strict";
import { test } from "node:test";
import { isoWeekStart } from "../domain/dates.js";
import { addTotals, emptyTotals, type Totals } from "../domain/measures.js";
import { metricValues } from "../domain/metrics.js";
import type { MetricQuery } from "../domain/query.js";
import { blankSpendRow, type SpendRow } from "../domain/spend.js";
import { DuckDbStore } from "../store/duckdb/duckdb-store.js";
import { randomSpendRows } from "../test-support/random-spend.js";
import { type Report, runReport } from "./report.js";

function rowTotals(r: SpendRow): Totals {
  return {
    cost: r.cost,
    revenue: r.revenue,
    impressions: r.impressions,
    clicks: r.clicks,
    conversions: r.conversions,
    viewable_impressions: r.viewable_impressions,
    measurable_impressions: r.measurable_impressions,
  };
}

/** The naive aggregation a user would do in a spreadsheet, written independently of the store. */
function naive(rows: SpendRow[], key: (r: SpendRow) => string | null): Map<string, Totals> {
  const m = new Map<string, Totals>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    m.set(k, addTotals(m.get(k) ?? emptyTotals(), rowTotals(r)));
  }
  return m;
}

async function storeWith(rows: SpendRow[]) {
  const store = await DuckDbStore.open(":memory:");
  await store.importSpend([{ file: "t.csv", contentHash: "x", format: "test", rows, reach: [] }]);
  return store;
}

test("report sums match a naive aggregation for every dimension, grain and filter", async () => {
  const rows = randomSpendRows({ seed: 7, rows: 5000 });
  const store = await storeWith(rows);
  const cases: { q: Omit<MetricQuery, "metrics">; key: (r: SpendRow) => string | null }[] = [
    { q: { dimensions: ["campaign"], filters: [] }, key: (r) => r.campaign },
    { q: { dimensions: ["source", "day"], filters: [] }, key: (r) => `${r.source}|${r.date_start}` },
    { q: { dimensions: ["week"], filters: [] }, key: (r) => isoWeekStart(r.date_start) },
    { q: { dimensions: ["month", "ad"], filters: [] }, key: (r) => `${r.date_start.slice(0, 7)}-01|${r.ad}` },
    {
      q: { dimensions: ["campaign"], filters: [{ dimension: "source", op: "eq", values: ["meta"] }], from: "2026-09-10", to: "2026-09-20" },
      key: (r) => (r.source === "meta" && r.date_start >= "2026-09-10" && r.date_end <= "2026-09-20" ? r.campaign : null),
    },
    { q: { dimensions: ["placement"], filters: [{ dimension: "campaign", op: "neq", values: ["Campaign 1", "Campaign 2"] }] }, key: (r) => (["Campaign 1", "Campaign 2"].includes(r.campaign) ? null : r.placement) },
    { q: { dimensions: ["ad_group"], filters: [{ dimension: "campaign", op: "contains", values: ["GN 1"] }] }, key: (r) => (r.campaign.includes("gn 1") || r.campaign.toLowerCase().includes("gn 1") ? r.ad_group : null) },
  ];
  for (const c of cases) {
    const report = await runReport(store, { ...c.q, metrics: ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "roas"] });
    const expected = naive(rows, c.key);
    assert.equal(report.rows.length, expected.size, JSON.stringify(c.q));
    for (const row of report.rows) {
      const want = expected.get(row.keys.join("|"));
      assert.ok(want, `unexpected group ${row.keys.join("|")}`);
      assert.equal(row.totals.cost, want.cost, "cost is exact to the micro");
      assert.equal(row.totals.impressions, want.impressions);
      assert.equal(row.totals.clicks, want.clicks);
      assert.deepEqual(row.values, metricValues(["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "roas"], want));
    }
  }
  await store.close();
});

test("CPI is the ratio of sums, never the mean of per-row CPIs", async () => {
  const a = { ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-01", source: "x", currency: "USD", campaign: "C", campaign_id: "C", cost: 1_000_000_000n, impressions: 100_000 };
  const b = { ...a, date_start: "2026-10-02", date_end: "2026-10-02", cost: 10_000_000n, impressions: 100 };
  const store = await storeWith([a, b]);
  const report = await runReport(store, { metrics: ["cpi", "cpm"], dimensions: ["campaign"], filters: [] });
  // Σcost / Σimpr = 1010 / 100100; the mean of row CPIs would be (0.01 + 0.1) / 2 = 0.055.
  assert.equal(report.rows[0]?.values.cpi, 1010 / 100_100);
  assert.notEqual(report.rows[0]?.values.cpi, 0.055);
  await store.close();
});

test("a zero denominator gives null, never Infinity or NaN", async () => {
  const r = { ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-01", source: "x", currency: "USD", campaign: "Dark", campaign_id: "Dark", cost: 5_000_000n };
  const store = await storeWith([r]);
  const report = await runReport(store, { metrics: ["cpi", "ctr", "cpa", "roas"], dimensions: ["campaign"], filters: [] });
  assert.deepEqual(report.rows[0]?.values, { cpi: null, ctr: null, cpa: null, roas: 0 });
  await store.close();
});

test("ranged rows keep their range under a finer grain, and rows straddling the period are left out with a warning", async () => {
  const base = { ...blankSpendRow(), source: "x", currency: "USD", campaign: "C", campaign_id: "C", impressions: 1000, cost: 10_000_000n };
  const store = await storeWith([
    { ...base, date_start: "2026-10-01", date_end: "2026-10-31" },
    { ...base, date_start: "2026-10-05", date_end: "2026-10-05" },
    { ...base, date_start: "2026-09-25", date_end: "2026-10-03" },
  ]);
  const byDay = await runReport(store, { metrics: ["impressions"], dimensions: ["day"], filters: [], from: "2026-10-01", to: "2026-10-31" });
  assert.deepEqual(
    byDay.rows.map((r) => [r.keys[0], r.totals.impressions]),
    [
      ["2026-10-01..2026-10-31", 1000],
      ["2026-10-05", 1000],
    ],
  );
  assert.ok(byDay.warnings.some((w) => w.includes("1 row covering dates across the period's edges")));
  const byMonth = await runReport(store, { metrics: ["impressions"], dimensions: ["month"], filters: [], from: "2026-10-01", to: "2026-10-31" });
  assert.deepEqual(byMonth.rows.map((r) => [r.keys[0], r.totals.impressions]), [["2026-10-01", 2000]]);
  await store.close();
});

test("mixed currencies are never summed: an error names them; --currency converts at each row's date", async () => {
  const base = { ...blankSpendRow(), source: "x", campaign: "C", campaign_id: "C", impressions: 1000 };
  const store = await storeWith([
    { ...base, date_start: "2026-10-01", date_end: "2026-10-01", currency: "USD", cost: 100_000_000n },
    { ...base, date_start: "2026-10-02", date_end: "2026-10-02", currency: "EUR", cost: 100_000_000n },
    { ...base, date_start: "2026-10-04", date_end: "2026-10-04", currency: "GBP", cost: 100_000_000n }, // a Sunday: Friday's rate
  ]);
  await assert.rejects(runReport(store, { metrics: ["cost"], dimensions: [], filters: [] }), /EUR, GBP, USD/);
  await assert.rejects(runReport(store, { metrics: ["cost"], dimensions: [], filters: [], currency: "USD" }), /no exchange rate for (EUR|GBP)/);
  await store.upsertFxRates([
    { date: "2026-10-01", base: "EUR", currency: "USD", rate: 1.25, origin: "t" },
    { date: "2026-10-02", base: "EUR", currency: "USD", rate: 1.1, origin: "t" },
    { date: "2026-10-02", base: "EUR", currency: "GBP", rate: 0.8, origin: "t" },
  ]);
  const usd = await runReport(store, { metrics: ["cost"], dimensions: [], filters: [], currency: "USD" });
  // 100 USD + 100 EUR × 1.1 (Oct 2) + 100 GBP × 1.1/0.8 (Oct 2's rates, the latest before Sunday Oct 4)
  assert.ok(Math.abs((usd.total?.values.cost as number) - (100 + 110 + 137.5)) < 1e-6);
  const byCurrency = await runReport(store, { metrics: ["cost"], dimensions: ["currency"], filters: [] });
  assert.equal(byCurrency.rows.length, 3);
  assert.equal(byCurrency.total, null);
  await store.close();
});

test("re-importing replaces the same source, account and campaigns over the same dates", async () => {
  const rows = randomSpendRows({ seed: 11, rows: 2000 });
  const store = await storeWith(rows);
  const before = await runReport(store, { metrics: ["cost", "impressions"], dimensions: ["campaign"], filters: [] });
  await store.importSpend([{ file: "again.csv", contentHash: "x", format: "test", rows, reach: [] }]);
  const after = await runReport(store, { metrics: ["cost", "impressions"], dimensions: ["campaign"], filters: [] });
  const plain = (r: Report) => r.rows.map(({ keys, totals, values }) => ({ keys, totals, values }));
  assert.deepEqual(plain(after), plain(before));
  assert.ok(plain(before).length > 0);
  // A restated export of one campaign for one account replaces just that; other campaigns stay.
  const restated = rows.filter((r) => r.campaign_id === "c3" && r.account_id === "meta-acct-0").map((r) => ({ ...r, impressions: r.impressions + 1 }));
  const [outcome] = await store.importSpend([{ file: "restated.csv", contentHash: "y", format: "test", rows: restated, reach: [] }]);
  assert.equal(outcome?.replacedRows, restated.length);
  const third = await runReport(store, { metrics: ["impressions"], dimensions: ["campaign"], filters: [] });
  for (const row of third.rows) {
    const old = before.rows.find((r) => r.keys[0] === row.keys[0]);
    assert.equal(row.totals.impressions, (old?.totals.impressions ?? 0) + (row.keys[0] === "Campaign 3" ? restated.length : 0));
  }
  await store.close();
});

test("a failing import rolls back: the store is left exactly as it was", async () => {
  const rows = randomSpendRows({ seed: 3, rows: 500 });
  const store = await storeWith(rows);
  const before = await store.query("SELECT COUNT(*) AS n, SUM(cost_micros) AS c FROM spend");
  const bad = { ...(rows[0] as SpendRow), date_start: "not a date" };
  await assert.rejects(store.importSpend([{ file: "ok.csv", contentHash: "a", format: "t", rows, reach: [] }, { file: "bad.csv", contentHash: "b", format: "t", rows: [bad], reach: [] }]));
  assert.deepEqual(await store.query("SELECT COUNT(*) AS n, SUM(cost_micros) AS c FROM spend"), before);
  assert.deepEqual(await store.query("SELECT COUNT(*) AS n FROM imports"), [{ n: 1n }]);
  await store.close();
});
