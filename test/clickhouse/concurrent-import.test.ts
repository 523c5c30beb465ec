// test:slow
// Imports from separate processes into one ClickHouse store (a cron `cpi import` beside an upload
// through `cpi serve`) take the store's import lock: two restatements of the same campaign-month at
// once end as one of them (34,000 or 31,000 impressions, never 65,000), and a reader polling meanwhile
// never sees a double count — on one server and on the two-shard cluster. A held lock makes the other
// importer wait (saying for whom) and then succeed; a stale one (a crashed importer) is taken over.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { ImportLock } from "../../src/store/clickhouse/import-lock.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { multipart } from "../api/harness.js";
import { ROOT, tempDir, write } from "../helpers.js";
import { cpiCommand } from "../track/server-process.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";
before(async () => {
  if (skip) return;
  c = await startClickHouse(2);
  dir = tempDir();
  const header = "date,source,account,campaign,ad,currency,cost,impressions,clicks";
  const day = (d: number) => `2026-10-${String(d).padStart(2, "0")}`;
  const days = Array.from({ length: 31 }, (_, i) => i + 1);
  // Two exports of the same campaign-month: 34,000 and (restated) 31,000 impressions.
  write(dir, "a.csv", [header, ...days.map((d) => `${day(d)},meta,acct-1,Launch Q4,Visual A,USD,10.00,${d === 1 ? 4000 : 1000},10`)].join("\n"));
  write(dir, "b.csv", [header, ...days.map((d) => `${day(d)},meta,acct-1,Launch Q4,Visual A,USD,9.00,1000,9`)].join("\n"));
});
after(async () => {
  await c?.stop();
});

const A = 34_000;
const B = 31_000;
let counter = 0;

/** A fresh store (one server, or sharded over both) and its URL on the first server (`other`: on the second). */
async function freshStore(cluster: boolean): Promise<{ url: string; other: string; conn: ClickHouseConnection }> {
  const servers = (c as TestCluster).servers;
  const db = `concurrent_${process.pid}_${++counter}`;
  const url = (servers[0] as (typeof servers)[number]).url(db);
  const rest = servers.slice(1).map((s) => parseClickHouseUrl(s.url(db)));
  await initClickHouseStore(parseClickHouseUrl(url), cluster ? { cluster: (c as TestCluster).cluster, nodes: rest } : { cluster: null, nodes: [] });
  return { url, other: (servers[1] as (typeof servers)[number]).url(db), conn: new ClickHouseConnection(parseClickHouseUrl(url)) };
}

interface Child {
  /** Resolves with the exit code and stderr. */
  done: Promise<{ code: number; stderr: string }>;
  /** Resolves when stderr has matched `re`. */
  said(re: RegExp): Promise<string>;
}

/** `cpi import FILE --store URL` as its own OS process (the built CLI). */
function importProcess(file: string, url: string): Child {
  const child = spawn(process.execPath, [join(ROOT, "bin/cpi.js"), "import", file, "--store", url], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    for (const w of waiters.splice(0)) {
      if (w.re.test(stderr)) w.resolve(stderr);
      else waiters.push(w);
    }
  });
  const done = new Promise<{ code: number; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stderr })));
  return {
    done,
    said: (re) => (re.test(stderr) ? Promise.resolve(stderr) : new Promise((resolve) => waiters.push({ re, resolve }))),
  };
}

async function impressions(conn: ClickHouseConnection): Promise<number> {
  return Number((await conn.query("SELECT sum(impressions) AS imp FROM spend"))[0]?.imp ?? 0);
}

async function lockTables(conn: ClickHouseConnection): Promise<string[]> {
  const rows = await conn.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND substring(name, 1, 11) = 'import_lock' ORDER BY name");
  return rows.map((r) => String(r.name));
}

/** `throughBoth`: the second importer names the cluster's other server in its store URL. */
async function concurrentRestatements(cluster: boolean, throughBoth = false): Promise<{ seen: Map<number, number>; waits: number; ids: number[] }> {
  const { url, other, conn } = await freshStore(cluster);
  const first = await importProcess("a.csv", url).done;
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
      const results = await Promise.all([importProcess("a.csv", url).done, importProcess("b.csv", throughBoth ? other : url).done]);
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
  const { url, conn } = await freshStore(false);
  const holder = new ClickHouseConnection(parseClickHouseUrl(url));
  const lock = await ImportLock.acquire(holder);
  const child = importProcess("a.csv", url);
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
  const { url, conn } = await freshStore(true);
  // What a crashed holder leaves: its token table with a heartbeat an hour old.
  await conn.command("CREATE TABLE import_lock_held_dead (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Memory");
  await conn.command("INSERT INTO import_lock_held_dead SELECT 'import_lock_held_dead', 'crashed-host', 4242, '2026-11-01T00:00:00.000Z', now() - 3600, 7");
  const r = await importProcess("b.csv", url).done;
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
  const { conn } = await freshStore(false);
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
  const { url, conn } = await freshStore(false);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // A process that takes the lock and then would hold it forever (as a long import does).
    const code = `const { ImportLock } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/import-lock.ts"))});
      const { ClickHouseConnection } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/connection.ts"))});
      const { parseClickHouseUrl } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/store-url.ts"))});
      await ImportLock.acquire(new ClickHouseConnection(parseClickHouseUrl(${JSON.stringify(url)})));
      process.stderr.write("holding\\n");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (c, s) => resolve(s ?? c)));
    await new Promise<void>((resolve) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("holding")) resolve();
      }),
    );
    assert.equal((await lockTables(conn)).length, 1);
    assert.notDeepEqual(await lockTables(conn), ["import_lock"], "held");
    child.kill(signal);
    assert.equal(await exited, signal, `ended by ${signal}: ${stderr}`);
    assert.deepEqual(await lockTables(conn), ["import_lock"], `free again after ${signal}, so the next import does not wait 10 minutes`);
  }
  await conn.close();
});

test("cpi serve --store keeps answering while an upload waits for another process's import lock", { skip }, async () => {
  const { url, conn } = await freshStore(false);
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

/** `cpi ARGS` as a process; resolves with its exit code, stdout and stderr. */
function cpi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/cpi.js"), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** A process on this machine that takes the store's lock and holds it until killed. */
async function lockHoldingProcess(url: string): Promise<{ pid: number; exited: Promise<unknown> }> {
  const code = `const { ImportLock } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/import-lock.ts"))});
    const { ClickHouseConnection } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/connection.ts"))});
    const { parseClickHouseUrl } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/store-url.ts"))});
    await ImportLock.acquire(new ClickHouseConnection(parseClickHouseUrl(${JSON.stringify(url)})));
    process.stderr.write("holding\\n");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("holding")) resolve();
    });
    child.on("exit", () => reject(new Error(`the lock holder exited: ${stderr}`)));
  });
  return { pid: child.pid as number, exited };
}

test("a lock holder killed with SIGKILL on this machine: the next import takes the lock over at once", { skip }, async () => {
  const { url, conn } = await freshStore(true);
  const holder = await lockHoldingProcess(url);
  process.kill(holder.pid, "SIGKILL");
  await holder.exited;
  assert.notDeepEqual(await lockTables(conn), ["import_lock"], "the killed holder left its lock held");
  const r = await importProcess("a.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`taking over the import lock .*pid ${holder.pid}.*: its process is gone`));
  assert.equal(await impressions(conn), A);
  assert.deepEqual(await lockTables(conn), ["import_lock"]);
  await conn.close();
});

test("the lock server restarted after its holder was killed: the heartbeat survived, the next import takes over at once", { skip }, async () => {
  const { url, conn } = await freshStore(false);
  const server = (c as TestCluster).servers[0] as TestCluster["servers"][number];
  const holder = await lockHoldingProcess(url);
  process.kill(holder.pid, "SIGKILL");
  await holder.exited;
  await server.stop();
  await server.restart();
  const r = await importProcess("a.csv", url).done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`taking over the import lock .*pid ${holder.pid}.*: its process is gone`));
  assert.equal(await impressions(conn), A);
  await conn.close();
});

test("a lock with no heartbeat at all (an older store's Memory token after a restart): waiters time the silence together, then take over", { skip }, async () => {
  const { url, conn } = await freshStore(false);
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

test("cpi store unlock: names the holder, frees only the confirmed one, and the waiting import then runs", { skip }, async () => {
  const { url, other, conn } = await freshStore(true);
  // A holder on another machine that stopped (not silent long enough to be taken over yet).
  await conn.command("CREATE TABLE import_lock_held_0123456789abcdef (holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64) ENGINE = Memory");
  await conn.command("INSERT INTO import_lock_held_0123456789abcdef SELECT 'import_lock_held_0123456789abcdef', 'gone-host', 4242, '2026-12-01T00:00:00.000Z', now() - 30, 3");
  const waiting = importProcess("a.csv", other);
  const said = await waiting.said(/waiting for the import lock/);
  assert.match(said, /held by gone-host pid 4242.*cpi store unlock --store/);
  const look = await cpi("store", "unlock", "--store", other);
  assert.equal(look.code, 2, look.stderr);
  assert.match(look.stderr, /held by gone-host pid 4242/);
  assert.match(look.stderr, /--confirm import_lock_held_0123456789abcdef/);
  assert.equal(await impressions(conn), 0, "nothing freed without the confirmation");
  const wrong = await cpi("store", "unlock", "--store", url, "--confirm", "import_lock_held_ffffffffffffffff");
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /nothing freed/);
  const freed = await cpi("store", "unlock", "--store", url, "--confirm", "import_lock_held_0123456789abcdef");
  assert.equal(freed.code, 0, freed.stderr);
  assert.match(freed.stderr, /freed the import lock/);
  const r = await waiting.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await impressions(conn), A);
  // The ids the gone holder reserved are not reused.
  assert.equal(Number((await conn.query("SELECT min(id) AS id FROM imports"))[0]?.id), 4);
  const free = await cpi("store", "unlock", "--store", url, "--format", "json");
  assert.equal(free.code, 0);
  assert.equal(JSON.parse(free.stdout).held, false);
  await conn.close();
});
