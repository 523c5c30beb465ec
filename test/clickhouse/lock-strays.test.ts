// test:slow
// The lock's server killed (SIGKILL) half-way through an acquire's or a takeover's RENAME: 18.16 moved
// the token's data directory (its heartbeat and reservation rows) to the new random name but left the
// table under the old one, over an empty directory. The next holder adopts that directory, so the
// import ids reserved before are never handed out again, and no stray directory stays behind.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { ImportLock } from "../../src/store/clickhouse/import-lock.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { type ClickHouseTarget, parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { tempDir } from "../helpers.js";
import { restartKilled, skipReason, startClickHouse, type TestCluster, type TestServer } from "./harness.js";
import { A, importProcess, impressions, lockTables, writeRestatements } from "./import-processes.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";
before(async () => {
  if (skip) return;
  c = await startClickHouse(1);
  dir = tempDir();
  writeRestatements(dir);
});
after(async () => {
  await c?.stop();
});

let stores = 0;
async function freshStore(): Promise<{ url: string; target: ClickHouseTarget }> {
  const url = ((c as TestCluster).servers[0] as TestServer).url(`strays_${process.pid}_${++stores}`);
  const target = parseClickHouseUrl(url);
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  return { url, target };
}

const quick = { onWait: () => {}, onBreak: () => {}, unheardAfterMs: 300, staleAfterMs: 300, heartbeatMs: 3_600_000 };
const TOKEN = "(holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Log";

async function using<T>(target: ClickHouseTarget, fn: (conn: ClickHouseConnection) => Promise<T>): Promise<T> {
  const conn = new ClickHouseConnection(target);
  try {
    return await fn(conn);
  } finally {
    await conn.close().catch(() => {});
  }
}

/**
 * Runs `prepare` (which leaves import ids up to the returned number reserved in the lock's token),
 * then an acquire with the server killed at a random moment of it, until a kill lands between the
 * RENAME's move of the data directory and that of the table: a held-token directory belonging to no
 * table. Returns the ids reserved and the number of kills.
 */
async function killAcquireHalfWay(server: TestServer, target: ClickHouseTarget, prepare: (conn: ClickHouseConnection) => Promise<number>): Promise<{ reserved: number; rounds: number }> {
  const data = join(server.dir, "data", "data", target.database);
  for (let rounds = 1; ; rounds++) {
    assert.ok(rounds <= 300, "no kill landed half-way through a RENAME");
    const reserved = await using(target, prepare);
    await using(target, async (conn) => {
      const acquiring = ImportLock.acquire(conn, quick).catch(() => {});
      await sleep(Math.random() * 30);
      process.kill(server.pid, "SIGKILL");
      await acquiring;
    });
    await restartKilled(server);
    const tables = await using(target, lockTables);
    const strays = readdirSync(data).filter((d) => d.startsWith("import_lock_held_") && !tables.includes(d));
    if (strays.length > 0) return { reserved, rounds };
  }
}

async function nextHolderKeepsReservations(url: string, target: ClickHouseTarget, reserved: number): Promise<void> {
  const data = join((c as TestCluster).servers[0]?.dir ?? "", "data", "data", target.database);
  await using(target, async (conn) => {
    const next = await ImportLock.acquire(conn, quick);
    assert.equal(next.reservedBefore, reserved, "the reservations in the stray directory travel on with the token");
    await next.release();
    assert.deepEqual(await lockTables(conn), ["import_lock"]);
    assert.deepEqual(
      readdirSync(data).filter((d) => d.startsWith("import_lock")),
      ["import_lock"],
      "the stray directory is gone",
    );
    const r = await importProcess(dir, "a.csv", url).done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await impressions(conn), A);
    assert.ok(Number((await conn.query("SELECT min(id) AS id FROM imports"))[0]?.id) > reserved, "no reserved import id reused");
  });
}

test("the lock's server killed half-way through an acquire's RENAME of the free token: the next holder keeps the reservations", { skip }, async (t) => {
  const { url, target } = await freshStore();
  const server = (c as TestCluster).servers[0] as TestServer;
  let reserved = 0;
  // Each round frees the lock with more ids reserved in it; then the acquire is killed.
  const landed = await killAcquireHalfWay(server, target, async (conn) => {
    const lock = await ImportLock.acquire(conn, quick);
    reserved = Math.max(reserved, lock.reservedBefore) + 1000;
    await lock.reserve(reserved);
    await lock.release();
    return reserved;
  });
  t.diagnostic(`half-way after ${landed.rounds} kills`);
  await nextHolderKeepsReservations(url, target, landed.reserved);
});

test("the lock's server killed half-way through a takeover's RENAME of a stale token: the next holder keeps the reservations", { skip }, async (t) => {
  const { url, target } = await freshStore();
  const server = (c as TestCluster).servers[0] as TestServer;
  // Each round starts from one token held by a holder silent for an hour, with ids up to 5000 reserved.
  const landed = await killAcquireHalfWay(server, target, async (conn) => {
    for (const name of await lockTables(conn)) await conn.command(`DROP TABLE ${name}`);
    await conn.command(`CREATE TABLE import_lock_held_gone ${TOKEN}`);
    await conn.command("INSERT INTO import_lock_held_gone SELECT 'import_lock_held_gone', 'gone-host', 4242, '2026-12-01T00:00:00.000Z', now() - 3600, 5000");
    return 5000;
  });
  t.diagnostic(`half-way after ${landed.rounds} kills`);
  await nextHolderKeepsReservations(url, target, landed.reserved);
});
