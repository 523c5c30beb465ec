// Benchmark: events recorded per second by `cpi serve` (GET /i.gif, every answer after its group
// commit's O_DSYNC write) with 256 concurrent keep-alive connections, beside nginx answering the same
// 43-byte GIF from memory (`empty_gif`, no disk), a bare node:http server, and the same bare server
// answering only once each request is appended to a group-committed O_DSYNC log (the ceiling of a
// durable Node server), in the same run and pinned to the same CPUs (taskset), all driven by wrk on 127.0.0.1 only. Two layouts: one core for
// the server (wrk on the others), and every core (wrk shares them); on every core cpi runs both as one
// process (--workers 1) and with one HTTP worker per core. Figures are per core of the server.
// CPU seconds used by each server (all its processes) are read from /proc too: requests per CPU second
// is the throughput per core on a machine that other work shares, where wall-clock rates are not.
// Target: cpi per core ≥ 0.5 × nginx per core, p99 < 20 ms, stored events = 2xx responses (nothing lost).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PIXEL_GIF } from "../src/http/tracking-routes.js";
import { startServerWith, stopServer } from "../test/track/server-process.js";
import { fmt, median, RUNS, report } from "./util.js";

const SECONDS = Number(process.env.BENCH_TRACK_SECONDS ?? 8);
const CONNECTIONS = 256;
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const CPUS = availableParallelism();

/** Where the server and wrk run when the server gets `cores` CPUs: the last ones; wrk on the rest, or beside it. */
function layout(cores: number): { server: string; client: string | null } {
  const range = (a: number, b: number) => (a === b ? String(a) : `${a}-${b}`);
  return cores < CPUS ? { server: range(CPUS - cores, CPUS - 1), client: range(0, CPUS - cores - 1) } : { server: range(0, CPUS - 1), client: null };
}

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** nginx and wrk come from Debian's packages; installed here when missing. */
function ensureTools(): void {
  const need = [...(have("nginx") || have("/usr/sbin/nginx") ? [] : ["nginx-light"]), ...(have("wrk") ? [] : ["wrk"])];
  if (need.length === 0) return;
  console.log(`installing ${need.join(", ")} with apt-get…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...need], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

interface WrkResult {
  requests: number;
  non2xx: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** 2xx answers of the warm-up run before the measured one. */
  warm2xx: number;
  /** CPU seconds the server's processes (all of them: workers, primary, store process) used during the run. */
  cpuSeconds: number;
}

/**
 * CPU seconds used so far by a process and all its descendants (Linux /proc, in clock ticks of 10 ms).
 * Requests per CPU second is a server's throughput per core when it has the core to itself, and it
 * holds on a machine others are using too, where requests per second of wall time does not.
 */
function treeCpuSeconds(root: number): number {
  const procs: { pid: number; ppid: number; ticks: number }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.push({ pid: Number(name), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (inTree.has(p.pid) || !inTree.has(p.ppid)) continue;
      inTree.add(p.pid);
      grew = true;
    }
  }
  return procs.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0) / 100;
}

function ms(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

/** Runs wrk (256 connections, one thread per CPU it may use) with unique impression ids; parses its summary. */
function wrk(url: string, dir: string, cpus: string | null, serverPid: number): WrkResult {
  const threads = cpus === null ? CPUS : cpus.includes("-") ? Number(cpus.split("-")[1]) - Number(cpus.split("-")[0]) + 1 : 1;
  const run = (seconds: number, idPrefix: string) => {
    const script = join(dir, `ids-${idPrefix}.lua`);
    writeFileSync(
      script,
      // Each wrk thread has its own Lua state: its number (set by setup) keeps the ids of two threads apart.
      `local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/i.gif?c=Launch%20Q4&cr=Visual%20A&p=news-site&id=${idPrefix}" .. tid .. "-" .. n)
end
`,
    );
    const args = [`-t${threads}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "-H", `User-Agent: ${UA}`, "-s", script, url];
    const out = cpus === null ? execFileSync("wrk", args, { encoding: "utf8" }) : execFileSync("taskset", ["-c", cpus, "wrk", ...args], { encoding: "utf8" });
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return { out, requests, non2xx };
  };
  // Warm-up, not measured (other ids: its events are stored too): every worker has started and its
  // code is compiled before the clock starts (on a busy machine the workers' start-up alone was a
  // large part of a short run's CPU time).
  const warm = run(2, "w");
  const cpu0 = treeCpuSeconds(serverPid);
  const { out, requests, non2xx } = run(SECONDS, "b");
  const cpuSeconds = treeCpuSeconds(serverPid) - cpu0;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  return { requests, non2xx, warm2xx: warm.requests - warm.non2xx, rps, p50ms: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ""), p99ms: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ""), cpuSeconds };
}

const freePort = () => 18_500 + Math.floor(Math.random() * 1000);

/** Resolves once something accepts connections on the port (a loaded machine starts nginx slowly). */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** Starts a process pinned to `cpus`, lets it start, runs wrk against it, then stops it with `signal`. */
async function pinnedRun(cpus: { server: string; client: string | null }, argv: string[], port: number, dir: string, signal: NodeJS.Signals): Promise<WrkResult> {
  const child = spawn("taskset", ["-c", cpus.server, ...argv], { stdio: "ignore" });
  try {
    await listening(port);
    return wrk(`http://127.0.0.1:${port}`, dir, cpus.client, child.pid as number);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await exited;
    }
  }
}

/** nginx with one worker process per core, answering /i.gif with its built-in `empty_gif` (the same 43 bytes, from memory). */
function nginxRun(cores: number, dir: string): Promise<WrkResult> {
  const port = freePort();
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes ${cores};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location = /i.gif {
      empty_gif;
      add_header Cache-Control "no-cache, no-store, must-revalidate, private, max-age=0";
      add_header Pragma no-cache;
      expires -1;
    }
  }
}
`,
  );
  return pinnedRun(layout(cores), ["nginx", "-c", join(dir, "nginx.conf"), "-p", dir], port, dir, "SIGQUIT");
}

/**
 * A bare node:http server answering the GIF and nothing else (one process per core, sharing the port):
 * what Node itself costs. `durable`: each request's target is appended to a log first and answered once
 * it is on disk, with cpi's group-commit policy (one O_DSYNC write at a time of every line that arrived
 * meanwhile, into zeros written ahead) but nothing else (no parsing, no checks, no store, one log per
 * process): the ceiling of a Node server that acknowledges only what is durable.
 */
function bareNodeRun(cores: number, dir: string, durable = false): Promise<WrkResult> {
  const port = freePort();
  const gif = PIXEL_GIF.toString("base64");
  const answer = `s.writeHead(200, { "content-type": "image/gif", "content-length": gif.length, "cache-control": "no-cache" }); s.end(gif);`;
  const serve = durable
    ? `const fs = require("node:fs"); const path = ${JSON.stringify(dir)} + "/durable-" + process.pid + ".log";
  const zeros = fs.openSync(path, "w", 0o600); const z = Buffer.alloc(4 << 20); for (let i = 0; i < 64; i++) fs.writeSync(zeros, z); fs.fsyncSync(zeros); fs.closeSync(zeros);
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_DSYNC);
  let lines = [], waiting = [], writing = false, scheduled = false, at = 0;
  const flush = () => { scheduled = false; if (writing || lines.length === 0) return; writing = true;
    const buf = Buffer.from(lines.join("")); const done = waiting; lines = []; waiting = [];
    fs.write(fd, buf, 0, buf.length, at, (err) => { at += buf.length; writing = false; for (const cb of done) cb(err); flush(); }); };
  http.createServer((q, s) => { lines.push(Date.now() + " " + q.url + "\\n"); waiting.push((err) => { if (err) { s.statusCode = 503; s.end(); } else { ${answer} } });
    if (!writing && !scheduled) { scheduled = true; setImmediate(flush); } }).listen(${port}, "127.0.0.1");`
    : `http.createServer((q, s) => { ${answer} }).listen(${port}, "127.0.0.1");`;
  const code = `const cluster = require("node:cluster"); const http = require("node:http");
if (cluster.isPrimary && ${cores} > 1) { for (let i = 0; i < ${cores}; i++) cluster.fork(); process.on("SIGTERM", () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); }); }
else { const gif = Buffer.from("${gif}", "base64"); ${serve} }`;
  // A file, not `node -e`: cluster.fork() runs the primary's script again.
  const script = join(dir, durable ? "durable-node.cjs" : "bare-node.cjs");
  writeFileSync(script, code);
  return pinnedRun(layout(cores), [process.execPath, script], port, dir, "SIGTERM");
}

async function storedEvents(db: string): Promise<number> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const r = await conn.runAndReadAll("SELECT (SELECT COUNT(*) FROM events) + (SELECT COALESCE(SUM(n), 0) FROM invalid_counts) AS n");
  const n = Number(r.getRows()[0]?.[0] ?? 0);
  conn.closeSync();
  inst.closeSync();
  return n;
}

/** What the server says of its own timings (/health, ms since it started, warm-up included). */
interface ServerTimings {
  /** The primary's event-loop delay (with --workers 1 the one process's). */
  loopP99: number;
  /** A log batch's time from its first line to durable. */
  durableP50: number;
  durableP99: number;
  /** The answering HTTP worker's own loop delay (--workers > 1), else NaN. */
  workerLoopP99: number;
}

type CpiResult = WrkResult & { stored: number; acknowledged: number; timings: ServerTimings };

async function cpiRun(cores: number, workers: number, dir: string, run: number): Promise<CpiResult> {
  const db = join(dir, `track-${cores}-${workers}-${run}.duckdb`);
  const cpus = layout(cores);
  const server = await startServerWith({ detached: false, cpus: cpus.server }, db, "--ip-rate", "0", "--visitor-rate", "0", "--workers", String(workers));
  const result = wrk(server.url, dir, cpus.client, server.child.pid as number);
  type P = { p50: number; p99: number };
  const h = (await (await fetch(`${server.url}/health`)).json()) as { event_loop_delay_ms: P; durable_ms: P; worker_event_loop_delay_ms?: P };
  const timings = { loopP99: h.event_loop_delay_ms.p99, durableP50: h.durable_ms.p50, durableP99: h.durable_ms.p99, workerLoopP99: h.worker_event_loop_delay_ms?.p99 ?? Number.NaN };
  await stopServer(server);
  // Read after the drain: requests still in flight when wrk stopped are answered (or not) by then.
  const acknowledged = Number((/stopped: ([\d,]+) events recorded/.exec(server.stderr())?.[1] ?? "-1").replace(/,/g, ""));
  return { ...result, stored: await storedEvents(db), acknowledged, timings };
}

/** Per CPU second of the server: requests (or events) it answered for each second of CPU it used. */
const perCpu = (r: WrkResult) => (r.cpuSeconds > 0 ? r.requests / r.cpuSeconds : 0);

/** Runs every layout RUNS times; prints each run and the medians per core. */
export async function benchTrackServe(): Promise<void> {
  ensureTools();
  const dir = mkdtempSync(join(tmpdir(), "cpi-bench-track-"));
  let lossless = true;
  // BENCH_TRACK_CORES=2 runs one layout only.
  const layouts = process.env.BENCH_TRACK_CORES ? [Number(process.env.BENCH_TRACK_CORES)] : CPUS > 1 ? [1, CPUS] : [1];
  try {
    for (const cores of layouts) {
      const { server, client } = layout(cores);
      // Every layout runs cpi with one process (--workers 1) and, with more than one core, one HTTP worker per core.
      const workerCounts = cores > 1 ? [1, cores] : [1];
      console.log(`  server on CPU ${server}${client ? `, wrk on CPU ${client}` : ", wrk beside it"}:`);
      const runs: { n: WrkResult; b: WrkResult; d: WrkResult; c: CpiResult[] }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const n = await nginxRun(cores, dir);
        const b = await bareNodeRun(cores, dir);
        const d = await bareNodeRun(cores, dir, true);
        const c: CpiResult[] = [];
        for (const workers of workerCounts) c.push(await cpiRun(cores, workers, dir, run));
        runs.push({ n, b, d, c });
        const cpiText = c.map((r, i) => {
          // Stored: the warm-up's events and the measured run's.
          const ok2xx = r.warm2xx + r.requests - r.non2xx;
          // Each wrk run stops with up to 256 requests in flight: the server may have stored those without wrk
          // counting the answer. Every acknowledged event must be stored exactly once.
          const ok = r.stored === r.acknowledged && r.stored >= ok2xx && r.stored - ok2xx <= 2 * CONNECTIONS && r.non2xx === 0;
          lossless &&= ok;
          const t = r.timings;
          const inside = `server side: durable p50 ${t.durableP50.toFixed(2)} / p99 ${t.durableP99.toFixed(2)} ms, loop delay p99 ${t.loopP99.toFixed(2)} ms${Number.isNaN(t.workerLoopP99) ? "" : ` (a worker's ${t.workerLoopP99.toFixed(2)} ms)`}`;
          return `cpi --workers ${workerCounts[i]} ${fmt(r.rps)} events/s, ${fmt(perCpu(r))} per CPU s, p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms, 2xx ${fmt(ok2xx)}, acknowledged ${fmt(r.acknowledged)}, stored ${fmt(r.stored)}${ok ? "" : "  MISMATCH"} (warm-up included)\n           ${inside} (warm-up included)`;
        });
        console.log(`  run ${run + 1}: nginx ${fmt(n.rps)} req/s, ${fmt(perCpu(n))} per CPU s (p99 ${n.p99ms.toFixed(2)} ms) · bare node ${fmt(b.rps)} req/s, ${fmt(perCpu(b))} per CPU s (p99 ${b.p99ms.toFixed(2)} ms) · durable bare node ${fmt(d.rps)} req/s, ${fmt(perCpu(d))} per CPU s (p99 ${d.p99ms.toFixed(2)} ms)`);
        for (const line of cpiText) console.log(`         ${line}`);
      }
      const med = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
      const theirs = med((r) => r.n.rps) / cores;
      const theirsCpu = med((r) => perCpu(r.n));
      const where = `${cores} core${cores > 1 ? "s" : ""}`;
      for (const [i, workers] of workerCounts.entries()) {
        const label = `${where}, --workers ${workers}`;
        const ours = med((r) => (r.c[i] as WrkResult).rps) / cores;
        report(`cpi serve /i.gif per core (${label})`, `${fmt(ours)}/s`, `nginx ${fmt(theirs)}/s`, ours / theirs, "≥ 0.5");
        report(`  per CPU second used (${label})`, `${fmt(med((r) => perCpu(r.c[i] as WrkResult)))}`, `nginx ${fmt(theirsCpu)}`, med((r) => perCpu(r.c[i] as WrkResult)) / theirsCpu, "(throughput per core, whatever else runs)");
        console.log(
          `${`cpi serve latency, ${CONNECTIONS} conns (${label})`.padEnd(44)} p50 ${med((r) => (r.c[i] as WrkResult).p50ms).toFixed(2)} ms, p99 ${med((r) => (r.c[i] as WrkResult).p99ms).toFixed(2)} ms   target p99 < 20 ms (nginx's own p99 in the same runs: ${med((r) => r.n.p99ms).toFixed(2)} ms)`,
        );
        // Where the time went, as the server saw it: the log's append → durable and its event loop's delay.
        console.log(
          `${"  of which (server side, /health)".padEnd(44)} durable p50 ${med((r) => (r.c[i] as CpiResult).timings.durableP50).toFixed(2)} ms, p99 ${med((r) => (r.c[i] as CpiResult).timings.durableP99).toFixed(2)} ms; event-loop delay p99 ${med((r) => (r.c[i] as CpiResult).timings.loopP99).toFixed(2)} ms`,
        );
      }
      report(`  bare node:http per core (${where})`, `${fmt(med((r) => r.b.rps) / cores)}/s`, `nginx ${fmt(theirs)}/s`, med((r) => r.b.rps) / cores / theirs, "(Node's own ceiling)");
      report(`  bare node:http per CPU second (${where})`, `${fmt(med((r) => perCpu(r.b)))}`, `nginx ${fmt(theirsCpu)}`, med((r) => perCpu(r.b)) / theirsCpu, "(Node's own ceiling)");
      // What a Node server that acknowledges only durable lines can do at most: cpi's ceiling here.
      report(`  durable bare node per core (${where})`, `${fmt(med((r) => r.d.rps) / cores)}/s`, `nginx ${fmt(theirs)}/s`, med((r) => r.d.rps) / cores / theirs, "(durable Node's ceiling)");
      report(`  durable bare node per CPU second (${where})`, `${fmt(med((r) => perCpu(r.d)))}`, `nginx ${fmt(theirsCpu)}`, med((r) => perCpu(r.d)) / theirsCpu, "(durable Node's ceiling)");
      console.log(`${"  durable bare node latency".padEnd(44)} p50 ${med((r) => r.d.p50ms).toFixed(2)} ms, p99 ${med((r) => r.d.p99ms).toFixed(2)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${"stored events = acknowledged (2xx)".padEnd(44)} ${lossless ? "yes" : "NO"}`);
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`${"load average at the end (other work)".padEnd(44)} ${load} on ${CPUS} CPUs`);
}
