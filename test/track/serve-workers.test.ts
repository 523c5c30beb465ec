// test:slow
// `cpi serve --workers N` (issue 24): HTTP workers share the port; the primary records what they
// forward into the one event log. Duplicate impression ids are caught across workers; a worker that
// dies is started again while the others keep answering, and no acknowledged event is lost or stored
// twice; SIGTERM stops every worker after it has answered what it had, and the server drains. A port
// already taken is an environment error (exit 2), with workers or without.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { Agent, request } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { tempDir } from "../helpers.js";
import { alive, cpiCommand, startServer, stopServer } from "./server-process.js";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

/**
 * One GET: its status and body, or -1 when the connection failed. A connection the cluster had just
 * handed to the worker that was killed is never answered (Node does not deal it again): after 10 s of
 * silence it counts as failed, as a browser would give up on it, so the load goes on.
 */
function get(port: number, path: string, agent: Agent | false): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { "user-agent": UA }, agent }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", () => resolve({ status: -1, body }));
    });
    req.on("error", () => resolve({ status: -1, body: "" }));
    req.setTimeout(10_000, () => req.destroy());
    req.end();
  });
}

/** The HTTP workers of a server: its children running `cpi serve` (not the store process, nor tsx's esbuild service when run from source). */
function workersOf(pid: number): number[] {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" }).trim();
  return out
    .split("\n")
    .filter((l) => / serve /.test(l) && !l.includes("store-process"))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function query(db: string, sql: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const rows = (await conn.runAndReadAll(sql)).getRows();
  conn.closeSync();
  inst.closeSync();
  return rows;
}

test("--workers 3: one impression id sent through every worker is stored once, the rest are duplicate_id", async () => {
  const db = join(tempDir(), "cpi.duckdb");
  const server = await startServer(db, "--workers", "3", "--ip-rate", "0", "--visitor-rate", "0");
  const health = JSON.parse((await get(server.port, "/health", false)).body) as { workers: number; worker_event_loop_delay_ms: { p99: number }; event_loop_delay_ms: { p99: number } };
  assert.equal(health.workers, 3);
  assert.equal(typeof health.worker_event_loop_delay_ms.p99, "number", "the answering worker's own loop delay");
  assert.equal(typeof health.event_loop_delay_ms.p99, "number", "the primary's");
  assert.equal(workersOf(server.child.pid as number).length, 3);
  // A new connection each time: connections are dealt to the workers in turn, so each gets several.
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await get(server.port, "/i.gif?c=Launch&p=news&id=same-id", false)).status);
  // And the same id at once from 12 connections.
  const agent = new Agent({ keepAlive: true, maxSockets: 12 });
  statuses.push(...(await Promise.all(Array.from({ length: 12 }, () => get(server.port, "/i.gif?c=Launch&p=news&id=also-same", agent)))).map((r) => r.status));
  agent.destroy();
  assert.deepEqual(statuses, Array(24).fill(200));
  assert.equal(await stopServer(server), 0, server.stderr());
  const events = await query(db, "SELECT impression_id, COUNT(*) FROM events GROUP BY 1 ORDER BY 1");
  assert.deepEqual(
    events.map((r) => [r[0], Number(r[1])]),
    [
      ["also-same", 1],
      ["same-id", 1],
    ],
  );
  const dups = await query(db, "SELECT SUM(n) FROM invalid_counts WHERE reason = 'duplicate_id'");
  assert.equal(Number(dups[0]?.[0]), 22);
});

test("a worker killed under load is started again; every acknowledged event is stored once; SIGTERM stops every worker and drains", async () => {
  const db = join(tempDir(), "cpi.duckdb");
  const server = await startServer(db, "--workers", "2", "--ip-rate", "0", "--visitor-rate", "0", "--log-segment", "65536");
  const pid = server.child.pid as number;
  const before = workersOf(pid);
  assert.equal(before.length, 2);
  const acked: string[] = [];
  let next = 0;
  let failed = 0;
  let phase: "load" | "killed" | "stopping" = "load";
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const load = Promise.all(
    Array.from({ length: 32 }, async () => {
      for (;;) {
        const id = `w${next++}`;
        const { status } = await get(server.port, `/i.gif?c=Launch&p=news&id=${id}`, agent);
        if (status === 200) acked.push(id);
        else if (phase === "stopping") return; // closed or refused (503) while draining
        else if (status === -1) failed++; // a connection of the killed worker
        else assert.fail(`unexpected status ${status}`);
      }
    }),
  );
  while (acked.length < 3000) await new Promise((r) => setTimeout(r, 20));
  process.kill(before[0] as number, "SIGKILL");
  phase = "killed";
  const acksAtKill = acked.length;
  // The other worker goes on answering; a new one takes the place of the dead.
  for (;;) {
    const r = await get(server.port, "/health", false);
    const h = r.status === 200 ? (JSON.parse(r.body) as { workers: number; worker_restarts: number }) : null;
    if (h?.workers === 2 && h.worker_restarts === 1) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const after = workersOf(pid);
  assert.equal(after.length, 2);
  assert.ok(!after.includes(before[0] as number));
  const acksAtRestart = acked.length;
  while (acked.length < acksAtRestart + 3000) await new Promise((r) => setTimeout(r, 20));
  phase = "stopping";
  server.child.kill("SIGTERM");
  await load;
  agent.destroy();
  assert.equal(await server.exited, 0, server.stderr());
  assert.match(server.stderr(), /ended \(SIGKILL\); starting another/);
  assert.match(server.stderr(), /all of them in the store/);
  for (const w of after) assert.ok(!alive(w), `worker ${w} ended with the server`);
  const rows = await query(db, "SELECT impression_id, COUNT(*) FROM events GROUP BY 1");
  const counts = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
  console.log(
    `workers: ${acked.length.toLocaleString("en-US")} acknowledged (${acksAtKill.toLocaleString("en-US")} before the kill), ${failed} requests cut by it, ${counts.size.toLocaleString("en-US")} stored`,
  );
  assert.deepEqual(
    acked.filter((id) => counts.get(id) !== 1).slice(0, 10),
    [],
    "every acknowledged event is stored once",
  );
  assert.deepEqual(
    [...counts].filter(([, n]) => n !== 1),
    [],
    "none twice",
  );
});

test("--workers 2 started again and again answers the connections opened as it starts listening; every acknowledged event is stored once", async () => {
  // Twice a freshly started two-worker server answered nothing: the first requests' lines waited for
  // the new log segment's whole 64 MiB zero-fill. Each start here is hit by 64 connections at once.
  for (let start = 0; start < 5; start++) {
    const db = join(tempDir(), "cpi.duckdb");
    const server = await startServer(db, "--workers", "2", "--ip-rate", "0", "--visitor-rate", "0");
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const acked: string[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async (_, c) => {
        for (let i = 0; i < 20; i++) {
          const id = `s${start}-${c}-${i}`;
          const { status } = await get(server.port, `/i.gif?c=Launch&p=news&id=${id}`, agent);
          assert.equal(status, 200, `start ${start}: ${id}`);
          acked.push(id);
        }
      }),
    );
    agent.destroy();
    assert.equal(await stopServer(server), 0, server.stderr());
    const rows = await query(db, "SELECT impression_id, COUNT(*) FROM events GROUP BY 1");
    const counts = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
    assert.equal(acked.length, 64 * 20);
    assert.deepEqual(
      acked.filter((id) => counts.get(id) !== 1),
      [],
      `start ${start}: every acknowledged event is stored once`,
    );
    assert.equal(counts.size, acked.length);
  }
});

test("a port already taken: exit 2 with one line, with workers or without", async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  const port = (taken.address() as AddressInfo).port;
  try {
    for (const workers of ["2", "1"]) {
      const db = join(tempDir(), "cpi.duckdb");
      const r = spawnSync(process.execPath, cpiCommand("serve", "--db", db, "--host", "127.0.0.1", "--port", String(port), "--workers", workers), { encoding: "utf8" });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^error: cannot listen on 127\.0\.0\.1:\d+: port \d+ is in use by another program; stop it or pick another --port\n$/);
    }
  } finally {
    taken.close();
  }
});
