// test:slow
// A lock whose holder is gone cannot stick: a holder killed on this machine is taken over at once
// (also after the lock's server restarted), a lock with no heartbeat at all is timed by every waiter
// from the same moment, a server killed half-way through a release's RENAME leaves a lock that is
// taken over and freed again, a token freed as import_lock_free_<random> is taken like import_lock, and
// `cpi store unlock` frees exactly the confirmed holder's lock.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { ImportLock } from "../../src/store/clickhouse/import-lock.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { tempDir } from "../helpers.js";
import { restartKilled, skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { A, cpiProcessAsync, freshStore, importProcess, impressions, lockHoldingProcess, lockTables, writeRestatements } from "./import-processes.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";
before(async () => {
  if (skip) return;
  c = await startClickHouse(2);
  dir = tempDir();
  writeRestatements(dir);
});
after(async () => {
  await c?.stop();
});

const fresh = (cluster: boolean) => freshStore(c as TestCluster, cluster);
const importer = (file: string, url: string) => importProcess(dir, file, url);

test("a lock holder killed with SIGKILL on this machine: the next import takes the lock over at once", { skip }, async () => {
  const { url, conn } = await fresh(true);
  const holder = await lockHoldingProcess(url);
  process.kill(holder.pid, "SIGKILL");
  await holder.exited;
  assert.notDeepEqual(await lockTables(conn), ["import_lock"], "the killed holder left its lock held");
  const r = await importer("a.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`taking over the import lock .*pid ${holder.pid}.*: its process is gone`));
  assert.equal(await impressions(conn), A);
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  await conn.close();
});

test("the lock server restarted after its holder was killed: the heartbeat survived, the next import takes over at once", { skip }, async () => {
  const { url, conn } = await fresh(false);
  const server = (c as TestCluster).servers[0] as TestCluster["servers"][number];
  const holder = await lockHoldingProcess(url);
  process.kill(holder.pid, "SIGKILL");
  await holder.exited;
  await server.stop();
  await server.restart();
  const r = await importer("a.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`taking over the import lock .*pid ${holder.pid}.*: its process is gone`));
  assert.equal(await impressions(conn), A);
  await conn.close();
});

test("a lock with no heartbeat at all (an older store's Memory token after a restart): waiters time the silence together, then take over", { skip }, async () => {
  const { url, conn } = await fresh(false);
  await conn.command("CREATE TABLE import_lock_held_empty (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Memory");
  const quiet = { onWait: () => {} };
  const breaks: string[] = [];
  // A first waiter gives up after a while; its sighting stays in the token for every later waiter.
  const first = new ClickHouseConnection(parseClickHouseUrl(url));
  const stop = new AbortController();
  const waited = ImportLock.acquire(first, { ...quiet, unheardAfterMs: 60_000, signal: stop.signal });
  await sleep(1_500);
  stop.abort(new Error("gave up"));
  await assert.rejects(waited, /gave up/);
  await first.close();
  await sleep(1_000);
  const second = new ClickHouseConnection(parseClickHouseUrl(url));
  const lock = await ImportLock.acquire(second, { ...quiet, unheardAfterMs: 2_000, onBreak: (_h, why) => breaks.push(why) });
  assert.deepEqual(breaks, ["silent longer than 2 s"]);
  await lock.release();
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  await second.close();
  await conn.close();
});

test("the lock's server killed half-way through a release's RENAME (18.16 moved the data directory, not the table): the lock is taken over and freed again, its reservations kept", { skip }, async (t) => {
  const { url, conn } = await fresh(false);
  await conn.close();
  const server = (c as TestCluster).servers[0] as TestCluster["servers"][number];
  const target = parseClickHouseUrl(url);
  const data = join(server.dir, "data", "data", target.database);
  const quick = { onWait: () => {}, onBreak: () => {}, unheardAfterMs: 300, staleAfterMs: 300, heartbeatMs: 3_600_000 };
  const strays = () => readdirSync(data).filter((d) => d.startsWith("import_lock"));
  // Release with the server killed (SIGKILL) at a random moment of the RENAME, until a kill lands
  // between the data directory's rename and the metadata's: the token comes back under its held name
  // over an empty directory, and a directory named import_lock belongs to no table.
  let reserved = 0;
  let rounds = 0;
  for (;;) {
    rounds++;
    assert.ok(rounds <= 300, "no kill landed half-way through a RENAME");
    const holderConn = new ClickHouseConnection(target);
    const lock = await ImportLock.acquire(holderConn, quick);
    reserved = Math.max(reserved, lock.reservedBefore) + 1000;
    await lock.reserve(reserved);
    const releasing = lock.release().catch(() => {});
    await sleep(Math.random() * 40);
    process.kill(server.pid, "SIGKILL");
    await releasing;
    await holderConn.close().catch(() => {});
    await restartKilled(server);
    const look = new ClickHouseConnection(target);
    const tables = await lockTables(look);
    await look.close();
    if (strays().includes("import_lock") && !tables.includes("import_lock")) break;
  }
  t.diagnostic(`half-way after ${rounds} kills`);
  const conn2 = new ClickHouseConnection(target);
  const [held] = await lockTables(conn2);
  assert.match(held ?? "", /^import_lock_held_/);
  // The next holder takes the silent token over and frees it (this failed: "Directory not empty").
  const next = await ImportLock.acquire(conn2, quick);
  await next.release();
  assert.deepEqual(await lockTables(conn2), ["import_lock"]);
  assert.deepEqual(strays(), ["import_lock"], "the stray directory is gone (the one left is the token's)");
  // The killed release's reservations (in the stray directory) travel on with the token.
  const later = await ImportLock.acquire(conn2, quick);
  assert.equal(later.reservedBefore, reserved);
  await later.release();
  const r = await importer("a.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await impressions(conn2), A);
  assert.ok(Number((await conn2.query("SELECT min(id) AS id FROM imports"))[0]?.id) > reserved, "no reserved import id reused");
  await conn2.close();
});

test("a token freed as import_lock_free_<random> (when import_lock could not be used) is free: the next import takes it, with its reservations", { skip }, async () => {
  const { url, conn } = await fresh(false);
  for (const t of await lockTables(conn)) await conn.command(`DROP TABLE ${t}`);
  await conn.command("CREATE TABLE import_lock_free_0123456789abcdef (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Log");
  await conn.command("INSERT INTO import_lock_free_0123456789abcdef SELECT 'import_lock_held_gone', 'gone-host', 4242, '2026-12-01T00:00:00.000Z', now() - 30, 9");
  const look = await cpiProcessAsync(dir, "store", "unlock", "--store", url, "--format", "json");
  assert.equal(look.code, 0, look.stderr);
  assert.equal(JSON.parse(look.stdout).held, false);
  const r = await importer("a.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /waiting/);
  assert.equal(await impressions(conn), A);
  assert.equal(Number((await conn.query("SELECT min(id) AS id FROM imports"))[0]?.id), 10, "the ids reserved in the token are not reused");
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  await conn.close();
});

test("cpi store unlock: names the holder, frees only the confirmed one, and the waiting import then runs", { skip }, async () => {
  const { url, other, conn } = await fresh(true);
  // A holder on another machine that stopped (not silent long enough to be taken over yet).
  await conn.command("CREATE TABLE import_lock_held_0123456789abcdef (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Memory");
  await conn.command("INSERT INTO import_lock_held_0123456789abcdef SELECT 'import_lock_held_0123456789abcdef', 'gone-host', 4242, '2026-12-01T00:00:00.000Z', now() - 30, 3");
  const waiting = importer("a.csv", other);
  const said = await waiting.said(/waiting for the import lock/);
  assert.match(said, /held by gone-host pid 4242.*cpi store unlock --store/);
  const look = await cpiProcessAsync(dir, "store", "unlock", "--store", other);
  assert.equal(look.code, 2, look.stderr);
  assert.match(look.stderr, /held by gone-host pid 4242/);
  assert.match(look.stderr, /--confirm import_lock_held_0123456789abcdef/);
  assert.equal(await impressions(conn), 0, "nothing freed without the confirmation");
  const wrong = await cpiProcessAsync(dir, "store", "unlock", "--store", url, "--confirm", "import_lock_held_ffffffffffffffff");
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /nothing freed/);
  const freed = await cpiProcessAsync(dir, "store", "unlock", "--store", url, "--confirm", "import_lock_held_0123456789abcdef");
  assert.equal(freed.code, 0, freed.stderr);
  assert.match(freed.stderr, /freed the import lock/);
  const r = await waiting.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await impressions(conn), A);
  // The ids the gone holder reserved are not reused.
  assert.equal(Number((await conn.query("SELECT min(id) AS id FROM imports"))[0]?.id), 4);
  const free = await cpiProcessAsync(dir, "store", "unlock", "--store", url, "--format", "json");
  assert.equal(free.code, 0);
  assert.equal(JSON.parse(free.stdout).held, false);
  await conn.close();
});
