// Benchmark: the tracked report (campaign × day: impressions, clicks, CPI, reach) over BENCH_TRACKED_EVENTS
// first-party events (default 20M and 100M, comma-separated) priced by 50 CPM contracts, in UTC and
// America/New_York, through cpi (counts from the rollup, reach exact from events) beside a hand-written
// exact query over raw events in the same run (15-minute buckets → local days, contracts joined on the
// buckets, exact distinct visitors by campaign × day and overall with GROUPING SETS). Target ≤ 1.3.
// Also: what the rollup costs — its build from stored events and its share of loading, per million
// events — and how many rows a reach sketch at the rollup's grain would keep. Reach estimates: the same
// report with `reach: "estimate"` (the 1/64 visitor sample) beside the same hand-written exact query,
// the estimate's error against exact reach, and the sample's rows against impressions.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { runReport } from "../src/app/report.js";
import { contractMatches } from "../src/app/track/tracked-report.js";
import type { MetricQuery } from "../src/domain/query.js";
import type { NewContract } from "../src/domain/tracking/contract.js";
import { rollupRows } from "../src/domain/tracking/rollup.js";
import { zoneSpans } from "../src/domain/tracking/zoned-time.js";
import { DuckDbStore } from "../src/store/duckdb/duckdb-store.js";
import { BUILD_EVENT_ROLLUP, BUILD_REACH_SAMPLE } from "../src/store/duckdb/migrations.js";
import { randomEvents } from "../test/clickhouse/random-events.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const DIR = join(import.meta.dirname, "data");
const SIZES = (process.env.BENCH_TRACKED_EVENTS ?? "20000000,100000000").split(",").map(Number);
const START_US = Date.UTC(2026, 8, 1) * 1000;
const SPAN_US = 90 * 86_400_000_000;

/** 50 CPM contracts: 25 campaigns × 2 placements, flights in New York days (edges inside UTC days). */
export function benchContracts(): NewContract[] {
  return Array.from({ length: 50 }, (_, i) => ({
    campaign: `Campaign ${i % 25}`,
    placement: `site-${Math.floor(i / 25)}`,
    pricing: "cpm" as const,
    amount: BigInt(2_000_000 + i * 137_000),
    currency: "USD",
    from: i < 25 ? "2026-09-03" : "2026-09-20",
    to: i < 25 ? "2026-10-10" : "2026-11-25",
    timezone: "America/New_York",
  }));
}

/** The bench store of N events (made once, kept in bench/data) and how long its rollup took to build (null when it was there). */
async function ensureStore(N: number): Promise<{ db: string; rollupMs: number | null }> {
  // v2: visitor keys spread over the 64-bit range as the server's HMAC keys are (the sample's bits are uniform).
  const db = join(DIR, `tracked-v2-${N}.duckdb`);
  if (existsSync(db)) return { db, rollupMs: null };
  mkdirSync(DIR, { recursive: true });
  const store = await DuckDbStore.open(db);
  for (const c of benchContracts()) await store.addContract(c);
  await store.close();
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  // Events in time order over 90 days; 7 in 10 impressions, 2 viewable, 1 click; 2M visitors.
  await conn.run(`INSERT INTO events SELECT
      make_timestamp(CAST(${START_US} + i * ${Math.floor(SPAN_US / N)} AS BIGINT)),
      CASE WHEN i % 10 < 7 THEN 'impression' WHEN i % 10 < 9 THEN 'viewable' ELSE 'click' END,
      'imp-' || (i // 10), 'Campaign ' || ((i * 7) % 30), 'Ad ' || (i % 5), 'site-' || ((i // 3) % 3),
      CAST(CAST(hash((i * 2654435761) % 2000000) AS HUGEINT) - 9223372036854775808 AS BIGINT), 'US', 'desktop', true, 'io-v2'
    FROM range(${N}) t(i)`);
  // The rollup as migration 5 builds it from stored events (loading builds it batch by batch instead).
  const t0 = performance.now();
  await conn.run(BUILD_EVENT_ROLLUP);
  const rollupMs = performance.now() - t0;
  const t1 = performance.now();
  await conn.run(BUILD_REACH_SAMPLE);
  console.log(`visitor sample built from ${fmt(N)} stored events in ${fmt(performance.now() - t1)} ms`);
  await conn.run("CHECKPOINT");
  conn.closeSync();
  inst.closeSync();
  return { db, rollupMs };
}

/** The hand-written exact query: the same figures (cost in micros per campaign × day), reach included. */
function handQuery(contracts: ReturnType<typeof contractMatches>, amounts: Map<number, bigint>, tz: string): string[] {
  // Local days by the zone's offsets over the data's 90 days (one shift per span, exact; no timezone() per row).
  const spans = zoneSpans(tz, START_US / 1000, START_US / 1000 + SPAN_US / 1000);
  const shift = (col: string) => `CASE ${spans.map((s) => `WHEN ${col} < make_timestamp(${s.end * 1000}) THEN ${s.offsetMs / 1000}`).join(" ")} ELSE ${(spans[spans.length - 1]?.offsetMs ?? 0) / 1000} END`;
  const day = (col: string) => (tz === "UTC" ? `CAST(${col} AS DATE)` : `CAST(${col} + to_seconds(${shift(col)}) AS DATE)`);
  const values = contracts.map((c) => `('${c.campaign}', '${c.placement}', make_timestamp(${c.start * 1000}), make_timestamp(${c.end * 1000}), ${amounts.get(c.id)})`).join(", ");
  const sums = `WITH b AS (
      SELECT campaign, placement, time_bucket(INTERVAL 15 MINUTE, ts) AS q,
        count(*) FILTER (WHERE type = 'impression') AS imp, count(*) FILTER (WHERE type = 'click') AS clk
      FROM events GROUP BY ALL),
    k(campaign, placement, s, e, cpm) AS (VALUES ${values})
    SELECT b.campaign, ${day("b.q")} AS day, SUM(imp) AS impressions, SUM(clk) AS clicks, SUM(imp * coalesce(k.cpm, 0)) // 1000 AS cost
    FROM b LEFT JOIN k ON k.campaign = b.campaign AND (k.placement = '' OR k.placement = b.placement) AND b.q >= k.s AND b.q < k.e
    GROUP BY ALL`;
  const reach = `SELECT campaign, ${day("ts")} AS day, COUNT(DISTINCT visitor) AS reach FROM events WHERE type = 'impression' GROUP BY GROUPING SETS ((campaign, day), ())`;
  return [sums, reach];
}

async function benchSize(N: number): Promise<void> {
  const { db, rollupMs } = await ensureStore(N);
  const store = await DuckDbStore.open(db);
  const stored = await store.contracts();
  const contracts = contractMatches(stored);
  const amounts = new Map(stored.map((c) => [c.id, c.amount]));
  if (rollupMs !== null) console.log(`rollup built from ${fmt(N)} stored events in ${fmt(rollupMs)} ms (${fmt(rollupMs / (N / 1e6))} ms per million)`);
  const [size] = await store.query(
    "SELECT (SELECT COUNT(*) FROM event_rollup) AS rollup, (SELECT COUNT(*) FROM reach_sample) AS sample, (SELECT COUNT(*) FROM events WHERE type = 'impression') AS impressions",
  );
  console.log(`rollup rows: ${fmt(Number(size?.rollup))} for ${fmt(N)} events`);
  const impressions = Number(size?.impressions);
  console.log(`visitor sample rows: ${fmt(Number(size?.sample))} for ${fmt(impressions)} impressions (1 in ${fmt(impressions / Number(size?.sample))})`);
  for (const timezone of ["UTC", "America/New_York"]) {
    const query: MetricQuery = { metrics: ["impressions", "clicks", "cpi", "reach"], dimensions: ["campaign", "day"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }], timezone };
    const sqls = handQuery(contracts, amounts, timezone);
    const cpi: number[] = [];
    const counts: number[] = [];
    const hand: number[] = [];
    const estimated: number[] = [];
    let estimate: Awaited<ReturnType<typeof runReport>> | null = null;
    let rows = 0;
    let exactReach = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = await timed(() => runReport(store, query));
      rows = t.value.rows.length;
      cpi.push(t.ms);
      // The same report without reach: what the rollup answers alone.
      counts.push((await timed(() => runReport(store, { ...query, metrics: ["impressions", "clicks", "cpi"] }))).ms);
      // The same report with reach estimated from the visitor sample.
      const e = await timed(() => runReport(store, query, { reach: "estimate" }));
      estimated.push(e.ms);
      estimate = e.value;
      const h = await timed(async () => {
        const out = [];
        for (const sql of sqls) out.push(await store.query(sql));
        return out;
      });
      hand.push(h.ms);
      // The two give the same figures: rows, impressions and overall reach.
      const [sums = [], reach = []] = h.value;
      const handImpressions = sums.reduce((n, r) => n + Number(r.impressions), 0);
      const handReach = Number(reach.find((r) => r.campaign === null)?.reach);
      exactReach = handReach;
      const total = t.value.total?.values;
      if (sums.length !== rows || handImpressions !== total?.impressions || handReach !== total?.reach) {
        throw new Error(`hand-written query disagrees: ${sums.length} rows, ${handImpressions} impressions, reach ${handReach} vs ${rows}, ${total?.impressions}, ${total?.reach}`);
      }
    }
    const a = median(cpi);
    const b = median(hand);
    report(`tracked report ${fmt(N)} events, ${timezone}, campaign × day with reach (ms)`, `${fmt(a)} ms`, `hand-written exact ${fmt(b)} ms`, a / b, `≤ 1.3 (${fmt(rows)} rows)`);
    report(`  the same without reach (rollup only) (ms)`, `${fmt(median(counts))} ms`, `hand-written exact ${fmt(b)} ms`, median(counts) / b, "seconds at 1B events");
    const est = median(estimated);
    report(`  the same with --reach estimate (rollup + visitor sample) (ms)`, `${fmt(est)} ms`, `hand-written exact ${fmt(b)} ms`, est / b, "seconds at 1B events");
    // What exact reach costs per million impressions (the report with reach less the one without): picks --exact-reach-max.
    console.log(`  exact reach costs ${fmt((a - median(counts)) / (impressions / 1e6))} ms per million impressions here`);
    if (estimate) {
      // How far the estimate is from exact reach (the hand query's), against its stated error.
      const exactTotal = exactReach;
      const total = estimate.total;
      const off = (Number(total?.values.reach) - exactTotal) / exactTotal;
      console.log(`  estimated total reach ${fmt(Number(total?.values.reach))} vs exact ${fmt(exactTotal)}: ${(100 * off).toFixed(2)} % off, stated ±${(100 * (total?.reachRse ?? 0)).toFixed(2)} % (1 s.e.); median row error stated ±${(100 * median(estimate.rows.flatMap((r) => (r.reachRse == null ? [] : [r.reachRse])))).toFixed(1)} % (rows with reach)`);
    }
  }
  if (N === Math.min(...SIZES)) {
    // A reach sketch at the rollup's grain: HyperLogLog registers (the visitor key's low bits) per bucket × campaign × placement × creative.
    for (const p of [8, 12]) {
      const [r] = await store.query(`SELECT COUNT(*) AS n FROM (SELECT DISTINCT time_bucket(INTERVAL 15 MINUTE, ts), campaign, placement, creative, visitor & ${2 ** p - 1} FROM events WHERE type = 'impression')`);
      console.log(`a reach sketch of 2^${p} registers per rollup row would keep ${fmt(Number(r?.n))} register rows for ${fmt(Number(size?.impressions))} impressions (${((100 * Number(r?.n)) / Number(size?.impressions)).toFixed(0)} %)`);
    }
  }
  await store.close();
}

/** What the rollup adds to loading: rollup rows counted and appended, against the whole load, per million events. */
async function benchLoadOverhead(): Promise<void> {
  const events = randomEvents({ seed: 24, events: 1_000_000, start: "2026-10-01", days: 30, invalidShare: 0 });
  const whole: number[] = [];
  const rollup: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const store = await DuckDbStore.open(":memory:");
    whole.push(
      (
        await timed(async () => {
          for (let off = 0, i = 0; off < events.length; off += 10_000, i++) await store.appendTrackedEvents({ logId: "b", from: i, to: i + 1, events: events.slice(off, off + 10_000) });
        })
      ).ms,
    );
    // The rollup's own part of that load: counting each batch's rows (appending them is a few hundred rows a batch).
    rollup.push(
      (
        await timed(async () => {
          for (let off = 0; off < events.length; off += 10_000) rollupRows(events.slice(off, off + 10_000));
        })
      ).ms,
    );
    await store.close();
  }
  report("rollup counting per million loaded events (ms)", `${fmt(median(rollup))} ms`, `whole load ${fmt(median(whole))} ms`, median(rollup) / median(whole), "a small share");
}

export async function benchTracked(): Promise<void> {
  await benchLoadOverhead();
  for (const n of SIZES) await benchSize(n);
  await (await import("./tracked-clickhouse.js")).benchTrackedClickHouse();
}
