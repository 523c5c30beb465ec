// The store's default account time zone on ClickHouse: kept in cpi_meta (TinyLog: a change is a new
// row, the last one wins), used by cpi import, shown by cpi init.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { tempDir, write } from "../helpers.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;

before(async () => {
  if (!skip) c = await startClickHouse(1);
});
after(async () => {
  await c?.stop();
});

async function cpi(cwd: string, ...argv: string[]) {
  const io = memoryIo({}, cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const csv = (campaign: string) => `date,campaign,currency,cost,impressions\n2026-10-01,${campaign},USD,10.00,1000\n`;

test("cpi init --store … --timezone: imports use it, a second init changes it", { skip }, async () => {
  const url = c?.servers[0]?.url("tz_default") as string;
  const dir = tempDir();
  const init = await cpi(dir, "init", "--store", url, "--timezone", "Europe/Berlin", "--format", "json");
  assert.equal(init.code, 0, init.stderr);
  assert.equal(JSON.parse(init.stdout).timezone, "Europe/Berlin");
  write(dir, "a.csv", csv("Berlin"));
  assert.equal((await cpi(dir, "import", "a.csv", "--store", url)).code, 0);
  assert.equal((await cpi(dir, "init", "--store", url, "--timezone", "America/Chicago")).code, 0);
  assert.match((await cpi(dir, "init", "--store", url)).stderr, /default account time zone: America\/Chicago\n/);
  write(dir, "b.csv", csv("Chicago"));
  assert.equal((await cpi(dir, "import", "b.csv", "--store", url)).code, 0);
  const store = await ClickHouseStore.open(url);
  try {
    const rows = await store.query("SELECT campaign, any(account_timezone) AS tz FROM spend GROUP BY campaign ORDER BY campaign");
    assert.deepEqual(rows.map((r) => [r.campaign, r.tz]), [["Berlin", "Europe/Berlin"], ["Chicago", "America/Chicago"]]);
  } finally {
    await store.close();
  }
});
