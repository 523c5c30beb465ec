// Benchmark: the tracked report of bench/tracked.ts (campaign × day: impressions, clicks, CPI, reach;
// 50 CPM contracts; UTC and America/New_York) on ClickHouse 18.16 (one server started by the test
// harness) over BENCH_TRACKED_CH_EVENTS events (default 20M), through cpi (counts from the rollup,
// reach exact from events, or estimated from the visitor sample) beside a hand-written exact query over
// raw events in the same run: events summed per campaign × placement × 15-minute bucket, contracts
// joined on the buckets, local days per bucket, exact distinct visitors per campaign × local day with
// the overall total (WITH TOTALS: one scan). Target ≤ 1.3. Also: a serve-like rollup (one load per
// 15 minutes of events, about what cpi serve writes) before and after a compaction, and the report on it.
import { createClient } from "@clickhouse/client";
import { runReport } from "../src/app/report.js";
import { contractMatches } from "../src/app/track/tracked-report.js";
import type { MetricQuery } from "../src/domain/query.js";
import { zoneSpans } from "../src/domain/tracking/zoned-time.js";
import { ClickHouseStore } from "../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../src/store/clickhouse/init-schema.js";
import { buildReachSampleStatement, buildRollupStatement } from "../src/store/clickhouse/schema.js";
import { parseClickHouseUrl } from "../src/store/clickhouse/store-url.js";
import { PASSWORD, skipReason, startClickHouse, USER } from "../test/clickhouse/harness.js";
import { benchContracts } from "./tracked.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const N = Number(process.env.BENCH_TRACKED_CH_EVENTS ?? 20_000_000);
const START_S = Date.UTC(2026, 8, 1) / 1000;
const SPAN_S = 90 * 86_400;

/** The bench events (as bench/tracked.ts makes them on DuckDB), written by the server itself under one load batch. */
async function fill(conn: ClickHouseConnection, store: ClickHouseStore): Promise<void> {
  for (const c of benchContracts()) await store.addContract(c);
  const step = SPAN_S / N;
  const t = await timed(() =>
    conn.command(`INSERT INTO events_rows (ts, ts_ms, type, impression_id, campaign, creative, placement, visitor, country, device, measurable, batch, measurement)
      SELECT toDateTime(${START_S} + toUInt32(number * ${step}), 'UTC'), 0,
        multiIf(number % 10 < 7, 'impression', number % 10 < 9, 'viewable', 'click'), concat('imp-', toString(intDiv(number, 10))),
        concat('Campaign ', toString((number * 7) % 30)), concat('Ad ', toString(number % 5)), concat('site-', toString(intDiv(number, 3) % 3)),
        toInt64(sipHash64((number * 2654435761) % 2000000)), 'US', 'desktop', 1, 1, 'io-v2'
      FROM numbers(${N})`),
  );
  await conn.command("INSERT INTO event_batches (log_id, batch, from_offset, to_offset, state) VALUES ('bench', 1, 0, 1, 'started'), ('bench', 1, 0, 1, 'done')");
  const r = await timed(() => conn.command(buildRollupStatement(conn.target.database, null)));
  const s = await timed(() => conn.command(buildReachSampleStatement(conn.target.database, null)));
  console.log(`clickhouse 18.16: ${fmt(N)} events written in ${fmt(t.ms)} ms; rollup built in ${fmt(r.ms)} ms, visitor sample in ${fmt(s.ms)} ms`);
}

/** The hand-written exact query: [sums per campaign × local day, reach per campaign × local day WITH TOTALS]. */
function handQuery(contracts: ReturnType<typeof contractMatches>, amounts: Map<number, bigint>, tz: string): [string, string] {
  const bucket = "toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC')";
  const keys = contracts.map((c) => `('${c.campaign}', '${c.placement}', toDateTime(${c.start / 1000}, 'UTC'), toDateTime(${c.end / 1000}, 'UTC'), toInt64(${amounts.get(c.id)}))`);
  // Local days per bucket (every offset is a quarter hour); per event, the span's offset added (no timezone conversion per row).
  const spans = zoneSpans(tz, START_S * 1000, (START_S + SPAN_S) * 1000);
  const shift = (col: string) => `multiIf(${spans.map((s) => `${col} < toDateTime(${s.end / 1000}, 'UTC'), ${s.offsetMs / 1000}`).join(", ")}, ${(spans[spans.length - 1]?.offsetMs ?? 0) / 1000})`;
  // The shifted instant as DateTime('UTC') (arithmetic would drop the column's zone and read the server's).
  const day = (col: string) => (tz === "UTC" ? `toDate(${col})` : `toDate(toDateTime(toInt64(toUInt32(${col})) + ${shift(col)}, 'UTC'))`);
  const sums = `SELECT campaign, ${day("q")} AS day, sum(imp) AS impressions, sum(clk) AS clicks, intDiv(sum(imp * if(q >= s AND q < e, cpm, 0)), 1000) AS cost
    FROM (SELECT campaign, placement, ${bucket} AS q, countIf(type = 'impression') AS imp, countIf(type = 'click') AS clk FROM events GROUP BY campaign, placement, q)
    ANY LEFT JOIN (SELECT tupleElement(k, 1) AS campaign, tupleElement(k, 2) AS placement, tupleElement(k, 3) AS s, tupleElement(k, 4) AS e, tupleElement(k, 5) AS cpm
      FROM (SELECT arrayJoin([${keys.join(", ")}]) AS k)) USING (campaign, placement)
    GROUP BY campaign, day`;
  const reach = `SELECT campaign, ${day("ts")} AS day, uniqExact(visitor) AS reach FROM events WHERE type = 'impression' GROUP BY campaign, day WITH TOTALS`;
  return [sums, reach];
}

/**
 * The rollup as a serving store leaves it (a load a minute: a row per key per minute), then compacted:
 * its rows, the compaction's time, and the report without reach before and after.
 */
async function serveLike(conn: ClickHouseConnection, store: ClickHouseStore): Promise<void> {
  await conn.command("TRUNCATE TABLE rollup_rows");
  await conn.command(`INSERT INTO rollup_rows (ts, campaign, placement, creative, events, impressions, clicks, batch)
    SELECT toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC') AS b, campaign, placement, creative, count(), countIf(type = 'impression'), countIf(type = 'click'), toUInt64(intDiv(toUInt32(ts), 60)) AS m
    FROM events_rows GROUP BY b, campaign, placement, creative, m`);
  await conn.command("INSERT INTO event_batches (log_id, batch, from_offset, to_offset, state) SELECT 'bench-serve', batch, 0, 0, 'done' FROM (SELECT DISTINCT batch FROM rollup_rows)");
  const query: MetricQuery = { metrics: ["impressions", "clicks", "cpi"], dimensions: ["campaign", "day"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }], timezone: "America/New_York" };
  const measure = async () => {
    const ms: number[] = [];
    let total: unknown = null;
    for (let run = 0; run < RUNS; run++) {
      const t = await timed(() => runReport(store, query));
      ms.push(t.ms);
      total = t.value.total?.values;
    }
    return { ms: median(ms), total: JSON.stringify(total) };
  };
  const rowsOf = async () => Number((await conn.query("SELECT count() AS n FROM rollup_rows"))[0]?.n);
  const loads = Number((await conn.query("SELECT uniqExact(batch) AS n FROM rollup_rows"))[0]?.n);
  const before = { rows: await rowsOf(), ...(await measure()) };
  const c = await timed(() => store.compactRollup());
  while (Number((await conn.query("SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0"))[0]?.n) > 0) await new Promise((r) => setTimeout(r, 200));
  const after = { rows: await rowsOf(), ...(await measure()) };
  if (after.total !== before.total) throw new Error(`the compacted rollup disagrees: ${after.total} vs ${before.total}`);
  console.log(`clickhouse 18.16 serve-like rollup (a load a minute): ${fmt(loads)} loads, ${fmt(c.value?.batches ?? 0)} batches compacted, ${fmt(before.rows)} rows → ${fmt(after.rows)} after a compaction of ${fmt(c.ms)} ms (and its mutations)`);
  report("  report without reach on it, after / before (ms)", `${fmt(after.ms)} ms`, `before ${fmt(before.ms)} ms`, after.ms / before.ms, "smaller");
}

export async function benchTrackedClickHouse(): Promise<void> {
  const why = skipReason();
  if (why) {
    console.log(`tracked on clickhouse: skipped (${why})`);
    return;
  }
  const cluster = await startClickHouse(1);
  const url = (cluster.servers[0] as (typeof cluster.servers)[number]).url(`tracked_bench_${process.pid}`);
  const target = parseClickHouseUrl(url);
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  const conn = new ClickHouseConnection(target);
  const store = await ClickHouseStore.openTarget(target);
  const client = createClient({ url: target.endpoint, username: USER, password: PASSWORD, database: target.database, request_timeout: 3_600_000, clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: "10000" } });
  try {
    await fill(conn, store);
    const stored = await store.contracts();
    const contracts = contractMatches(stored);
    const amounts = new Map(stored.map((c) => [c.id, c.amount]));
    const [size] = await store.query("SELECT (SELECT count() FROM event_rollup) AS rollup, (SELECT count() FROM reach_sample) AS sample");
    console.log(`clickhouse 18.16: rollup rows ${fmt(Number(size?.rollup))}, visitor sample rows ${fmt(Number(size?.sample))} for ${fmt(N)} events`);
    for (const timezone of ["UTC", "America/New_York"]) {
      const query: MetricQuery = { metrics: ["impressions", "clicks", "cpi", "reach"], dimensions: ["campaign", "day"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }], timezone };
      const [sumsSql, reachSql] = handQuery(contracts, amounts, timezone);
      const cpi: number[] = [];
      const counts: number[] = [];
      const estimated: number[] = [];
      const hand: number[] = [];
      let rows = 0;
      for (let run = 0; run < RUNS; run++) {
        const t = await timed(() => runReport(store, query));
        rows = t.value.rows.length;
        cpi.push(t.ms);
        counts.push((await timed(() => runReport(store, { ...query, metrics: ["impressions", "clicks", "cpi"] }))).ms);
        estimated.push((await timed(() => runReport(store, query, { reach: "estimate" }))).ms);
        const h = await timed(async () => {
          const sums = await conn.query(sumsSql);
          const rs = await client.query({ query: reachSql, format: "JSONCompact" });
          return { sums, reach: (await rs.json()) as unknown as { totals: unknown[] } };
        });
        hand.push(h.ms);
        // The same rows (campaign, local day, impressions) and the same overall reach.
        const handRows = h.value.sums.map((r) => `${r.campaign} ${r.day} ${r.impressions}`).sort();
        const cpiRows = t.value.rows.map((r) => `${r.keys.join(" ")} ${r.values.impressions}`).sort();
        const handReach = Number(h.value.reach.totals[2]);
        const total = t.value.total?.values;
        if (JSON.stringify(handRows) !== JSON.stringify(cpiRows) || handReach !== total?.reach) {
          const differ = handRows.filter((r) => !cpiRows.includes(r)).slice(0, 3);
          throw new Error(`hand-written query disagrees: ${handRows.length} rows vs ${cpiRows.length} (${differ.join("; ")}), reach ${handReach} vs ${total?.reach}`);
        }
      }
      const a = median(cpi);
      const b = median(hand);
      report(`clickhouse 18.16 tracked ${fmt(N)} events, ${timezone}, with reach (ms)`, `${fmt(a)} ms`, `hand-written exact ${fmt(b)} ms`, a / b, `≤ 1.3 (${fmt(rows)} rows)`);
      report(`  the same without reach (rollup only) (ms)`, `${fmt(median(counts))} ms`, `hand-written exact ${fmt(b)} ms`, median(counts) / b, "seconds at 1B events");
      report(`  the same with --reach estimate (ms)`, `${fmt(median(estimated))} ms`, `hand-written exact ${fmt(b)} ms`, median(estimated) / b, "seconds at 1B events");
    }
    await serveLike(conn, store);
  } finally {
    await client.close();
    await store.close();
    await conn.close();
    await cluster.stop();
  }
}
