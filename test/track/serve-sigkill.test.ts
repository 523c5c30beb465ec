// test:slow
// Durability: kill the server (HTTP process and store process) with SIGKILL while a load generator
// runs, restart it, and check that every acknowledged event is in the store exactly once.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { tempDir } from "../helpers.js";
import { startServer, startServerWith, stopServer } from "./server-process.js";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const KILL_AFTER = Number(process.env.CPI_SIGKILL_ACKS ?? 30_000);
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

for (const segment of [null, 65_536]) {
  const name = segment ? ` (log segments of ${segment / 1024} KB: sealed, loaded and deleted on the way)` : "";
  test(`SIGKILL under load, restart: every acknowledged event is stored exactly once${name}`, () => sigkillRun(segment));
}

async function sigkillRun(segment: number | null): Promise<void> {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const extra = segment ? ["--log-segment", String(segment)] : [];
  const server = await startServerWith({ detached: true }, db, "--ip-rate", "0", "--visitor-rate", "0", ...extra);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const acked: string[] = [];
  let sent = 0;
  let killed = false;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const id = `k${next++}`;
        sent++;
        const status = await pixel(server.port, agent, id);
        if (status === 200) acked.push(id);
        else if (status === -1) return; // the server is gone
        else assert.fail(`unexpected status ${status}`);
        if (!killed && acked.length >= KILL_AFTER) {
          killed = true;
          process.kill(-(server.child.pid as number), "SIGKILL");
        }
      }
    }),
  );
  agent.destroy();
  await server.exited;
  assert.ok(killed);

  const restarted = await startServer(db, ...extra);
  assert.match(restarted.stderr(), /replayed [\d,]+ events|listening/);
  assert.equal(await stopServer(restarted), 0, restarted.stderr());

  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const rows = (await conn.runAndReadAll("SELECT impression_id, COUNT(*) AS n FROM events GROUP BY impression_id")).getRows();
  conn.closeSync();
  inst.closeSync();
  const counts = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
  const missing = acked.filter((id) => counts.get(id) !== 1);
  const twice = [...counts].filter(([, n]) => n !== 1);
  console.log(
    `sigkill${segment ? ` (segments of ${segment} bytes)` : ""}: ${sent.toLocaleString("en-US")} sent, ${acked.length.toLocaleString("en-US")} acknowledged before the kill, ${counts.size.toLocaleString("en-US")} stored after restart (${(counts.size - acked.length).toLocaleString("en-US")} written but never acknowledged)`,
  );
  assert.deepEqual(missing, [], "every acknowledged event is stored once");
  assert.deepEqual(twice, [], "no event is stored twice");
  assert.ok(counts.size <= sent);
  const logs = readdirSync(dir).filter((f) => f.includes(".events."));
  assert.deepEqual(logs, ["cpi.duckdb.events.log"], "sealed segments are deleted once loaded");
}
