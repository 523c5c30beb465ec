// Benchmark: the spend table's sorting key (issue 22). The same spend rows in two ClickHouse stores on
// one server: the former key (source, account, campaign, date, segment) and the current one (date
// first). A report over one week — what cpi runs most: a period, by campaign — is timed (with cpi's
// settings, which now push filters through the views), and the rows ClickHouse read for it are taken
// from the answer's statistics, with and without that pushdown (deterministic, unlike times on a
// shared machine). Size: BENCH_CH_LAYOUT_SPEND (default 2,000,000 rows over a year).
import { runReport } from "../src/app/report.js";
import type { MetricQuery } from "../src/domain/query.js";
import { compileSpendQuery } from "../src/query/spend-sql.js";
import type { ClickHouseStore } from "../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../src/store/clickhouse/connection.js";
import { parseClickHouseUrl } from "../src/store/clickhouse/store-url.js";
import { randomSpendRows } from "../src/test-support/random-spend.js";
import { PASSWORD, skipReason, startClickHouse, USER } from "../test/clickhouse/harness.js";
import { singleStore } from "../test/clickhouse/stores.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const SPEND = Number(process.env.BENCH_CH_LAYOUT_SPEND ?? 2_000_000);
const OLD_KEY = "(source, account_id, campaign_id, date_start, segment)";

const WEEK: MetricQuery = {
  metrics: ["cost", "impressions", "clicks", "cpi", "cpm", "ctr"],
  dimensions: ["campaign"],
  filters: [{ dimension: "currency", op: "eq", values: ["USD"] }],
  from: "2025-06-02",
  to: "2025-06-08",
};

async function load(store: ClickHouseStore): Promise<void> {
  const per = 500_000;
  for (let off = 0, b = 0; off < SPEND; off += per, b++) {
    const rows = randomSpendRows({ seed: 77 + b, rows: Math.min(per, SPEND - off), days: 365, start: "2025-01-01", campaigns: 300 }).map((r) => ({ ...r, account_id: `acct-${b}` }));
    await store.importSpend([{ file: `bench-${b}`, contentHash: "", format: "bench", rows, reach: [] }]);
  }
}

/** Rebuilds the store's spend table with the former sorting key (the rows stay). */
async function withOldKey(conn: ClickHouseConnection): Promise<void> {
  const ddl = (await conn.query("SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'spend_rows'"))[0]?.q as string;
  await conn.command(ddl.replace(/CREATE TABLE (\S+)\.spend_rows /, "CREATE TABLE $1.spend_rows_old ").replace(/ORDER BY \([^)]*\)/, `ORDER BY ${OLD_KEY}`));
  await conn.command("INSERT INTO spend_rows_old SELECT * FROM spend_rows");
  await conn.command("RENAME TABLE spend_rows TO spend_rows_new, spend_rows_old TO spend_rows");
  await conn.command("DROP TABLE spend_rows_new");
}

/** The rows ClickHouse read for the week's report SQL, from its JSON statistics (`pushdown`: filters reach the table through the view). */
async function rowsRead(httpPort: number, database: string, store: ClickHouseStore, pushdown: boolean): Promise<number> {
  const { sql } = compileSpendQuery(store.dialect, WEEK, false);
  const r = await fetch(`http://127.0.0.1:${httpPort}/?database=${database}&default_format=JSON&enable_optimize_predicate_expression=${pushdown ? 1 : 0}`, {
    method: "POST",
    body: sql,
    headers: { "X-ClickHouse-User": USER, "X-ClickHouse-Key": PASSWORD },
  });
  const json = (await r.json()) as { statistics: { rows_read: number } };
  return json.statistics.rows_read;
}

export async function benchClickHouseLayout(): Promise<void> {
  const why = skipReason();
  if (why) {
    console.log(`clickhouse-layout: skipped (${why})`);
    return;
  }
  const cluster = await startClickHouse(1);
  try {
    const server = cluster.servers[0] as (typeof cluster.servers)[number];
    const results: Record<string, { ms: number; read: number; readNoPushdown: number; rows: number }> = {};
    for (const layout of ["date first", "former key"]) {
      const store = await singleStore(cluster, "layout");
      const database = store.location.slice(store.location.lastIndexOf("/") + 1);
      const conn = new ClickHouseConnection(parseClickHouseUrl(server.url(database)));
      await load(store);
      if (layout === "former key") await withOldKey(conn);
      // Both as merged as ClickHouse would leave them after a while.
      await conn.command("OPTIMIZE TABLE spend_rows FINAL");
      await conn.close();
      await runReport(store, WEEK); // warm-up
      const ms: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = await timed(() => runReport(store, WEEK));
        ms.push(t.ms);
        rows = t.value.rows.length;
      }
      results[layout] = { ms: median(ms), read: await rowsRead(server.httpPort, database, store, true), readNoPushdown: await rowsRead(server.httpPort, database, store, false), rows };
      await store.close();
    }
    const now = results["date first"] as NonNullable<(typeof results)[string]>;
    const before = results["former key"] as typeof now;
    // Before issue 22: the former key, and filters applied above the view (18.16's default).
    report("spend: one week by campaign, rows read", fmt(now.read), `before ${fmt(before.readNoPushdown)}`, before.readNoPushdown / now.read, `fewer rows read (of ${fmt(SPEND)}; ${fmt(now.rows)} result rows)`);
    report("  … the key alone (both with pushdown)", fmt(now.read), `former key ${fmt(before.read)}`, before.read / now.read, "fewer rows read");
    report("spend: one week by campaign (ms)", `${fmt(now.ms)} ms`, `former key ${fmt(before.ms)} ms`, before.ms / now.ms, "speed vs the former key");
  } finally {
    await cluster.stop();
  }
}
