import assert from "node:assert/strict";
import { test } from "node:test";
import { addTotals, emptyTotals, type Totals } from "../domain/measures.js";
import { type MetricName, metricValues } from "../domain/metrics.js";
import { blankSpendRow, type SpendRow } from "../domain/spend.js";
import { DuckDbStore } from "../store/duckdb/duckdb-store.js";
import type { ResultColumns, Store } from "../store/store.js";
import { randomSpendRows } from "../test-support/random-spend.js";
import { runReport } from "./report.js";
import { columnarReportRows, rowValue } from "./report-rows.js";

const METRICS: MetricName[] = ["cost", "revenue", "impressions", "clicks", "conversions", "cpi", "cpm", "cpc", "cpa", "ctr", "cvr", "roas", "vcpm", "viewable_rate"];

/** The sums of `rows` by `key`, added up one row at a time (independently of the store and of the columns). */
function naive(rows: SpendRow[], key: (r: SpendRow) => string): Map<string, Totals> {
  const m = new Map<string, Totals>();
  for (const r of rows) {
    const { cost, revenue, impressions, clicks, conversions, viewable_impressions, measurable_impressions } = r;
    m.set(key(r), addTotals(m.get(key(r)) ?? emptyTotals(), { cost, revenue, impressions, clicks, conversions, viewable_impressions, measurable_impressions }));
  }
  return m;
}

async function storeWith(rows: SpendRow[]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(":memory:");
  await store.importSpend([{ file: "t.csv", contentHash: "x", format: "test", rows, reach: [] }]);
  return store;
}

test("every metric and sum of every row of a one-currency report equals the naive sums' (rows read from columns)", async () => {
  const rows = randomSpendRows({ seed: 21, rows: 3000, currencies: ["EUR"] });
  const store = await storeWith(rows);
  try {
    for (const sums of ["all", "metrics"] as const) {
      const report = await runReport(store, { metrics: METRICS, dimensions: ["campaign", "day"], filters: [] }, { sums });
      const want = naive(rows, (r) => `${r.campaign}|${r.date_start}`);
      assert.equal(report.currency, "EUR");
      assert.equal(report.rows.length, want.size);
      const total = emptyTotals();
      for (const row of report.rows) {
        const t = want.get(row.keys.join("|")) as Totals;
        assert.ok(t, `unexpected row ${row.keys.join("|")}`);
        addTotals(total, t);
        const values = metricValues(METRICS, t);
        assert.deepEqual(row.values, values, `${sums}: ${row.keys.join("|")}`);
        for (const m of METRICS) assert.equal(rowValue(row, m), values[m], `${sums}: ${m} of ${row.keys.join("|")}`);
        // Every measure a metric reads is summed; with sums "all", every one.
        assert.equal(row.totals.cost, t.cost);
        assert.equal(row.totals.impressions, t.impressions);
        assert.equal(row.totals.conversions, t.conversions);
        assert.equal(row.totals.viewable_impressions, t.viewable_impressions);
        if (sums === "all") assert.deepEqual(row.totals, t);
      }
      assert.deepEqual(report.total?.totals, total);
      assert.deepEqual(report.total?.values, metricValues(METRICS, total));
    }
  } finally {
    await store.close();
  }
});

test("a report by currency: each row's sums and metrics in its own currency, no grand total", async () => {
  const rows = randomSpendRows({ seed: 5, rows: 2000, currencies: ["USD", "EUR", "GBP"] });
  const store = await storeWith(rows);
  try {
    const report = await runReport(store, { metrics: METRICS, dimensions: ["currency", "source"], filters: [] }, { sums: "metrics" });
    const want = naive(rows, (r) => `${r.currency}|${r.source}`);
    assert.equal(report.currency, null);
    assert.equal(report.total, null);
    assert.deepEqual(
      report.rows.map((r) => r.keys.join("|")),
      [...want.keys()].sort(),
    );
    for (const row of report.rows) {
      const t = want.get(row.keys.join("|")) as Totals;
      assert.deepEqual(row.values, metricValues(METRICS, t), row.keys.join("|"));
      assert.equal(row.totals.cost, t.cost);
    }
  } finally {
    await store.close();
  }
});

test("an empty report has no rows, a zero total and null ratios", async () => {
  const store = await storeWith(randomSpendRows({ seed: 2, rows: 50, currencies: ["USD"] }));
  try {
    const report = await runReport(store, { metrics: ["cost", "cpi", "ctr"], dimensions: ["campaign"], filters: [{ dimension: "campaign", op: "eq", values: ["nothing like it"] }] }, { sums: "metrics" });
    assert.deepEqual(report.rows, []);
    assert.deepEqual(report.total?.values, { cost: 0, cpi: null, ctr: null });
    assert.equal(report.total?.totals.cost, 0n);
  } finally {
    await store.close();
  }
  // A store without spend: no currency (the lowest and highest currency of no rows), nothing summed.
  const empty = await DuckDbStore.open(":memory:");
  try {
    const report = await runReport(empty, { metrics: ["cost", "cpi"], dimensions: ["campaign", "day"], filters: [] }, { sums: "metrics" });
    assert.deepEqual([report.rows, report.currency, report.total?.values], [[], null, { cost: 0, cpi: null }]);
  } finally {
    await empty.close();
  }
});

test("sums past 2^53 micros stay exact in the rows and the total; ratios are those of the exact sums", async () => {
  const base = { ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-01", source: "x", currency: "USD", campaign_id: "c", impressions: 3 };
  const big = 9_000_000_000_000_000_001n; // past 2^63 once two are added
  const store = await storeWith([
    { ...base, campaign: "Big", cost: big },
    { ...base, campaign: "Big", cost: big, date_start: "2026-10-02", date_end: "2026-10-02" },
    { ...base, campaign: "Small", cost: 2n ** 53n + 1n },
    { ...base, campaign: "Tiny", cost: 7n },
  ]);
  try {
    const report = await runReport(store, { metrics: ["cost", "cpi"], dimensions: ["campaign"], filters: [] }, { sums: "metrics" });
    assert.deepEqual(
      report.rows.map((r) => [r.keys[0], r.totals.cost]),
      [
        ["Big", 2n * big],
        ["Small", 2n ** 53n + 1n],
        ["Tiny", 7n],
      ],
    );
    for (const row of report.rows) assert.deepEqual(row.values, metricValues(["cost", "cpi"], { ...emptyTotals(), cost: row.totals.cost, impressions: row.totals.impressions }));
    assert.equal(report.total?.totals.cost, 2n * big + 2n ** 53n + 1n + 7n);
  } finally {
    await store.close();
  }
});

test("ClickHouse's text sums, within 2^53 and past it, are read exactly; null and absent sums are 0", () => {
  const result: ResultColumns = {
    rowCount: 3,
    columns: {
      d0: ["a", "b", null],
      cost: ["5000250000", "9007199254740993", null],
      impressions: [1000, 0, null],
      clicks: [10, 1, 0],
    },
  };
  const { rows, total } = columnarReportRows(result, ["d0"], ["cost", "cpm", "ctr", "revenue"]);
  assert.deepEqual(total, { ...emptyTotals(), cost: 5_000_250_000n + 9_007_199_254_740_993n, impressions: 1000, clicks: 11 });
  assert.deepEqual(
    rows.map((r) => r.toJSON()),
    [
      { keys: ["a"], totals: { ...emptyTotals(), cost: 5_000_250_000n, impressions: 1000, clicks: 10 }, values: { cost: 5000.25, cpm: 5000.25, ctr: 0.01, revenue: 0 } },
      { keys: ["b"], totals: { ...emptyTotals(), cost: 9_007_199_254_740_993n, clicks: 1 }, values: { cost: 9_007_199_254.740993, cpm: null, ctr: null, revenue: 0 } },
      { keys: [""], totals: emptyTotals(), values: { cost: 0, cpm: null, ctr: null, revenue: 0 } },
    ],
  );
  // A row's parts are made once and may be replaced, as on a plain row.
  const row = rows[0] as (typeof rows)[number];
  assert.equal(row.totals, row.totals);
  row.values = { cost: 1 };
  assert.equal(row.value("cost"), 1);
  assert.equal(rowValue(row, "cost"), 1);
});

test("a store without snapshots: rows in another currency than the one found first are never summed with it, even when they arrive in between", async () => {
  const base = { ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-01", source: "x", campaign: "C", campaign_id: "c", impressions: 1000 };
  const store = await storeWith([{ ...base, currency: "USD", cost: 10_000_000n }]);
  try {
    let probes = 0;
    // The DuckDB store without its snapshot, importing EUR rows right after the query that looks for a currency.
    const racing: Store = Object.assign(Object.create(Object.getPrototypeOf(store)) as DuckDbStore, store, { snapshot: undefined });
    racing.queryColumns = async (sql: string) => {
      const result = await store.queryColumns(sql);
      if (/LIMIT 1$/.test(sql) && probes++ === 0) await store.importSpend([{ file: "eur.csv", contentHash: "e", format: "test", rows: [{ ...base, account_id: "eu", currency: "EUR", cost: 20_000_000n }], reach: [] }]);
      return result;
    };
    await assert.rejects(runReport(racing, { metrics: ["cost"], dimensions: ["campaign"], filters: [] }, { sums: "metrics" }), /EUR, USD/);
    assert.equal(probes, 1);
    const usd = await runReport(racing, { metrics: ["cost", "cpm"], dimensions: ["campaign"], filters: [{ dimension: "currency", op: "eq", values: ["USD"] }] }, { sums: "metrics" });
    assert.deepEqual([usd.currency, usd.rows.map((r) => [r.keys[0], r.values.cost, r.values.cpm])], ["USD", [["C", 10, 10]]]);
  } finally {
    await store.close();
  }
});
