// test:slow
// Durability under load: stop the server while a load generator runs, in every way it is stopped in
// practice, and check that every acknowledged event is in the store exactly once.
// - SIGKILL of the whole process group (a crash): the restart replays the log.
// - SIGKILL of the HTTP process alone: its store process closes the store (no ERR_IPC_CHANNEL_CLOSED)
//   and the restart listens at once (the time is printed, not asserted).
// - SIGTERM and SIGINT to the whole group (systemctl stop, Ctrl-C): the server drains and exits 0,
//   with every acknowledged event in the store before any restart.
// Each runs with the default log segments and with 64 KiB ones (sealed, loaded and deleted on the way);
// one more pauses the store process under 64 KiB segments, so segments rotate several times before it
// hears of them (the loader once waited for ever on such a segment).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { tempDir } from "../helpers.js";
import { alive, startServer, startServerWith, stopServer } from "./server-process.js";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const STOP_AFTER = Number(process.env.CPI_SIGKILL_ACKS ?? 30_000);
const CONCURRENCY = 64;

function pixel(port: number, agent: Agent, id: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: `/i.gif?c=Launch%20Q4&p=news&id=${id}`, headers: { "user-agent": UA }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(-1));
    });
    req.on("error", () => resolve(-1));
    req.end();
  });
}

type Stop = "kill-group" | "kill-http" | "term-group" | "int-group" | "term-group-paused-loader";

// Workers: null = the default (requests served in the main process); 1 = the same, said; 3 = more workers than cores.
const runs: [Stop, number | null, number | null][] = [
  ["kill-group", null, null],
  ["kill-group", 65_536, null],
  ["kill-group", 65_536, 1],
  ["kill-group", 65_536, 3],
  ["kill-http", null, null],
  ["kill-http", 65_536, null],
  ["kill-http", 65_536, 3],
  ["term-group", null, null],
  ["term-group", 65_536, null],
  ["term-group", 65_536, 1],
  ["term-group", 65_536, 3],
  ["int-group", 65_536, null],
  ["term-group-paused-loader", 65_536, null],
];
for (const [stop, segment, workers] of runs) {
  const name = `${segment ? ` (log segments of ${segment / 1024} KiB: sealed, loaded and deleted on the way)` : ""}${workers ? `, --workers ${workers}` : ""}`;
  test(`${stop} under load: every acknowledged event is stored exactly once${name}`, () => durabilityRun(stop, segment, workers));
}

/** The store process of a server (its one child that is not an HTTP worker). */
function storeProcessOf(pid: number): number {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" }).trim();
  const line = out.split("\n").find((l) => l.includes("store-process"));
  return Number(line?.trim().split(/\s+/)[0]);
}

async function durabilityRun(stop: Stop, segment: number | null, workers: number | null): Promise<void> {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const extra = [...(segment ? ["--log-segment", String(segment)] : []), ...(workers ? ["--workers", String(workers)] : [])];
  const server = await startServerWith({ detached: true }, db, "--ip-rate", "0", "--visitor-rate", "0", ...extra);
  const pid = server.child.pid as number;
  const storePid = storeProcessOf(pid);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const acked: string[] = [];
  let sent = 0;
  let stopped = false;
  let paused = false;
  let next = 0;
  const stopNow = () => {
    stopped = true;
    if (stop === "kill-group") process.kill(-pid, "SIGKILL");
    else if (stop === "kill-http") process.kill(pid, "SIGKILL");
    else if (stop === "int-group") process.kill(-pid, "SIGINT");
    else process.kill(-pid, "SIGTERM");
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const id = `k${next++}`;
        sent++;
        const status = await pixel(server.port, agent, id);
        if (status === 200) acked.push(id);
        else if (status === -1) return; // the server is gone
        else if (status === 503 && stopped) return; // draining: the log is closed to new events
        else assert.fail(`unexpected status ${status}`);
        if (stop === "term-group-paused-loader" && !paused && acked.length >= STOP_AFTER / 3) {
          // The store process hears of nothing for a while; segments keep rotating meanwhile.
          paused = true;
          process.kill(storePid, "SIGSTOP");
          setTimeout(() => process.kill(storePid, "SIGCONT"), 1500);
        }
        if (!stopped && acked.length >= STOP_AFTER && (stop !== "term-group-paused-loader" || alive(storePid))) stopNow();
      }
    }),
  );
  agent.destroy();
  const code = await server.exited;
  assert.ok(stopped, `the server ended before it was stopped (${acked.length} acknowledged, exit ${code}):\n${server.stderr().slice(-3000)}`);
  const drains = stop.startsWith("term") || stop.startsWith("int");
  if (drains) {
    assert.equal(code, 0, `the server drained and exited cleanly:\n${server.stderr().slice(-2000)}`);
    assert.match(server.stderr(), /all of them in the store/);
  }
  if (stop === "kill-http") {
    // Orphaned, the store process closes the store and exits on its own (its stderr is the server's).
    while (alive(storePid)) await new Promise((r) => setTimeout(r, 20));
    assert.doesNotMatch(server.stderr(), /ERR_IPC_CHANNEL_CLOSED|Error/, server.stderr());
  }
  // Drained: the store holds everything already. Otherwise a restart replays the log.
  let listenMs: number | null = null;
  if (!drains) {
    while (alive(storePid)) await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    const restarted = await startServer(db, ...extra);
    listenMs = performance.now() - t0;
    assert.equal(await stopServer(restarted), 0, restarted.stderr());
  }

  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const rows = (await conn.runAndReadAll("SELECT impression_id, COUNT(*) AS n FROM events GROUP BY impression_id")).getRows();
  // The rollup is written in the transaction that appends the events: the restart's replay does not count a batch twice in it.
  const rollup = "SELECT time_bucket(INTERVAL 15 MINUTE, ts) AS b, campaign, placement, creative, COUNT(*) AS n FROM events GROUP BY ALL EXCEPT SELECT ts, campaign, placement, creative, SUM(events) FROM event_rollup GROUP BY ALL";
  assert.deepEqual((await conn.runAndReadAll(rollup)).getRows(), [], "the rollup counts every stored event once");
  assert.equal(Number((await conn.runAndReadAll("SELECT (SELECT SUM(events) FROM event_rollup) - (SELECT COUNT(*) FROM events)")).getRows()[0]?.[0] ?? 0), 0);
  // So is the visitor sample: exactly the stored impressions' sampled visitors, bucket by bucket.
  const raw = "SELECT DISTINCT time_bucket(INTERVAL 15 MINUTE, ts), campaign, placement, creative, visitor FROM events WHERE type = 'impression' AND visitor & 63 = 0";
  const sample = "SELECT DISTINCT ts, campaign, placement, creative, visitor FROM reach_sample";
  assert.deepEqual((await conn.runAndReadAll(`(${raw} EXCEPT ${sample}) UNION ALL (${sample} EXCEPT ${raw})`)).getRows(), [], "the visitor sample is the stored impressions'");
  conn.closeSync();
  inst.closeSync();
  const counts = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
  const missing = acked.filter((id) => counts.get(id) !== 1);
  const twice = [...counts].filter(([, n]) => n !== 1);
  console.log(
    `${stop}${segment ? ` (segments of ${segment} bytes)` : ""}${workers ? ` (--workers ${workers})` : ""}: ${sent.toLocaleString("en-US")} sent, ${acked.length.toLocaleString("en-US")} acknowledged, ${counts.size.toLocaleString("en-US")} stored (${(counts.size - acked.length).toLocaleString("en-US")} written but never acknowledged)${listenMs !== null ? `; the restart listened after ${Math.round(listenMs)} ms` : ""}`,
  );
  assert.deepEqual(missing.slice(0, 10), [], `every acknowledged event is stored once (${missing.length} are not)`);
  assert.deepEqual(twice, [], "no event is stored twice");
  assert.ok(counts.size <= sent);
  const logs = readdirSync(dir).filter((f) => f.includes(".events."));
  assert.deepEqual(logs, ["cpi.duckdb.events.log"], "sealed segments are deleted once loaded");
}

test("a store process that dies during the drain does not hold the server for ever; the next start loads what it left", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const server = await startServerWith({ detached: true }, db, "--ip-rate", "0", "--visitor-rate", "0");
  const storePid = storeProcessOf(server.child.pid as number);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const acked: string[] = [];
  for (let i = 0; i < 200; i++) if ((await pixel(server.port, agent, `d${i}`)) === 200) acked.push(`d${i}`);
  agent.destroy();
  process.kill(storePid, "SIGSTOP"); // it cannot answer the drain …
  server.child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  process.kill(storePid, "SIGKILL"); // … and then it is gone
  assert.equal(await server.exited, 1, `the drain could not finish: exit 1, not a hang\n${server.stderr()}`);
  assert.match(server.stderr(), /the store process ended before the drain: the next start loads the rest of the log/);
  const restarted = await startServer(db);
  assert.equal(await stopServer(restarted), 0, restarted.stderr());
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const n = Number((await conn.runAndReadAll("SELECT COUNT(DISTINCT impression_id) FROM events")).getRows()[0]?.[0]);
  conn.closeSync();
  inst.closeSync();
  assert.equal(n, acked.length, "every acknowledged event is in the store after the restart");
});
