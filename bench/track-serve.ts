// Benchmark: events recorded per second by `cpi serve` (GET /i.gif, every answer after its group
// commit's fdatasync) with 256 concurrent keep-alive connections, beside nginx serving the same
// 43-byte GIF from a static file in the same run, both driven by wrk on 127.0.0.1 only.
// Target: ratio ≥ 0.5, p99 < 20 ms, stored events = 2xx responses (nothing lost).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PIXEL_GIF } from "../src/http/tracking-routes.js";
import { startServer, stopServer } from "../test/track/server-process.js";
import { fmt, median, RUNS, report } from "./util.js";

const SECONDS = Number(process.env.BENCH_TRACK_SECONDS ?? 8);
const CONNECTIONS = 256;
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** nginx and wrk come from Debian's packages; installed here when missing. */
function ensureTools(): void {
  const need = [...(have("nginx") || have("/usr/sbin/nginx") ? [] : ["nginx-light"]), ...(have("wrk") ? [] : ["wrk"])];
  if (need.length === 0) return;
  console.log(`installing ${need.join(", ")} with apt-get…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...need], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

interface WrkResult {
  requests: number;
  non2xx: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

function ms(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

/** Runs wrk (1 thread, 256 connections) with unique impression ids; parses its summary. */
function wrk(url: string, dir: string): WrkResult {
  const script = join(dir, "ids.lua");
  writeFileSync(
    script,
    `local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/i.gif?c=Launch%20Q4&cr=Visual%20A&p=news-site&id=b" .. n)
end
`,
  );
  const out = execFileSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", "-H", `User-Agent: ${UA}`, "-s", script, url], { encoding: "utf8" });
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  return { requests, non2xx, rps, p50ms: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ""), p99ms: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? "") };
}

async function nginxRun(dir: string): Promise<WrkResult> {
  writeFileSync(join(dir, "i.gif"), PIXEL_GIF);
  const port = 18_500 + Math.floor(Math.random() * 1000);
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${dir};
    location = /i.gif {
      default_type image/gif;
      add_header Cache-Control "no-cache, no-store, must-revalidate, private, max-age=0";
      add_header Pragma no-cache;
      expires -1;
    }
  }
}
`,
  );
  const nginx = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  try {
    return wrk(`http://127.0.0.1:${port}`, dir);
  } finally {
    nginx.kill("SIGQUIT");
    await new Promise((r) => nginx.once("exit", r));
  }
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

async function cpiRun(dir: string, run: number): Promise<WrkResult & { stored: number; acknowledged: number }> {
  const db = join(dir, `track-${run}.duckdb`);
  const server = await startServer(db, "--ip-rate", "0", "--visitor-rate", "0");
  const result = wrk(server.url, dir);
  await stopServer(server);
  // Read after the drain: requests still in flight when wrk stopped are answered (or not) by then.
  const acknowledged = Number((/stopped: ([\d,]+) events recorded/.exec(server.stderr())?.[1] ?? "-1").replace(/,/g, ""));
  return { ...result, stored: await storedEvents(db), acknowledged };
}

export async function benchTrackServe(): Promise<void> {
  ensureTools();
  const dir = mkdtempSync(join(tmpdir(), "cpi-bench-track-"));
  const ours: number[] = [];
  const theirs: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  let lossless = true;
  try {
    for (let run = 0; run < RUNS; run++) {
      const n = await nginxRun(dir);
      const c = await cpiRun(dir, run);
      theirs.push(n.rps);
      ours.push(c.rps);
      p50.push(c.p50ms);
      p99.push(c.p99ms);
      const ok2xx = c.requests - c.non2xx;
      // wrk stops with up to 256 requests in flight: the server may have stored those without wrk
      // counting the answer. Every acknowledged event must be stored exactly once.
      const ok = c.stored === c.acknowledged && c.stored >= ok2xx && c.stored - ok2xx <= CONNECTIONS && c.non2xx === 0;
      lossless &&= ok;
      console.log(
        `  run ${run + 1}: nginx ${fmt(n.rps)} req/s (p99 ${n.p99ms.toFixed(2)} ms) · cpi ${fmt(c.rps)} events/s, p50 ${c.p50ms.toFixed(2)} ms, p99 ${c.p99ms.toFixed(2)} ms · 2xx ${fmt(ok2xx)}, acknowledged ${fmt(c.acknowledged)}, stored ${fmt(c.stored)}${ok ? "" : "  MISMATCH"}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const a = median(ours);
  const b = median(theirs);
  report(`cpi serve GET /i.gif, ${CONNECTIONS} conns (events/s)`, `${fmt(a)}/s`, `nginx ${fmt(b)}/s`, a / b, "≥ 0.5");
  console.log(`${"cpi serve latency".padEnd(44)} p50 ${median(p50).toFixed(2)} ms, p99 ${median(p99).toFixed(2)} ms   target p99 < 20 ms`);
  console.log(`${"stored events = acknowledged (2xx)".padEnd(44)} ${lossless ? "yes" : "NO"}`);
}
