// Benchmark: a report over 10 million spend rows grouped by campaign × day, through cpi (MetricQuery
// → SQL → sums → metrics) beside the same SQL run directly in DuckDB. Target ratio ≤ 1.2.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { runReport } from "../src/app/report.js";
import type { MetricQuery } from "../src/domain/query.js";
import { compileSpendQuery } from "../src/query/spend-sql.js";
import { DuckDbStore } from "../src/store/duckdb/duckdb-store.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const DIR = join(import.meta.dirname, "data");
const N = Number(process.env.BENCH_REPORT_ROWS ?? 10_000_000);

async function ensureStore(): Promise<string> {
  const db = join(DIR, `report-${N}.duckdb`);
  if (existsSync(db)) return db;
  mkdirSync(DIR, { recursive: true });
  const store = await DuckDbStore.open(db);
  await store.close();
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  await conn.run(`INSERT INTO spend SELECT
      DATE '2025-01-01' + CAST(i % 365 AS INTEGER), DATE '2025-01-01' + CAST(i % 365 AS INTEGER),
      'source-' || (i % 4), 'acct-' || (i % 9), '', 'UTC', 'USD',
      'c' || (i % 300), 'Campaign ' || (i % 300), 'g' || (i % 17), 'Group ' || (i % 17), 'a' || (i % 41), 'Ad ' || (i % 41),
      'site-' || (i % 23), '', '', '', '',
      CAST((i * 7919) % 900000000 AS BIGINT), CAST((i * 31) % 50000 AS BIGINT), CAST((i * 17) % 700 AS BIGINT),
      CAST((i * 13) % 20 AS DOUBLE), CAST((i * 104729) % 2000000000 AS BIGINT), 0, 0, 1
    FROM range(${N}) t(i)`);
  await conn.run("CHECKPOINT");
  conn.closeSync();
  inst.closeSync();
  return db;
}

export async function benchReport10m(): Promise<void> {
  const db = await ensureStore();
  const query: MetricQuery = { metrics: ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "roas"], dimensions: ["campaign", "day"], filters: [] };
  const store = await DuckDbStore.open(db);
  const sql = compileSpendQuery(store.dialect, query, false).sql;
  const cpi: number[] = [];
  const raw: number[] = [];
  let groups = 0;
  for (let run = 0; run < RUNS; run++) {
    const t = await timed(() => runReport(store, query));
    groups = t.value.rows.length;
    cpi.push(t.ms);
    // The baseline: the same SQL, run directly on the same connection's engine, rows materialised.
    const d = await timed(() => store.query(sql));
    raw.push(d.ms);
  }
  await store.close();
  const a = median(cpi);
  const b = median(raw);
  report(`report ${fmt(N)} rows by campaign × day (ms)`, `${fmt(a)} ms`, `raw SQL ${fmt(b)} ms`, a / b, `≤ 1.2 (${fmt(groups)} groups)`);
}
