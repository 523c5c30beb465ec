// Stores hold token hashes and all spend data: the .duckdb file, its .wal (made again after every
// checkpoint) and the files beside them are readable by their owner only (issue 17, item 8), whatever
// the umask the command started with.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createApiToken } from "../../src/app/api-tokens.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { ROOT, tempDir, write } from "../helpers.js";

/** Runs the built CLI under `umask 022` (a shell's usual one). */
function cpiUnderUmask(cwd: string, ...argv: string[]) {
  const r = spawnSync("sh", ["-c", 'umask 022 && exec "$0" "$@"', process.execPath, join(ROOT, "bin/cpi.js"), ...argv], { cwd, encoding: "utf8", env: { ...process.env, CPI_DB: "" } });
  return { code: r.status ?? -1, stderr: r.stderr };
}

function modes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((f) => f.includes(".duckdb")).map((f) => [f, (statSync(join(dir, f)).mode & 0o777).toString(8)]));
}

test("a store is created 0600 by cpi import under umask 022, and by cpi token create", () => {
  const dir = tempDir();
  write(dir, "a.csv", "date,source,account,campaign,currency,cost,impressions,clicks\n2026-10-01,direct,a,Seed,USD,5000,500000,10\n");
  assert.equal(cpiUnderUmask(dir, "import", "a.csv").code, 0);
  const r = cpiUnderUmask(dir, "token", "create", "ci", "--db", "tokens.duckdb");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(modes(dir), { "cpi.duckdb": "600", "tokens.duckdb": "600" });
});

test("the WAL DuckDB writes beside an open store is 0600, also the one it makes again after a checkpoint", async () => {
  const dir = tempDir();
  const before = process.umask(0o022);
  try {
    const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
    try {
      await createApiToken(store, "first");
      assert.deepEqual(modes(dir), { "cpi.duckdb": "600", "cpi.duckdb.wal": "600" });
      await store.query("CHECKPOINT");
      await createApiToken(store, "second");
      assert.deepEqual(modes(dir), { "cpi.duckdb": "600", "cpi.duckdb.wal": "600" });
    } finally {
      await store.close();
    }
  } finally {
    process.umask(before);
  }
});
