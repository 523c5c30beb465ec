// A report sums without a currency key when its rows are in one currency (read first, in the same
// snapshot): rows in several currencies must still be refused or split, never added up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { blankSpendRow, type SpendRow } from "../domain/spend.js";
import { DuckDbStore } from "../store/duckdb/duckdb-store.js";
import type { ResultColumns, Store } from "../store/store.js";
import { runReport } from "./report.js";

const base = { ...blankSpendRow(), source: "x", campaign: "C", campaign_id: "C", date_start: "2026-10-01", date_end: "2026-10-01" };

async function storeWith(rows: SpendRow[]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(":memory:");
  await store.importSpend([{ file: "t.csv", contentHash: "t", format: "test", rows, reach: [] }]);
  return store;
}

test("rows of two currencies in the same campaign and day are refused, split by currency, or filtered to one, never added up", async () => {
  const store = await storeWith([
    { ...base, currency: "USD", cost: 100_000_000n, impressions: 1000 },
    { ...base, currency: "EUR", cost: 30_000_000n, impressions: 500 },
    { ...base, currency: "USD", cost: 5_000_000n, impressions: 100, date_start: "2026-10-02", date_end: "2026-10-02" },
  ]);
  try {
    for (const dimensions of [["campaign", "day"], ["campaign"], []] as const) {
      await assert.rejects(runReport(store, { metrics: ["cost"], dimensions: [...dimensions], filters: [] }), /the report would add up amounts in EUR, USD/);
    }
    const split = await runReport(store, { metrics: ["cost", "impressions"], dimensions: ["campaign", "day", "currency"], filters: [] });
    assert.deepEqual(
      split.rows.map((r) => [...r.keys, r.values.cost, r.values.impressions]),
      [
        ["C", "2026-10-01", "EUR", 30, 500],
        ["C", "2026-10-01", "USD", 100, 1000],
        ["C", "2026-10-02", "USD", 5, 100],
      ],
    );
    assert.equal(split.currency, null);
    assert.equal(split.total, null);
    const usd = await runReport(store, { metrics: ["cost", "impressions"], dimensions: ["campaign", "day"], filters: [{ dimension: "currency", op: "eq", values: ["USD"] }] });
    assert.deepEqual(
      usd.rows.map((r) => [...r.keys, r.values.cost]),
      [
        ["C", "2026-10-01", 100],
        ["C", "2026-10-02", 5],
      ],
    );
    assert.equal(usd.currency, "USD");
    assert.equal(usd.total?.values.cost, 105);
    // One currency in the period: summed without the key, the currency still named.
    const oct2 = await runReport(store, { metrics: ["cost"], dimensions: ["campaign"], filters: [], from: "2026-10-02", to: "2026-10-02" });
    assert.deepEqual(oct2.rows.map((r) => [...r.keys, r.values.cost]), [["C", 5]]);
    assert.equal(oct2.currency, "USD");
  } finally {
    await store.close();
  }
});

test("the currencies a report finds and the sums it then reads come from one snapshot: an import committed in between shows in neither", async () => {
  const store = await storeWith([{ ...base, currency: "USD", cost: 100_000_000n, impressions: 1000 }]);
  try {
    let statements = 0;
    // The store as runReport sees it, except that a EUR import commits right after its snapshot's first statement.
    const racing: Store = Object.assign(Object.create(store) as Store, {
      snapshot: <T>(read: (q: (sql: string) => Promise<ResultColumns>) => Promise<T>) =>
        store.snapshot((q) =>
          read(async (sql) => {
            const result = await q(sql);
            if (++statements === 1) await store.importSpend([{ file: "eur.csv", contentHash: "e", format: "test", rows: [{ ...base, source: "y", currency: "EUR", cost: 7_000_000n, impressions: 70 }], reach: [] }]);
            return result;
          }),
        ),
    });
    const during = await runReport(racing, { metrics: ["cost", "impressions"], dimensions: ["campaign", "day"], filters: [] });
    assert.equal(statements, 2);
    assert.deepEqual(
      during.rows.map((r) => [...r.keys, r.values.cost, r.values.impressions]),
      [["C", "2026-10-01", 100, 1000]],
    );
    assert.equal(during.currency, "USD");
    await assert.rejects(runReport(store, { metrics: ["cost"], dimensions: ["campaign", "day"], filters: [] }), /EUR, USD/);
  } finally {
    await store.close();
  }
});
