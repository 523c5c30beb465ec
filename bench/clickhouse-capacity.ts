// Capacity figures for docs/scaling.md, on one ClickHouse server: events loaded per second (through
// cpi's loader), bytes on disk per event, and how many events per second one core scans for the
// tracked campaign × day report's heaviest query (counts and reach by campaign × local day), beside
// the same query with every core. Size: BENCH_CH_CAPACITY_EVENTS (default 10 million).

import type { MetricQuery } from "../src/domain/query.js";
import { compileEventSums, compileReach } from "../src/query/events-sql.js";
import { ClickHouseConnection } from "../src/store/clickhouse/connection.js";
import { parseClickHouseUrl } from "../src/store/clickhouse/store-url.js";
import { skipReason, startClickHouse } from "../test/clickhouse/harness.js";
import { randomEvents } from "../test/clickhouse/random-events.js";
import { singleStore } from "../test/clickhouse/stores.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const N = Number(process.env.BENCH_CH_CAPACITY_EVENTS ?? 10_000_000);
const BATCH = 500_000;

export async function benchClickHouseCapacity(): Promise<void> {
  const why = skipReason();
  if (why) {
    console.log(`clickhouse capacity: skipped (${why})`);
    return;
  }
  const cluster = await startClickHouse(1);
  try {
    const store = await singleStore(cluster, "capacity");
    let loadMs = 0;
    for (let off = 0, b = 0; off < N; off += BATCH, b++) {
      const events = randomEvents({ seed: 500 + b, events: Math.min(BATCH, N - off), days: 30, visitors: 5_000_000, campaigns: 200, invalidShare: 0 });
      loadMs += (await timed(() => store.appendTrackedEvents({ logId: "cap", from: off, to: off + events.length, events }))).ms;
    }
    const conn = new ClickHouseConnection(parseClickHouseUrl((cluster.servers[0] as (typeof cluster.servers)[number]).url(store.location.split("/").pop() as string)));
    await conn.command("OPTIMIZE TABLE events_rows FINAL");
    const disk = (await conn.query("SELECT sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts WHERE active AND database = currentDatabase() AND table = 'events_rows'"))[0];
    const q: MetricQuery = { metrics: ["impressions", "reach"], dimensions: ["campaign", "day"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }], timezone: "America/New_York" };
    const ctx = { dialect: store.dialect, query: q, timezone: "America/New_York", contracts: [] };
    const scan = async (threads: number, sql: string) => {
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) ms.push((await timed(() => conn.query(`${sql} SETTINGS max_threads = ${threads}`))).ms);
      return median(ms);
    };
    const sums1 = await scan(1, compileEventSums(ctx, false));
    const sumsAll = await scan(0, compileEventSums(ctx, false));
    const reach1 = await scan(1, compileReach(ctx));
    const reachAll = await scan(0, compileReach(ctx));
    const perSec = (ms: number) => (N / ms) * 1000;
    report(`capacity: load ${fmt(N)} events, one server`, `${fmt(perSec(loadMs))}/s`, `${fmt(loadMs)} ms`, 1, "events/s through cpi's loader");
    report("capacity: bytes on disk per event", `${(Number(disk?.b) / Number(disk?.r)).toFixed(1)} B`, `${fmt(Number(disk?.b) / 1e6)} MB`, 1, "compressed (LZ4)");
    report("capacity: counts by campaign × day, 1 core", `${fmt(perSec(sums1))}/s`, `all cores ${fmt(perSec(sumsAll))}/s`, sums1 / sumsAll, "events scanned/s; ratio = speed-up of all cores");
    report("capacity: reach by campaign × day, 1 core", `${fmt(perSec(reach1))}/s`, `all cores ${fmt(perSec(reachAll))}/s`, reach1 / reachAll, "events scanned/s; ratio = speed-up of all cores");
    await conn.close();
    await store.close();
  } finally {
    await cluster.stop();
  }
}
