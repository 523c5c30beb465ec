import assert from "node:assert/strict";
import { test } from "node:test";
import { DuckDbStore } from "./duckdb-store.js";

test("query rows read column by column keep every type's value, NULLs and chunk boundaries included", async () => {
  const store = await DuckDbStore.open(":memory:");
  try {
    // 5,000 rows: three chunks of 2,048 at most; every seventh row NULL in each column.
    const rows = await store.query(`
      SELECT i,
        CASE WHEN i % 7 = 0 THEN NULL ELSE DATE '2026-01-01' + CAST(i AS INTEGER) - 2500 END AS day,
        CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i AS INTEGER) - 2500 END AS n32,
        CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i AS BIGINT) * 1000000000000000 - 7 END AS n64,
        CASE WHEN i % 7 = 0 THEN NULL ELSE i / 8.0 END AS dbl,
        CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i AS HUGEINT) * 4000000000000000 - 10000000000000000000 END AS big,
        CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || i END AS name
      FROM range(5000) t(i) ORDER BY i`);
    assert.equal(rows.length, 5000);
    for (const [i, r] of rows.entries()) {
      if (i % 7 === 0) {
        assert.deepEqual([r.day, r.n32, r.n64, r.dbl, r.big, r.name], [null, null, null, null, null, null]);
        continue;
      }
      assert.equal(r.i, BigInt(i));
      assert.equal(r.day, new Date(Date.UTC(2026, 0, 1) + (i - 2500) * 86_400_000).toISOString().slice(0, 10));
      assert.equal(r.n32, i - 2500);
      assert.equal(r.n64, BigInt(i) * 1_000_000_000_000_000n - 7n);
      assert.equal(r.dbl, i / 8);
      assert.equal(r.big, BigInt(i) * 4_000_000_000_000_000n - 10_000_000_000_000_000_000n, `row ${i}`);
      assert.equal(r.name, `c${i}`);
    }
    // HUGEINT sums at the edges of an exact double, and beyond 64 bits.
    const edges = [0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 64n + 5n, -(2n ** 100n)];
    const sums = await store.query(`SELECT ${edges.map((e, k) => `SUM(CAST('${e}' AS HUGEINT)) AS s${k}`).join(", ")}`);
    edges.forEach((e, k) => {
      assert.equal(sums[0]?.[`s${k}`], e);
    });
    const days = await store.query("SELECT DATE '9999-12-31' AS c, DATE '0001-01-01' AS d, DATE '1969-12-31' AS e");
    assert.deepEqual(days[0], { c: "9999-12-31", d: "0001-01-01", e: "1969-12-31" });
  } finally {
    await store.close();
  }
});
