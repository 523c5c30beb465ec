// Platform reach rows through the DuckDB store's column writer (reach-insert.ts): every field lands as
// given, text with quotes and non-ASCII characters, every level, a missing frequency as NULL.
import assert from "node:assert/strict";
import { test } from "node:test";
import { awkwardReachRows } from "../../test-support/reach-rows.js";
import { DuckDbStore } from "./duckdb-store.js";

test("reach rows land field for field: levels, names, windows, counts, a missing frequency as NULL", async () => {
  const reach = awkwardReachRows(5000);
  const store = await DuckDbStore.open(":memory:");
  try {
    const [out] = await store.importSpend([{ file: "r.csv", contentHash: "h", format: "meta:ads-manager", rows: [], reach }]);
    const got = await store.query(
      "SELECT source, account_id, level, campaign, ad_group, ad, strftime(date_start, '%Y-%m-%d') AS date_start, strftime(date_end, '%Y-%m-%d') AS date_end, reach, impressions, frequency, import_id FROM platform_reach",
    );
    // Each row's reach is distinct: the stored rows are matched to the given ones by it.
    const byReach = new Map(got.map((r) => [String(r.reach), r]));
    assert.equal(got.length, 5000);
    for (const r of reach) {
      const row = byReach.get(String(r.reach));
      assert.ok(row, `reach row ${r.reach} stored`);
      assert.deepEqual(
        {
          ...row,
          reach: Number(row.reach),
          impressions: Number(row.impressions),
          import_id: Number(row.import_id),
        },
        { ...r, import_id: out?.importId },
      );
    }
  } finally {
    await store.close();
  }
});
