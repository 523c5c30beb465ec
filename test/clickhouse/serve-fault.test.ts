// test:slow
// Fault test: `cpi serve --store` on the two-shard cluster under load; one ClickHouse server is
// stopped (the tracking server keeps answering from its durable log while loads retry with backoff),
// then the other, each restarted; every acknowledged event must arrive exactly once.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { tempDir } from "../helpers.js";
import { cpiCommand } from "../track/server-process.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { clusterStore } from "./stores.js";

const skip = skipReason() ?? false;
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const CONCURRENCY = 32;
let c: TestCluster | null = null;
before(async () => {
  if (!skip) c = await startClickHouse(2);
});
after(async () => {
  await c?.stop();
});

function pixel(port: number, agent: Agent, id: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: `/i.gif?c=Fault%20Test&p=news&id=${id}`, headers: { "user-agent": UA }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(-1));
    req.end();
  });
}

async function health(port: number): Promise<{ backlog_bytes: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { backlog_bytes: number };
}

test("stopping each ClickHouse server under load loses no acknowledged event and stores none twice", { skip }, async (t) => {
  const cluster = c as TestCluster;
  const store: ClickHouseStore = await clusterStore(cluster, "fault");
  const url = (cluster.servers[0] as (typeof cluster.servers)[number]).url(store.location.split("/").pop() as string);
  const state = join(tempDir(), "serve");
  const child = spawn(process.execPath, cpiCommand("serve", "--store", url, "--state", state, "--host", "127.0.0.1", "--port", "0", "--ip-rate", "0", "--visitor-rate", "0"), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    await run(cluster, store, () => err, exited, child.kill.bind(child));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await store.close();
  }
  t.diagnostic(diagnostic);
});

let diagnostic = "";

async function run(cluster: TestCluster, store: ClickHouseStore, stderr: () => string, exited: Promise<number | null>, kill: (s: NodeJS.Signals) => boolean): Promise<void> {
  let port = 0;
  while (!port) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr());
    if (m) port = Number(m[1]);
    // A server that failed to start may stay alive (its store process holds it): fail on its message.
    else if (/^(error|internal error|fatal)/m.test(stderr())) assert.fail(`cpi serve failed to start: ${stderr()}`);
    else if (await Promise.race([exited.then(() => true), sleep(25).then(() => false)])) assert.fail(`cpi serve exited: ${stderr()}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const acked = new Set<string>();
  let next = 0;
  let phase = 0;
  // Phases: load, stop shard 2, load, restart it, load, stop shard 1 (it holds the load log), load, restart, load.
  const steps = [
    async () => {},
    () => cluster.servers[1]?.stop(),
    () => cluster.servers[1]?.restart(),
    () => cluster.servers[0]?.stop(),
    () => cluster.servers[0]?.restart(),
  ];
  const perPhase = 3000;
  const load = async () => {
    for (;;) {
      if (next >= perPhase * steps.length) return;
      const id = `f${next++}`;
      const status = await pixel(port, agent, id);
      assert.equal(status, 200, `request ${id} answered ${status}: ${stderr()}`);
      acked.add(id);
    }
  };
  const driver = async () => {
    for (const step of steps) {
      await step?.();
      phase++;
      while (acked.size < perPhase * phase) await sleep(20);
    }
  };
  await Promise.all([driver(), ...Array.from({ length: CONCURRENCY }, load)]);
  agent.destroy();
  while ((await health(port)).backlog_bytes > 0) await sleep(100);
  const ids = await store.query("SELECT impression_id, count() AS n FROM events WHERE campaign = 'Fault Test' GROUP BY impression_id");
  const twice = ids.filter((r) => Number(r.n) !== 1).map((r) => r.impression_id);
  const stored = new Set(ids.map((r) => String(r.impression_id)));
  const missing = [...acked].filter((id) => !stored.has(id));
  assert.deepEqual(twice, [], "stored more than once");
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged events missing`);
  assert.equal(stored.size, acked.size);
  const aborted = await store.query("SELECT count() AS n FROM event_batches WHERE state = 'aborted'");
  diagnostic = `${acked.size} acknowledged events, each stored once; ${aborted[0]?.n} load attempts aborted and retried during the outages`;
  assert.match(stderr(), /retrying with backoff/);
  kill("SIGTERM");
  assert.equal(await exited, 0, stderr());
}
