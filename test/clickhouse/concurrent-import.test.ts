// test:slow
// Imports from separate processes into one ClickHouse store (a cron `cpi import` beside an upload
// through `cpi serve`) take the store's import lock: two restatements of the same campaign-month at
// once end as one of them (34,000 or 31,000 impressions, never 65,000), and a reader polling meanwhile
// never sees a double count — on one server and on the two-shard cluster. A held lock makes the other
// importer wait (saying for whom) and then succeed; a stale one (a crashed importer) is taken over.
// Importers through different servers of the cluster take the same lock. (lock-recovery.test.ts:
// holders that are gone.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { ImportLock } from "../../src/store/clickhouse/import-lock.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { multipart } from "../api/harness.js";
import { checkedFetch } from "../api/openapi-check.js";
import { ROOT, tempDir } from "../helpers.js";
import { cpiCommand } from "../track/server-process.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { A, B, freshStore, importProcess, impressions, lockHoldingProcess, lockTables, writeRestatements } from "./import-processes.js";

/** Every /api/ answer checked against the server's /openapi.json. */
const fetch = checkedFetch();

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";
before(async () => {
  if (skip) return;
  c = await startClickHouse(2);
  dir = tempDir();
  // Two exports of the same campaign-month: 34,000 and (restated) 31,000 impressions.
  writeRestatements(dir);
});
after(async () => {
  await c?.stop();
});

const fresh = (cluster: boolean) => freshStore(c as TestCluster, cluster);
const importer = (file: string, url: string) => importProcess(dir, file, url);

/** `throughBoth`: the second importer names the cluster's other server in its store URL. */
async function concurrentRestatements(cluster: boolean, throughBoth = false): Promise<{ seen: Map<number, number>; waits: number; ids: number[] }> {
  const { url, other, conn } = await fresh(cluster);
  const first = await importer("a.csv", url).done;
  assert.equal(first.code, 0, first.stderr);
  assert.equal(await impressions(conn), A);
  const seen = new Map<number, number>();
  let running = true;
  const reader = (async () => {
    while (running) {
      const n = await impressions(conn);
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
  })();
  let waits = 0;
  try {
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all([importer("a.csv", url).done, importer("b.csv", throughBoth ? other : url).done]);
      for (const r of results) {
        assert.equal(r.code, 0, r.stderr);
        if (/waiting for the import lock/.test(r.stderr)) waits++;
      }
      const total = await impressions(conn);
      assert.ok(total === A || total === B, `after round ${round + 1} the store shows ${total} impressions, not ${A} or ${B}`);
    }
  } finally {
    running = false;
    await reader;
  }
  for (const n of seen.keys()) assert.ok(n === A || n === B, `a reader saw ${n} impressions, neither ${A} nor ${B}`);
  assert.deepEqual(await lockTables(conn), ["import_lock"], "the lock is free afterwards");
  const ids = (await conn.query("SELECT id FROM imports ORDER BY id")).map((r) => Number(r.id));
  assert.equal(new Set(ids).size, ids.length, `import ids never collide: ${ids.join(", ")}`);
  await conn.close();
  return { seen, waits, ids };
}

test("two processes restating one campaign-month at once on one server: totals are one import's", { skip }, async (t) => {
  const r = await concurrentRestatements(false);
  t.diagnostic(`reads ${[...r.seen].map(([n, k]) => `${n}×${k}`).join(", ")}; ${r.waits} of 8 imports waited for the lock`);
});

test("two processes restating one campaign-month at once on the two-shard cluster: totals are one import's", { skip }, async (t) => {
  const r = await concurrentRestatements(true);
  t.diagnostic(`reads ${[...r.seen].map(([n, k]) => `${n}×${k}`).join(", ")}; ${r.waits} of 8 imports waited for the lock`);
});

test("two importers through DIFFERENT servers of the cluster take the one lock: totals are one import's, ids distinct", { skip }, async (t) => {
  const r = await concurrentRestatements(true, true);
  assert.equal(r.ids.length, 9, "one import, then four rounds of two");
  t.diagnostic(`reads ${[...r.seen].map(([n, k]) => `${n}×${k}`).join(", ")}; ${r.waits} of 8 imports waited for the lock; ids ${r.ids.join(", ")}`);
});

test("an import waits while another process holds the lock, says for whom, then succeeds", { skip }, async () => {
  const { url, conn } = await fresh(false);
  const holder = new ClickHouseConnection(parseClickHouseUrl(url));
  const lock = await ImportLock.acquire(holder);
  const child = importer("a.csv", url);
  const stderr = await child.said(/waiting for the import lock/);
  assert.match(stderr, new RegExp(`held by \\S+ pid ${process.pid}, started \\d{4}-\\d\\d-\\d\\dT`));
  assert.equal(await impressions(conn), 0, "nothing imported while the lock is held");
  await lock.release();
  const r = await child.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await impressions(conn), A);
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  await holder.close();
  await conn.close();
});

test("a stale lock left by a crashed importer is taken over, and the import succeeds", { skip }, async () => {
  const { url, conn } = await fresh(true);
  // What a crashed holder leaves: its token table with a heartbeat an hour old.
  await conn.command("CREATE TABLE import_lock_held_dead (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Memory");
  await conn.command("INSERT INTO import_lock_held_dead SELECT 'import_lock_held_dead', 'crashed-host', 4242, '2026-11-01T00:00:00.000Z', now() - 3600, 7");
  const r = await importer("b.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /taking over the import lock .*from crashed-host pid 4242, started 2026-11-01T00:00:00\.000Z, last heartbeat 3\d\d\d s ago/);
  assert.equal(await impressions(conn), B);
  // The import ids the crashed holder reserved are never reused (its rows may still land).
  const ids = await conn.query("SELECT min(id) AS id FROM imports");
  assert.equal(Number(ids[0]?.id), 8);
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  await conn.close();
});

test("two waiters on one stale lock: one takes it over, the other waits for it", { skip }, async () => {
  const { conn } = await fresh(false);
  await conn.command("CREATE TABLE import_lock_held_dead (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Memory");
  await conn.command("INSERT INTO import_lock_held_dead SELECT 'import_lock_held_dead', 'crashed-host', 4242, 'x', now() - 3600, 0");
  const quiet = { onWait: () => {}, onBreak: () => {} };
  const conns = [0, 1].map(() => new ClickHouseConnection(conn.target));
  const resolved: (ImportLock | null)[] = [null, null];
  const pending = conns.map((k, i) => ImportLock.acquire(k, quiet).then((l) => (resolved[i] = l)));
  const winner = await Promise.race(pending);
  assert.deepEqual(await lockTables(conn), [winner.table], "one token, held by the winner");
  for (let i = 0; i < 20; i++) {
    await lockTables(conn);
    assert.equal(resolved.filter(Boolean).length, 1, "the other waits while the winner holds the lock");
  }
  await winner.release();
  const [x, y] = await Promise.all(pending);
  const other = x === winner ? y : x;
  assert.notEqual(other.table, winner.table);
  assert.deepEqual(await lockTables(conn), [other.table]);
  await other.release();
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  for (const k of [...conns, conn]) await k.close();
});

test("Ctrl-C (SIGINT) or SIGTERM while holding the lock frees it before the process ends", { skip }, async () => {
  const { url, conn } = await fresh(false);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const holder = await lockHoldingProcess(url);
    assert.equal((await lockTables(conn)).length, 1);
    assert.notDeepEqual(await lockTables(conn), ["import_lock"], "held");
    process.kill(holder.pid, signal);
    assert.equal(await holder.exited, signal, `ended by ${signal}: ${holder.stderr()}`);
    assert.deepEqual(await lockTables(conn), ["import_lock"], `free again after ${signal}, so the next import does not wait 10 minutes`);
  }
  await conn.close();
});

test("cpi serve --store keeps answering while an upload waits for another process's import lock", { skip }, async () => {
  const { url, conn } = await fresh(false);
  const state = join(tempDir(), "serve");
  const serve = spawn(process.execPath, cpiCommand("serve", "--store", url, "--state", state, "--host", "127.0.0.1", "--port", "0"), { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  serve.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const holder = new ClickHouseConnection(parseClickHouseUrl(url));
  try {
    let port = 0;
    while (!port) {
      port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1] ?? 0);
      if (serve.exitCode !== null) assert.fail(`cpi serve exited: ${err}`);
      await sleep(25);
    }
    const base = `http://127.0.0.1:${port}`;
    const token = spawn(process.execPath, [join(ROOT, "bin/cpi.js"), "token", "create", "upload", "--store", url, "--format", "json"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    token.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await new Promise((resolve) => token.on("exit", resolve));
    const bearer = (JSON.parse(out) as { token: string }).token;
    const lock = await ImportLock.acquire(holder, { onWait: () => {} });
    const m = multipart([{ name: "a.csv", content: readFileSync(join(dir, "a.csv")) }]);
    const upload = fetch(`${base}/api/imports`, { method: "POST", headers: { "content-type": m.type, authorization: `Bearer ${bearer}` }, body: m.body });
    await sleep(300);
    // While the upload waits for the lock: reports answer and tracked events are recorded and loaded.
    const report = await fetch(`${base}/api/report?by=campaign&metrics=impressions`);
    assert.equal(report.status, 200, await report.clone().text());
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${base}/i.gif?c=Launch%20Q4&cr=A&p=site&id=w${i}`, { headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0" } })).status, 200);
    let tracked = 0;
    while (tracked < 5) {
      const rows = await conn.query("SELECT count() AS n FROM events_rows");
      tracked = Number(rows[0]?.n ?? 0);
      await sleep(50);
    }
    assert.equal(await impressions(conn), 0, "the upload is still waiting");
    await lock.release();
    const done = await upload.catch((e) => assert.fail(`the upload failed (${e}); cpi serve said: ${err}`));
    assert.equal(done.status, 200, await done.clone().text());
    assert.equal(await impressions(conn), A);
  } finally {
    serve.kill("SIGTERM");
    await new Promise((resolve) => (serve.exitCode !== null ? resolve(null) : serve.on("exit", resolve)));
    await holder.close();
    await conn.close();
  }
});
