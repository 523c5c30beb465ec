// Money that does not fit the stores' 64-bit micros is refused, naming file, line and column, instead
// of being stored negative or as zero (issue 17, item 5); the largest that fits is stored exactly, and
// sums beyond 64 bits stay exact.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { cpi, tempDir, write } from "../helpers.js";

const HEADER = "date,source,account,campaign,currency,cost,impressions,clicks";

async function storedCosts(db: string): Promise<bigint[]> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const rows = (await conn.runAndReadAll("SELECT cost_micros FROM spend ORDER BY date_start")).getRows();
  conn.closeSync();
  inst.closeSync();
  return rows.map((r) => r[0] as bigint);
}

test("a cost of 9,223,372,036,854.775808 or more is refused with file, line and column; the store is untouched", async () => {
  const dir = tempDir();
  write(dir, "ok.csv", `${HEADER}\n2026-10-01,direct,a,Seed,USD,5000,500000,10\n`);
  assert.equal((await cpi(dir, "import", "ok.csv")).code, 0);
  for (const [name, cost] of [
    ["just-over.csv", "9223372036854.775808"],
    ["far-over.csv", "123456789012345678901234567890"],
    ["negative.csv", "-9223372036854.775809"],
  ] as const) {
    write(dir, name, `${HEADER}\n2026-10-02,direct,a,Seed,USD,1,1,0\n2026-10-03,direct,a,Seed,USD,${cost},1000,0\n`);
    const r = await cpi(dir, "import", name);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${name.replace(".", "\\.")}:3, column 'cost': '${cost.replace(".", "\\.")}' is too large`), r.stderr);
    const dry = await cpi(dir, "import", name, "--dry-run");
    assert.equal(dry.code, 2, "a dry run says the same");
  }
  // The revenue column and a platform's own micros column are checked the same way.
  write(dir, "revenue.csv", `${HEADER},revenue\n2026-10-02,direct,a,Seed,USD,1,1,0,99999999999999\n`);
  const rev = await cpi(dir, "import", "revenue.csv");
  assert.equal(rev.code, 2);
  assert.match(rev.stderr, /revenue\.csv:2, column 'revenue': '99999999999999' is too large/);
  write(
    dir,
    "api.csv",
    "customer.id,customer.currency_code,customer.time_zone,campaign.id,campaign.name,segments.date,metrics.impressions,metrics.clicks,metrics.cost_micros\n1234567890,USD,UTC,111,Brand,2026-02-01,1000,50,9223372036854775808\n",
  );
  const api = await cpi(dir, "import", "api.csv");
  assert.equal(api.code, 2, api.stderr);
  assert.match(api.stderr, /api\.csv:2, column 'metrics\.cost_micros': '9223372036854775808' is too large/);
  assert.deepEqual(await storedCosts(join(dir, "cpi.duckdb")), [5_000_000_000n], "only the first import is stored");
});

test("the largest amount that fits is stored exactly, and sums past 64 bits stay exact", async () => {
  const dir = tempDir();
  write(dir, "max.csv", `${HEADER}\n2026-10-01,direct,a,Max,USD,9223372036854.775807,1,0\n2026-10-02,direct,a,Max,USD,9223372036854.775807,1,0\n`);
  const r = await cpi(dir, "import", "max.csv");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await storedCosts(join(dir, "cpi.duckdb")), [9_223_372_036_854_775_807n, 9_223_372_036_854_775_807n]);
  const report = await cpi(dir, "report", "--metrics", "cost,impressions", "--format", "json");
  assert.equal(report.code, 0, report.stderr);
  assert.deepEqual(JSON.parse(report.stdout), [{ cost: 18446744073709.55, impressions: 2 }], "twice the largest amount, not a wrapped negative");
});

test("a contract whose amount does not fit is refused", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "contract", "add", "--campaign", "Launch", "--flat", "9223372036855", "--from", "2026-10-01", "--to", "2026-10-31");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--flat '9223372036855' is too large/);
});
