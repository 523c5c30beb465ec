// Benchmark: a campaign × day report (impressions, clicks, cost, CPI, CPM, reach) over N first-party
// events, and a campaign × day CPI report over M spend rows, on DuckDB, one ClickHouse server and a
// two-shard cluster, with load times. ClickHouse servers are started by the test harness on this
// machine (both shards share its cores: the cluster figures show the overhead of distribution, not
// its speed-up). DuckDB is the baseline measured in the same run. Sizes: BENCH_CH_EVENTS, BENCH_CH_SPEND.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runReport } from "../src/app/report.js";
import type { MetricQuery } from "../src/domain/query.js";
import { DuckDbStore } from "../src/store/duckdb/duckdb-store.js";
import type { Store } from "../src/store/store.js";
import { randomSpendRows } from "../src/test-support/random-spend.js";
import { skipReason, startClickHouse } from "../test/clickhouse/harness.js";
import { randomEvents } from "../test/clickhouse/random-events.js";
import { clusterStore, singleStore } from "../test/clickhouse/stores.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const EVENTS = Number(process.env.BENCH_CH_EVENTS ?? 5_000_000);
const SPEND = Number(process.env.BENCH_CH_SPEND ?? 2_000_000);
const BATCH = 500_000;
const CAMPAIGNS = 50;

async function loadEvents(store: Store): Promise<number> {
  let ms = 0;
  for (let off = 0, b = 0; off < EVENTS; off += BATCH, b++) {
    const events = randomEvents({ seed: 1000 + b, events: Math.min(BATCH, EVENTS - off), days: 30, visitors: 2_000_000, campaigns: CAMPAIGNS, invalidShare: 0.02 });
    ms += (await timed(() => store.appendTrackedEvents({ logId: "bench", from: off, to: off + events.length, events }))).ms;
  }
  for (let c = 0; c < CAMPAIGNS; c++) {
    await store.addContract({ campaign: `Direct ${c}`, placement: "", pricing: "cpm", amount: 4_000_000n + BigInt(c) * 10_000n, currency: "USD", from: "2026-09-01", to: "2026-11-30", timezone: "UTC" });
  }
  return ms;
}

async function loadSpend(store: Store): Promise<number> {
  let ms = 0;
  const per = 500_000;
  for (let off = 0, b = 0; off < SPEND; off += per, b++) {
    // Each file its own account: imports add up instead of replacing each other.
    const rows = randomSpendRows({ seed: 77 + b, rows: Math.min(per, SPEND - off), days: 365, start: "2025-01-01", campaigns: 300 }).map((r) => ({ ...r, account_id: `acct-${b}` }));
    ms += (await timed(() => store.importSpend([{ file: `bench-${b}`, contentHash: "", format: "bench", rows, reach: [] }]))).ms;
  }
  return ms;
}

const EVENT_QUERY: MetricQuery = {
  metrics: ["impressions", "clicks", "cost", "cpi", "cpm", "ctr", "reach"],
  dimensions: ["campaign", "day"],
  filters: [{ dimension: "source", op: "eq", values: ["tracked"] }],
  timezone: "America/New_York",
};
const SPEND_QUERY: MetricQuery = { metrics: ["cost", "impressions", "clicks", "cpi", "cpm", "ctr"], dimensions: ["campaign", "day"], filters: [{ dimension: "currency", op: "eq", values: ["USD"] }] };

async function queryMs(store: Store, q: MetricQuery): Promise<{ ms: number; rows: number }> {
  await runReport(store, q); // warm-up
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = await timed(() => runReport(store, q));
    ms.push(t.ms);
    rows = t.value.rows.length;
  }
  return { ms: median(ms), rows };
}

export async function benchClickHouse(): Promise<void> {
  const why = skipReason();
  if (why) {
    console.log(`clickhouse: skipped (${why})`);
    return;
  }
  const cluster = await startClickHouse(2);
  // DuckDB in a file, as cpi keeps it (an in-memory store of 100 M events would take much of RAM).
  const dir = mkdtempSync(join(tmpdir(), "cpi-bench-ch-"));
  try {
    const stores: { name: string; store: Store }[] = [
      { name: "duckdb", store: await DuckDbStore.open(join(dir, "bench.duckdb")) },
      { name: "clickhouse", store: await singleStore(cluster, "bench") },
      { name: "cluster-2", store: await clusterStore(cluster, "bench") },
    ];
    const results: Record<string, { loadEvents: number; loadSpend: number; events: number; spend: number; eventRows: number; spendRows: number }> = {};
    for (const { name, store } of stores) {
      const le = await loadEvents(store);
      const ls = await loadSpend(store);
      const e = await queryMs(store, EVENT_QUERY);
      const s = await queryMs(store, SPEND_QUERY);
      results[name] = { loadEvents: le, loadSpend: ls, events: e.ms, spend: s.ms, eventRows: e.rows, spendRows: s.rows };
      await store.close();
    }
    const base = results.duckdb as NonNullable<(typeof results)["duckdb"]>;
    for (const name of ["clickhouse", "cluster-2"]) {
      const r = results[name] as typeof base;
      const rate = (n: number, ms: number) => `${fmt((n / ms) * 1000)}/s`;
      report(`${name}: load ${fmt(EVENTS)} events`, rate(EVENTS, r.loadEvents), `duckdb ${rate(EVENTS, base.loadEvents)}`, base.loadEvents / r.loadEvents, "speed vs DuckDB");
      report(`${name}: import ${fmt(SPEND)} spend rows`, rate(SPEND, r.loadSpend), `duckdb ${rate(SPEND, base.loadSpend)}`, base.loadSpend / r.loadSpend, "speed vs DuckDB");
      report(`${name}: tracked campaign × day + reach (ms)`, `${fmt(r.events)} ms`, `duckdb ${fmt(base.events)} ms`, base.events / r.events, `speed vs DuckDB (${fmt(r.eventRows)} rows)`);
      report(`${name}: spend campaign × day CPI (ms)`, `${fmt(r.spend)} ms`, `duckdb ${fmt(base.spend)} ms`, base.spend / r.spend, `speed vs DuckDB (${fmt(r.spendRows)} rows)`);
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
