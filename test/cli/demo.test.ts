import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, tempDir } from "../helpers.js";

test("cpi demo builds its own store, prints the seed case, and leaves ./cpi.duckdb alone", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "cpi.duckdb"), "not touched");
  const r = await cpi(dir, "demo");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, "cpi-demo.duckdb")));
  assert.match(r.stdout, /Launch Q4: \$5,000\.00 for 500,000 impressions → CPI \$0\.0100, CPM \$10\.00/);
  assert.match(r.stdout, /Launch Q3: \$4,500\.00 for 300,000 impressions → CPI \$0\.0150/);
  assert.match(r.stdout, /CPI 33\.3 % lower: more cost-efficient: \$5,000 buys 166,667 more impressions/);
  assert.match(r.stdout, /Try next:/);
  const again = await cpi(dir, "demo");
  assert.equal(again.code, 0, again.stderr);
  const seed = JSON.parse((await cpi(dir, "report", "--db", "cpi-demo.duckdb", "--where", "campaign=Launch Q4", "--metrics", "cost,impressions,cpi,cpm", "--format", "json")).stdout);
  assert.deepEqual(seed, [{ cost: 5000, impressions: 500000, cpi: 0.01, cpm: 10 }]);
  const refuse = await cpi(dir, "demo", "--db", "cpi.duckdb");
  assert.equal(refuse.code, 2);
  assert.match(refuse.stderr, /not a demo store/);
});
