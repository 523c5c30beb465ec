// Conversions are exact integers of micro-units (issue 20.5, 22): their sum no longer depends on the
// order of addition, and a store made before (conversions DOUBLE, schema version 1) is migrated when
// opened (migration 3), its conversions rounded to the micro-unit.

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { SCHEMA_VERSION } from "../../src/store/duckdb/schema.js";
import { cpi, tempDir, write } from "../helpers.js";

const HEADER = "date,source,account,campaign,currency,cost,impressions,clicks,conversions";

/** 400 rows whose conversions have up to 6 decimals, and their exact sum (micro-units). */
function rows(): { lines: string[]; micros: bigint } {
  const lines: string[] = [];
  let micros = 0n;
  for (let i = 0; i < 400; i++) {
    const m = BigInt(((i * 3_333_331) % 50_000_000) + 1);
    micros += m;
    const conv = `${m / 1_000_000n}.${(m % 1_000_000n).toString().padStart(6, "0")}`;
    lines.push(`2026-10-${String(1 + (i % 28)).padStart(2, "0")},meta,acct-1,Campaign ${i % 5},USD,1.00,1000,10,${conv}`);
  }
  return { lines, micros };
}

async function raw(db: string, sql: string[]): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  let out: unknown[][] = [];
  for (const s of sql) out = (await conn.runAndReadAll(s)).getRows() as unknown[][];
  conn.closeSync();
  inst.closeSync();
  return out;
}

const exact = (micros: bigint) => Number(micros / 1_000_000n) + Number(micros % 1_000_000n) / 1e6;

test("conversions sum exactly, whatever the order of rows: the report's total is the exact decimal sum", async () => {
  const dir = tempDir();
  const { lines, micros } = rows();
  write(dir, "a.csv", [HEADER, ...lines].join("\n"));
  write(dir, "b.csv", [HEADER, ...[...lines].reverse()].join("\n").replace(/acct-1/g, "acct-2"));
  const db = join(dir, "cpi.duckdb");
  for (const f of ["a.csv", "b.csv"]) assert.equal((await cpi(dir, "import", f, "--db", db)).code, 0);
  const r = await cpi(dir, "report", "--by", "account", "--metrics", "conversions,cpa", "--format", "json", "--db", db);
  assert.equal(r.code, 0, r.stderr);
  const [a, b] = JSON.parse(r.stdout) as { conversions: number; cpa: number }[];
  assert.equal(a?.conversions, exact(micros));
  assert.equal(b?.conversions, a?.conversions, "the same rows in the opposite order sum to the same figure");
  assert.equal(b?.cpa, a?.cpa);
  // A float sum of the same values in file order and in reverse differs in its last digits: what the column was.
  const floats = lines.map((l) => Number(l.split(",").pop()));
  const forward = floats.reduce((s, x) => s + x, 0);
  const backward = [...floats].reverse().reduce((s, x) => s + x, 0);
  assert.ok(forward !== exact(micros) || backward !== exact(micros), "the test data would not have shown the float error");
  const stored = await raw(db, ["SELECT typeof(conversions_micros), SUM(conversions_micros) FROM spend GROUP BY 1"]);
  assert.deepEqual(stored, [["BIGINT", 2n * micros]]);
});

test("a store made before (conversions DOUBLE, schema version 1) is migrated on open: micro-units, version 3, same report", async () => {
  const dir = tempDir();
  const { lines, micros } = rows();
  write(dir, "a.csv", [HEADER, ...lines].join("\n"));
  const db = join(dir, "cpi.duckdb");
  assert.equal((await cpi(dir, "import", "a.csv", "--db", db)).code, 0);
  // Back to what cpi made before: the float column, filled as a float import would have, version 1.
  await raw(db, [
    "ALTER TABLE spend RENAME COLUMN conversions_micros TO conversions",
    "ALTER TABLE spend ALTER COLUMN conversions TYPE DOUBLE USING conversions / 1000000.0",
    "UPDATE cpi_meta SET value = '1' WHERE key = 'schema_version'",
  ]);
  const before = await raw(db, ["SELECT typeof(conversions) FROM spend LIMIT 1"]);
  assert.deepEqual(before, [["DOUBLE"]]);
  const r = await cpi(dir, "report", "--metrics", "conversions", "--format", "json", "--db", db);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { conversions: number }[])[0]?.conversions, exact(micros));
  const after = await raw(db, ["SELECT (SELECT value FROM cpi_meta WHERE key = 'schema_version'), typeof(conversions_micros), SUM(conversions_micros) FROM spend GROUP BY 2"]);
  assert.deepEqual(after, [[String(SCHEMA_VERSION), "BIGINT", micros]]);
});
