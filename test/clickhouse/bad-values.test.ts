// test:slow
// Issue 17 on ClickHouse (items 5 and 7): money that does not fit 64 bits is refused, sums past 64
// bits stay exact (18.16's sum of an Int64 wraps), and NUL bytes or broken escapes get exit 2 or a
// 400 — on one server and on the two-shard cluster, with the same answers DuckDB gives.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createApiToken } from "../../src/app/api-tokens.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import type { Store } from "../../src/store/store.js";
import { inProcessApi } from "../api/harness.js";
import { cpi, tempDir, write } from "../helpers.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
const HEADER = "date,source,account,campaign,currency,cost,impressions,clicks";

before(async () => {
  if (skip) return;
  c = await startClickHouse(2);
});
after(async () => {
  await c?.stop();
});

for (const kind of ["one server", "cluster"] as const) {
  test(`${kind}: amounts past 64 bits are refused, sums past them are exact, NUL and broken escapes are 4xx`, { skip }, async () => {
    const cluster = c as TestCluster;
    const db = `bad_${kind === "cluster" ? "sharded" : "single"}_${process.pid}`;
    const [first, second] = cluster.servers;
    const url = first?.url(db) as string;
    const dir = tempDir();
    const init = await cpi(dir, "init", "--store", url, ...(kind === "cluster" ? ["--cluster", cluster.cluster, "--node", second?.url(db) as string] : []));
    assert.equal(init.code, 0, init.stderr);
    const store: Store = await ClickHouseStore.open(url);
    try {
      write(dir, "max.csv", `${HEADER}\n2026-10-01,direct,a,Max,USD,9223372036854.775807,1,0\n2026-10-02,direct,a,Max,USD,9223372036854.775807,1,0\n`);
      write(dir, "duck.csv", `${HEADER}\n2026-10-01,direct,a,Max,USD,9223372036854.775807,1,0\n2026-10-02,direct,a,Max,USD,9223372036854.775807,1,0\n`);
      write(dir, "over.csv", `${HEADER}\n2026-10-03,direct,a,Max,USD,9223372036854.775808,1,0\n`);
      write(dir, "nul.csv", `${HEADER}\n2026-10-03,direct,a,M\u0000ax,USD,1,1,0\n`);
      const imp = await cpi(dir, "import", "max.csv", "--store", url);
      assert.equal(imp.code, 0, imp.stderr);
      const over = await cpi(dir, "import", "over.csv", "--store", url);
      assert.equal(over.code, 2, over.stderr);
      assert.match(over.stderr, /over\.csv:2, column 'cost': '9223372036854\.775808' is too large/);
      const nul = await cpi(dir, "import", "nul.csv", "--store", url);
      assert.equal(nul.code, 2, nul.stderr);
      assert.match(nul.stderr, /line 2, column 'campaign'/);
      // Twice the largest amount: exact, and the same as DuckDB's.
      const report = (target: string[]) => cpi(dir, "report", "--by", "campaign", "--metrics", "cost,impressions", "--format", "csv", ...target);
      assert.equal((await cpi(dir, "import", "duck.csv", "--db", join(dir, "duck.duckdb"))).code, 0);
      const onClickHouse = await report(["--store", url]);
      assert.equal(onClickHouse.code, 0, onClickHouse.stderr);
      assert.equal(onClickHouse.stdout, (await report(["--db", join(dir, "duck.duckdb")])).stdout);
      assert.match(onClickHouse.stdout, /^campaign,cost,impressions\nMax,18446744073709\.55\d*,2\n$/);
      const filtered = await cpi(dir, "report", "--where", "campaign=M\u0000ax", "--store", url);
      assert.equal(filtered.code, 2, filtered.stderr);

      const api = inProcessApi(store);
      const auth = { authorization: `Bearer ${(await createApiToken(store, "bad")).token}` };
      const total = await api.call("/api/report?metrics=cost&by=campaign");
      assert.equal(total.status, 200, total.text);
      assert.equal(total.json.total.cost, 18446744073709.55);
      for (const [name, target, method] of [
        ["a NUL in a filter", "/api/report?where=campaign%3DM%00ax", "GET"],
        ["a NUL in a contains filter", "/api/report?where=campaign~%00", "GET"],
        ["a broken escape in the path", "/api/contracts/%E0", "DELETE"],
      ] as const) {
        const r = await api.call(target, { method, headers: auth });
        assert.equal(r.status, 400, `${name}: ${r.text}`);
      }
    } finally {
      await store.close();
    }
  });
}
