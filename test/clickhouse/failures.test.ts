// test:slow
// Errors are not bugs: a shard killed (SIGKILL) during an import's insert, and a server killed during
// `cpi migrate`, end with exit 2 and one plain line naming what failed, never "internal error" and a
// stack trace. The killed import commits nothing; the migration says it is resumable, and running
// it again once the server is back finishes it with verified totals.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { ROOT, tempDir, write } from "../helpers.js";
import { restartKilled, skipReason, startClickHouse, type TestCluster, type TestServer } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";

before(async () => {
  if (skip) return;
  c = await startClickHouse(2);
  dir = tempDir();
});
after(async () => {
  await c?.stop();
});

const HEADER = "date,source,account,campaign,ad,currency,cost,impressions,clicks";

/** A spend file of `rows` rows over many campaigns (so both shards get rows), its accounts its own (by seed). */
function bigCsv(name: string, rows: number, seed: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const day = `2026-${String(1 + (i % 10)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    lines.push(`${day},meta,acct-${seed}-${i % 7},Campaign ${(i * seed) % 211},Ad ${i % 13},USD,${(i % 500) + 1}.25,${1000 + (i % 77)},${i % 9}`);
  }
  return write(dir, name, lines.join("\n"));
}

function run(args: string[]): { child: ChildProcess; done: Promise<{ code: number; stderr: string; stdout: string }> } {
  const child = spawn(process.execPath, [join(ROOT, "bin/cpi.js"), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  return { child, done: new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stderr, stdout }))) };
}

async function count(conn: ClickHouseConnection, sql: string): Promise<number> {
  return Number((await conn.query(sql))[0]?.n ?? 0);
}

/** Waits until `sql` counts more than zero (polling), then kills `server` with SIGKILL. */
async function killWhen(conn: ClickHouseConnection, sql: string, server: TestServer, running: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void running.then(() => {
    finished = true;
  });
  while (!finished) {
    if ((await count(conn, sql).catch(() => 0)) > 0) {
      process.kill(server.pid, "SIGKILL");
      return true;
    }
    await sleep(20);
  }
  return false;
}

test("a shard killed during an import's insert: exit 2 with a plain message, nothing committed, the next import works", { skip }, async () => {
  const servers = (c as TestCluster).servers as [TestServer, TestServer];
  const db = `killed_${process.pid}`;
  const url = servers[0].url(db);
  await initClickHouseStore(parseClickHouseUrl(url), { cluster: (c as TestCluster).cluster, nodes: [parseClickHouseUrl(servers[1].url(db))] });
  const conn = new ClickHouseConnection(parseClickHouseUrl(url));
  const shard2 = new ClickHouseConnection(parseClickHouseUrl(servers[1].url(db)));
  const small = write(dir, "small.csv", [HEADER, "2026-11-01,meta,acct-1,Launch,Ad,USD,10.00,1000,1"].join("\n"));
  assert.equal((await run(["import", small, "--store", url]).done).code, 0);
  const before = await count(conn, "SELECT sum(impressions) AS n FROM spend");
  const file = bigCsv("big.csv", 300_000, 7);
  const imp = run(["import", file, "--store", url]);
  const killed = await killWhen(shard2, "SELECT count() AS n FROM spend_rows_local", servers[1], imp.done);
  const r = await imp.done;
  await shard2.close();
  await restartKilled(servers[1]);
  assert.ok(killed, `the import ended before the shard was killed: ${r.stderr}`);
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|a bug in cpi|\n\s+at /);
  assert.match(r.stderr, /unreachable|dropped the connection|cannot reach/);
  assert.equal(r.stderr.trim().split("\n").filter((l) => !/^cpi: (waiting|taking over)/.test(l)).length, 1, r.stderr);
  assert.equal(await count(conn, "SELECT sum(impressions) AS n FROM spend"), before, "nothing of the killed import is visible");
  const again = await run(["import", small, "--store", url]).done;
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((await conn.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'import_lock%'")).map((x) => x.name), ["import_lock"]);
  await conn.close();
});

test("cpi migrate with its target server killed part-way: exit 2, says it is resumable; run again, it finishes with verified totals", { skip }, async () => {
  const server = ((c as TestCluster).servers as [TestServer, TestServer])[0];
  const db = join(dir, "source.duckdb");
  for (let i = 0; i < 10; i++) {
    const f = bigCsv(`part-${i}.csv`, 10_000, 11 + i);
    const r = await run(["import", f, "--db", db]).done;
    assert.equal(r.code, 0, r.stderr);
  }
  const to = server.url(`migrated_${process.pid}`);
  const conn = new ClickHouseConnection(parseClickHouseUrl(to));
  const m = run(["migrate", "--from", db, "--to", to]);
  const killed = await killWhen(conn, "SELECT count() AS n FROM imports", server, m.done);
  const r = await m.done;
  await restartKilled(server);
  assert.ok(killed, `the migration ended before the server was killed: ${r.stderr}`);
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|a bug in cpi|\n\s+at /);
  assert.match(r.stderr, /stopped with (\d+|at least \d+|some) of 10 imports copied; the target is resumable: run the same 'cpi migrate' again/);
  assert.equal(r.stderr.trim().split("\n").filter((l) => !/^cpi: (waiting|taking over)/.test(l)).length, 1, r.stderr);
  const again = await run(["migrate", "--from", db, "--to", to, "--format", "json"]).done;
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).imports, 10);
  const a = await run(["report", "--by", "campaign,month", "--format", "json", "--db", db]).done;
  const b = await run(["report", "--by", "campaign,month", "--format", "json", "--store", to]).done;
  assert.equal(b.stdout, a.stdout);
  const third = await run(["migrate", "--from", db, "--to", to]).done;
  assert.equal(third.code, 2);
  assert.match(third.stderr, /already holds data \(a finished migration/);
  await conn.close();
});
