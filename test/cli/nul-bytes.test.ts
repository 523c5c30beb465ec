// NUL bytes and broken percent-encoding get a 4xx or exit 2, in a dry run as in an import, and the
// store is left as it was (issue 17, item 7). DuckDB writes bind their values; these inputs never
// reach SQL text.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { createApiToken } from "../../src/app/api-tokens.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { inProcessApi } from "../api/harness.js";
import { cpi, tempDir, write } from "../helpers.js";

const HEADER = "date,source,account,campaign,currency,cost,impressions,clicks";

async function spendRows(db: string): Promise<number> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const n = Number((await conn.runAndReadAll("SELECT COUNT(*) FROM spend")).getRows()[0]?.[0]);
  conn.closeSync();
  inst.closeSync();
  return n;
}

test("a NUL byte in a cell: exit 2 naming file, line and column, in a dry run and an import, small or streamed", async () => {
  const dir = tempDir();
  write(dir, "ok.csv", `${HEADER}\n2026-10-01,direct,a,Seed,USD,5000,500000,10\n`);
  assert.equal((await cpi(dir, "import", "ok.csv")).code, 0);
  write(dir, "nul.csv", `${HEADER}\n2026-10-02,direct,a,Seed,USD,1,1,0\n2026-10-03,direct,a,Se\u0000ed,USD,1,1,0\n`);
  for (const argv of [["import", "nul.csv"], ["import", "nul.csv", "--dry-run"], ["import", "nul.csv", "--skip-invalid"]]) {
    const r = await cpi(dir, ...argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /nul\.csv: the file holds a NUL byte \(\\0\).*line 3, column 'campaign'/, r.stderr);
  }
  // Past 8 MiB the file is parsed in a worker thread beside the writes: refused the same way.
  const big = [HEADER];
  for (let i = 0; i < 200_000; i++) big.push(`2026-10-${String(1 + (i % 28)).padStart(2, "0")},direct,a,Campaign ${i % 50},USD,1.25,100,1`);
  big.push("2026-10-04,direct,a,Late\u0000comer,USD,1,1,0");
  write(dir, "big.csv", `${big.join("\n")}\n`);
  const streamed = await cpi(dir, "import", "big.csv");
  assert.equal(streamed.code, 2, streamed.stderr);
  assert.match(streamed.stderr, /line 200002, column 'campaign'/);
  assert.equal(await spendRows(join(dir, "cpi.duckdb")), 1, "only the first import is stored");
});

test("a NUL in a report filter is exit 2 on the CLI and a 400 on the API; so is a broken path escape", async () => {
  const dir = tempDir();
  write(dir, "ok.csv", `${HEADER}\n2026-10-01,direct,a,Seed,USD,5000,500000,10\n`);
  assert.equal((await cpi(dir, "import", "ok.csv")).code, 0);
  const cli = await cpi(dir, "report", "--where", "campaign=Se\u0000ed");
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /NUL byte/);
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  try {
    const api = inProcessApi(store);
    const token = (await createApiToken(store, "nul")).token;
    const auth = { authorization: `Bearer ${token}` };
    const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify(body) });
    const cases: [string, Promise<{ status: number; text: string }>][] = [
      ["GET report where", api.call("/api/report?where=campaign%3DSe%00ed")],
      ["GET report where contains", api.call("/api/report?where=campaign~%00")],
      ["POST report filter", api.call("/api/report", json({ metrics: ["cost"], filters: [{ dimension: "campaign", values: ["a\u0000b"] }] }))],
      ["compare campaigns", api.call("/api/compare?campaign=a%00&vs=b")],
      ["pacing campaign", api.call("/api/pacing?campaign=a%00&budget=100&from=2026-10-01&to=2026-10-31")],
      ["a contract's campaign", api.call("/api/contracts", json({ campaign: "a\u0000b", flat: 10, from: "2026-10-01", to: "2026-10-31" }))],
      ["DELETE a contract by a broken escape", api.call("/api/contracts/%E0", { method: "DELETE", headers: auth })],
      ["a broken escape in the query", api.call("/api/report?where=campaign%3D%E0")],
    ];
    for (const [name, pending] of cases) {
      const r = await pending;
      assert.equal(r.status, 400, `${name}: ${r.text}`);
    }
    assert.equal((await store.contracts()).length, 0);
  } finally {
    await store.close();
  }
});
