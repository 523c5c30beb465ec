// Benchmark: `cpi report --by campaign,day` over N spend rows (default 10 million; 300 campaigns × 365
// days = 109,500 rows out), each figure beside its hand-written baseline measured in the same run
// (runs alternate): the whole process printing a table and CSV (baseline: bench/report-baseline.mjs,
// the same SQL by a plain Node process, CSV out), the report in process (MetricQuery → SQL → sums →
// metrics; baseline: the hand-written SQL on the same connection), and startup (`cpi --version`,
// `--help`, `calc` beside `node -e 0`). On DuckDB, on one ClickHouse 18.16 server (started as the
// clickhouse benches start it) holding the same rows, and in process only on ClickHouse 26 (chdb,
// which no cpi process can reach). Each figure names the load average before and after its runs.
// Targets: report ≤ 1.3, startup ≤ 3.
// Sizes: BENCH_REPORT_ROWS (both engines), BENCH_REPORT_CH_ROWS (ClickHouse only).
// Parts: BENCH_REPORT_PARTS, a comma-separated subset of startup,duckdb,clickhouse,chdb (default all).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { runReport } from "../src/app/report.js";
import type { MetricQuery } from "../src/domain/query.js";
import { ClickHouseStore } from "../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../src/store/clickhouse/init-schema.js";
import { type ClickHouseTarget, parseClickHouseUrl } from "../src/store/clickhouse/store-url.js";
import { DuckDbStore } from "../src/store/duckdb/duckdb-store.js";
import type { Store } from "../src/store/store.js";
import { chdbSkipReason, chdbTarget } from "../test/clickhouse/chdb.js";
import { skipReason, startClickHouse } from "../test/clickhouse/harness.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const ROOT = join(import.meta.dirname, "..");
const DIR = join(import.meta.dirname, "data");
const N = Number(process.env.BENCH_REPORT_ROWS ?? 10_000_000);
const CH_N = Number(process.env.BENCH_REPORT_CH_ROWS ?? N);
const CPI = join(ROOT, "bin/cpi.js");
const BASELINE = join(import.meta.dirname, "report-baseline.mjs");

/** Row i of the data set, as SQL over `i` (both engines): campaign i % 300, day (i / 300) % 365. */
const rowSql = (cast: (e: string, t: string) => string, concat: (a: string, b: string) => string, intDiv: string) => {
  const day = `DATE '2025-01-01' + ${cast(`(${intDiv}) % 365`, "INTEGER")}`;
  return [
    day,
    day,
    concat("'source-'", cast("i % 4", "VARCHAR")),
    concat("'acct-'", cast("i % 9", "VARCHAR")),
    "''",
    "'UTC'",
    "'USD'",
    concat("'c'", cast("i % 300", "VARCHAR")),
    concat("'Campaign '", cast("i % 300", "VARCHAR")),
    concat("'g'", cast("i % 17", "VARCHAR")),
    concat("'Group '", cast("i % 17", "VARCHAR")),
    concat("'a'", cast("i % 41", "VARCHAR")),
    concat("'Ad '", cast("i % 41", "VARCHAR")),
    concat("'site-'", cast("i % 23", "VARCHAR")),
    "''",
    "''",
    "''",
    "''",
    cast("(i * 7919) % 900000000", "BIGINT"),
    cast("(i * 31) % 50000", "BIGINT"),
    cast("(i * 17) % 700", "BIGINT"),
    cast("(i * 13) % 20", "DOUBLE"),
    cast("(i * 104729) % 2000000000", "BIGINT"),
    "0",
    "0",
  ];
};

export async function duckdbFile(): Promise<string> {
  const db = join(DIR, `report-v2-${N}.duckdb`);
  if (existsSync(db)) return db;
  mkdirSync(DIR, { recursive: true });
  const store = await DuckDbStore.open(db);
  await store.close();
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const cols = rowSql(
    (e, t) => `CAST(${e} AS ${t})`,
    (a, b) => `${a} || ${b}`,
    "i // 300",
  );
  await conn.run(`INSERT INTO spend SELECT ${cols.join(", ")}, 1 FROM range(${N}) t(i)`);
  await conn.run("CHECKPOINT");
  conn.closeSync();
  inst.closeSync();
  return db;
}

/** Inserts the bench's rows into a fresh ClickHouse store (one committed segment), 1M rows a statement. */
export async function loadClickHouse(target: ClickHouseTarget): Promise<void> {
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  const conn = new ClickHouseConnection(target);
  try {
    const types: Record<string, string> = { INTEGER: "Int32", VARCHAR: "String", BIGINT: "Int64", DOUBLE: "Float64" };
    const cols = rowSql(
      (e, t) => `CAST(${e} AS ${types[t]})`,
      (a, b) => `concat(${a}, ${b})`,
      "intDiv(i, 300)",
    ).map((c) => c.replace("DATE '2025-01-01'", "toDate('2025-01-01')"));
    const per = 1_000_000;
    for (let off = 0; off < CH_N; off += per) {
      const n = Math.min(per, CH_N - off);
      await conn.command(`INSERT INTO spend_rows SELECT ${cols.join(", ")}, 1, 1 FROM (SELECT number + ${off} AS i FROM numbers(${n}))`);
    }
    await conn.command("INSERT INTO segment_log (segment, delta, import_id) VALUES (1, 1, 1)");
    await conn.command("OPTIMIZE TABLE spend_rows FINAL");
  } finally {
    await conn.close();
  }
}

// GNU time, when installed, gives each process's CPU time (user + system): steadier than wall time
// on a shared machine, where a process waits for a core.
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const CPU_FILE = join(tmpdir(), `cpi-bench-cpu-${process.pid}.txt`);

/**
 * Wall time of a whole process, in ms, its stdout's length, and with `cpu` its CPU time (null
 * without GNU time; startup figures go without, GNU time's own start would be part of their wall time).
 */
function processMs(args: string[], cpu = false): { ms: number; cpuMs: number | null; bytes: number } {
  const timeCpu = cpu && GNU_TIME !== null;
  const [file, argv] = timeCpu && GNU_TIME ? [GNU_TIME, ["-o", CPU_FILE, "-f", "%U %S", process.execPath, ...args]] : [process.execPath, args];
  const t0 = performance.now();
  const out = execFileSync(file, argv, { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, CPI_DB: "" } });
  const ms = performance.now() - t0;
  if (!timeCpu) return { ms, cpuMs: null, bytes: out.length };
  const [user = 0, system = 0] = readFileSync(CPU_FILE, "utf8").trim().split(/\s+/).map(Number);
  rmSync(CPU_FILE, { force: true });
  return { ms, cpuMs: (user + system) * 1000, bytes: out.length };
}

const QUERY: MetricQuery = { metrics: ["cost", "impressions", "clicks", "cpi", "cpm", "ctr"], dimensions: ["campaign", "day"], filters: [] };
const HAND_SQL: Record<Store["dialect"]["name"], string> = {
  duckdb: "SELECT campaign, date_start, SUM(cost_micros) AS cost, SUM(impressions) AS impressions, SUM(clicks) AS clicks FROM spend GROUP BY campaign, date_start ORDER BY campaign, date_start",
  clickhouse:
    "SELECT campaign, date_start, toString(sum(toDecimal128(cost_micros, 0))) AS cost, sum(impressions) AS impressions, sum(clicks) AS clicks FROM spend GROUP BY campaign, date_start ORDER BY campaign, date_start",
};

const load = () => `load ${loadavg()[0]?.toFixed(1)}`;

/** The whole process (table, CSV) beside the hand-written baseline process, runs alternating. */
function benchProcesses(engine: "duckdb" | "clickhouse", storeArgs: string[], baselineTarget: string, rows: number): void {
  const cli = [CPI, "report", "--by", "campaign,day", ...storeArgs];
  const t = { table: [] as number[], csv: [] as number[], base: [] as number[] };
  const cpu = { table: [] as number[], csv: [] as number[], base: [] as number[] };
  let tableBytes = 0;
  processMs(cli); // warm the page cache
  const before = load();
  const run = (what: keyof typeof t, args: string[]) => {
    const r = processMs(args, true);
    t[what].push(r.ms);
    if (r.cpuMs !== null) cpu[what].push(r.cpuMs);
    return r;
  };
  for (let i = 0; i < RUNS; i++) {
    tableBytes = run("table", cli).bytes;
    run("csv", [...cli, "--format", "csv"]);
    run("base", [BASELINE, engine, baselineTarget]);
  }
  const base = median(t.base);
  const what = `${engine}: report ${fmt(rows)} rows by campaign × day`;
  const loads = `${before} → ${load()}`;
  // CPU time of the same runs (user + system, medians), beside the wall time's ratio.
  const cpuNote = (k: "table" | "csv") => (cpu[k].length ? `; CPU ${fmt(median(cpu[k]))} ms vs ${fmt(median(cpu.base))} ms = ${(median(cpu[k]) / median(cpu.base)).toFixed(2)}` : "");
  report(`${what}, table, whole process`, `${fmt(median(t.table))} ms`, `hand-written ${fmt(base)} ms`, median(t.table) / base, `≤ 1.3 (${fmt(tableBytes / 1024)} KiB; ${loads}${cpuNote("table")})`);
  report(`${what}, CSV, whole process`, `${fmt(median(t.csv))} ms`, `hand-written ${fmt(base)} ms`, median(t.csv) / base, `≤ 1.3${cpuNote("csv")}`);
}

/** The report in process (MetricQuery → SQL → sums → metrics) beside the hand-written SQL on the same connection. */
async function benchInProcess(engine: string, dialect: Store["dialect"]["name"], open: () => Promise<Store>, rows: number): Promise<void> {
  const t = { sql: [] as number[], handSql: [] as number[] };
  let groups = 0;
  const store = await open();
  const before = load();
  try {
    await runReport(store, QUERY, { sums: "metrics" });
    for (let run = 0; run < RUNS; run++) {
      const r = await timed(() => runReport(store, QUERY, { sums: "metrics" }));
      groups = r.value.rows.length;
      t.sql.push(r.ms);
      t.handSql.push((await timed(() => store.query(HAND_SQL[dialect]))).ms);
    }
  } finally {
    await store.close();
  }
  const what = `${engine}: report ${fmt(rows)} rows by campaign × day`;
  report(`${what}, in process (SQL + sums + metrics)`, `${fmt(median(t.sql))} ms`, `hand SQL ${fmt(median(t.handSql))} ms`, median(t.sql) / median(t.handSql), `≤ 1.3 (${fmt(groups)} rows; ${before} → ${load()})`);
}

/** `cpi --version`, `--help` and `calc` beside `node -e 0`, runs interleaved. */
function benchStartup(): void {
  const cases: Record<string, string[]> = {
    "node -e 0": ["-e", "0"],
    "cpi --version": [CPI, "--version"],
    "cpi --help": [CPI, "--help"],
    "cpi calc": [CPI, "calc", "--cost", "5000", "--impressions", "500000"],
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let run = 0; run < Math.max(RUNS, 9); run++) for (const [name, args] of Object.entries(cases)) ms[name]?.push(processMs(args).ms);
  const node = median(ms["node -e 0"] as number[]);
  for (const name of ["cpi --version", "cpi --help", "cpi calc"]) {
    const m = median(ms[name] as number[]);
    report(`startup: ${name}`, `${fmt(m)} ms`, `node -e 0 ${fmt(node)} ms`, m / node, "≤ 3");
  }
}

const PARTS = new Set((process.env.BENCH_REPORT_PARTS ?? "startup,duckdb,clickhouse,chdb").split(",").map((p) => p.trim()));

export async function benchReport10m(): Promise<void> {
  if (PARTS.has("startup")) benchStartup();
  if (PARTS.has("duckdb")) {
    const db = await duckdbFile();
    benchProcesses("duckdb", ["--db", db], db, N);
    await benchInProcess("duckdb", "duckdb", () => DuckDbStore.open(db), N);
  }
  if (PARTS.has("clickhouse")) await benchClickHouseServer();
  if (PARTS.has("chdb")) await benchChdb();
}

async function benchClickHouseServer(): Promise<void> {
  const why = skipReason();
  if (why) {
    console.log(`clickhouse report: skipped (${why})`);
    return;
  }
  const cluster = await startClickHouse(1);
  try {
    const server = cluster.servers[0] as (typeof cluster.servers)[number];
    const url = server.url(`bench_report_${process.pid}`);
    await loadClickHouse(parseClickHouseUrl(url));
    benchProcesses("clickhouse", ["--store", url], url.replace(/^clickhouse:/, "http:"), CH_N);
    await benchInProcess("clickhouse 18.16", "clickhouse", () => ClickHouseStore.open(url), CH_N);
  } finally {
    await cluster.stop();
  }
}

/** ClickHouse 26 runs in this process only (chdb): a cpi process cannot reach it, so in process only. */
async function benchChdb(): Promise<void> {
  const why = chdbSkipReason();
  if (why) {
    console.log(`clickhouse 26 report: skipped (${why})`);
    return;
  }
  const target = chdbTarget(`bench_report_${process.pid}`);
  await loadClickHouse(target);
  await benchInProcess("clickhouse 26 (chdb)", "clickhouse", () => ClickHouseStore.openTarget(target), CH_N);
}
