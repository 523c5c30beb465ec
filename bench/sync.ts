// Benchmark (issue 18): `cpi sync` of 1,000 ads × 90 days through the fake Google Ads, Meta and Microsoft APIs
// (run in their own process), beside parsing the same response bodies without HTTP: the same
// connector code reading the bodies a recorded run received, handed back without a socket. Target
// ratio ≥ 0.5 (HTTP, paging and polling cost at most as much as reading the answers). Also the whole
// sync into a fresh DuckDB store beside storing the same rows directly, and the peak memory.
import { fork } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { memoryConnectionFiles } from "../dist/app/connect/connection-files.js";
// The built code (npm run bench builds first), as `cpi sync` runs it.
import { type Connection, serializeConnections } from "../dist/app/connect/connections.js";
import { openSession } from "../dist/app/sync/open-session.js";
import { syncConnections } from "../dist/app/sync/sync.js";
import { DuckDbStore } from "../dist/store/duckdb/duckdb-store.js";
import { DATA_DIR } from "./platform-exports.js";
import { BENCH_SECRETS } from "./sync-fakes.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

interface Urls {
  google: { apiUrl: string; tokenUrl: string };
  meta: { apiUrl: string };
  microsoft: { apiUrl: string; tokenUrl: string };
}

function startFakes(): Promise<{ urls: Urls; stop(): void }> {
  const child = fork(join(import.meta.dirname, "sync-fakes.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (urls) => resolve({ urls: urls as Urls, stop: () => child.disconnect() }));
    child.once("exit", (code) => reject(new Error(`the fake APIs exited with ${code}`)));
  });
}

function connections(urls: Urls): Connection[] {
  const added = new Date().toISOString();
  return [
    {
      name: "google",
      platform: "google-ads",
      accounts: ["1234567890"],
      settings: { client_id: "bench", api_url: urls.google.apiUrl, token_url: urls.google.tokenUrl },
      secrets: { client_secret: { value: BENCH_SECRETS.clientSecret }, refresh_token: { value: BENCH_SECRETS.refreshToken } },
      added,
    },
    { name: "meta", platform: "meta", accounts: ["1020304050"], settings: { api_url: urls.meta.apiUrl }, secrets: { access_token: { value: BENCH_SECRETS.metaToken } }, added },
    {
      name: "microsoft",
      platform: "microsoft",
      accounts: ["180535609"],
      settings: { client_id: "bench", api_url: urls.microsoft.apiUrl, customer_api_url: urls.microsoft.apiUrl, token_url: urls.microsoft.tokenUrl },
      secrets: { client_secret: { value: BENCH_SECRETS.clientSecret }, refresh_token: { value: BENCH_SECRETS.refreshToken }, developer_token: { value: BENCH_SECRETS.developerToken } },
      added,
    },
  ];
}

const TIMING = { retryBaseMs: 0, pollMs: 0, pauseMs: 0 };
const LABELS: Record<string, string> = { google: "Google Ads", meta: "Meta", microsoft: "Microsoft Advertising" };

/** One connection's pull (account, then its rows) through `fetch`. */
async function pulled(c: Connection, doFetch: typeof fetch) {
  const { session } = openSession(c, { deadlineMs: 600_000, env: {}, timing: TIMING, fetch: doFetch });
  const account = await session.account(c.accounts[0] as string);
  const to = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  return session.pull(account, { from, to });
}

/** Rows pulled. */
async function pull(c: Connection, doFetch: typeof fetch): Promise<number> {
  return (await pulled(c, doFetch)).rows.length;
}

/** An answer as recorded: bytes, as a ZIP download is binary. */
type Recorded = { status: number; headers: [string, string][]; body: Uint8Array };

/** A fetch that records every answer's status, headers and body, in order. */
function recording(into: Recorded[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const body = new Uint8Array(await res.arrayBuffer());
    into.push({ status: res.status, headers: [...res.headers], body });
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

/** A fetch that hands back recorded answers in order, without a socket. */
function replaying(from: Recorded[]): typeof fetch {
  let i = 0;
  return async () => {
    const r = from[i++];
    if (!r) throw new Error("the replay ran out of recorded answers");
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
}

export async function benchSync(): Promise<void> {
  const fakes = await startFakes();
  try {
    const list = connections(fakes.urls);
    for (const c of list) await pull(c, fetch); // warm-up: the fake serializes each answer once
    const http: Record<string, number[]> = { google: [], meta: [], microsoft: [] };
    let rows: Record<string, number> = {};
    for (let run = 0; run < RUNS; run++) {
      for (const c of list) {
        const t = await timed(() => pull(c, fetch));
        http[c.name]?.push(t.ms);
        rows = { ...rows, [c.name]: t.value };
      }
    }
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const parse: Record<string, number[]> = { google: [], meta: [], microsoft: [] };
    let bytes = 0;
    for (const c of list) {
      const recorded: Recorded[] = [];
      await pull(c, recording(recorded));
      bytes += recorded.reduce((s, r) => s + r.body.length, 0);
      for (let run = 0; run < RUNS; run++) parse[c.name]?.push((await timed(() => pull(c, replaying(recorded)))).ms);
    }
    for (const c of list) {
      const a = median(http[c.name] ?? []);
      const b = median(parse[c.name] ?? []);
      report(`sync ${LABELS[c.name] ?? c.name} 1,000 ads × 90 days (rows/s)`, fmt(((rows[c.name] ?? 0) * 1000) / a), `parse only ${fmt(((rows[c.name] ?? 0) * 1000) / b)}`, b / a, "≥ 0.5");
      console.log(`  ${fmt(rows[c.name] ?? 0)} rows; through HTTP ${(a / 1000).toFixed(2)} s, parsing the same bodies ${(b / 1000).toFixed(2)} s (medians of ${RUNS})`);
    }

    // The whole sync into a fresh store, beside storing the same rows directly.
    mkdirSync(DATA_DIR, { recursive: true }); // a fresh checkout has no bench/data yet
    const db = join(DATA_DIR, "sync-bench.duckdb");
    const fresh = () => {
      rmSync(db, { force: true });
      rmSync(`${db}.wal`, { force: true });
    };
    const same = await Promise.all(list.map((c) => pulled(c, fetch)));
    const whole: number[] = [];
    const direct: number[] = [];
    let total = 0;
    for (let run = 0; run < RUNS; run++) {
      fresh();
      const store = await DuckDbStore.open(db);
      const files = memoryConnectionFiles(serializeConnections(list));
      const t = await timed(async () => {
        const out = await syncConnections(store, files, { deadlineMs: 600_000, env: {}, timing: TIMING, since: { days: 90 } });
        await store.close();
        return out;
      });
      if (t.value.some((a: { error: string | null }) => a.error)) throw new Error(JSON.stringify(t.value));
      total = t.value.reduce((s: number, a: { rows: number }) => s + a.rows, 0);
      whole.push(t.ms);
      fresh();
      const s2 = await DuckDbStore.open(db);
      const d = await timed(async () => {
        for (const p of same) await s2.importSpend([{ file: "direct", contentHash: "x", format: "bench", rows: p.rows, reach: p.reach }]);
        await s2.close();
      });
      direct.push(d.ms);
    }
    fresh();
    const w = median(whole);
    const d = median(direct);
    report(`sync both into DuckDB, ${fmt(total)} rows (rows/s)`, fmt((total * 1000) / w), `importSpend ${fmt((total * 1000) / d)}`, d / w, "(context)");
    console.log(`  peak memory (max RSS of this process) ${peakMb.toFixed(0)} MB during the pulls; answers received per run ${(bytes / 1e6).toFixed(0)} MB`);
  } finally {
    fakes.stop();
  }
}
