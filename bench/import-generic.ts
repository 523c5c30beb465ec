// Benchmark: importing a 1,000,000-row generic CSV through cpi (parse + validate + appender, one
// transaction) beside DuckDB's own read_csv of the same file into a table. Target ratio ≥ 0.5.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
// The built code (npm run bench builds first), as `cpi import` runs it: its parse worker is then
// plain JavaScript, not TypeScript compiled on the fly as under tsx.
import { importReports } from "../dist/app/import.js";
import { readInputFile } from "../dist/cli/read-files.js";
import { DuckDbStore } from "../dist/store/duckdb/duckdb-store.js";
import { SPEND_COLUMNS } from "../dist/store/duckdb/schema.js";
import { addDays } from "../src/domain/dates.js";
import { mulberry32 } from "../src/test-support/random-spend.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const DIR = join(import.meta.dirname, "data");
const N = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);

/** Writes (once) a generic CSV of N rows: 13 columns, realistic values. */
export function genericCsv(): string {
  const file = join(DIR, `generic-${N}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(DIR, { recursive: true });
  const rnd = mulberry32(42);
  const lines = ["date,source,account,campaign,ad_group,ad,placement,currency,cost,impressions,clicks,conversions,revenue"];
  const sources = ["google_ads", "meta", "linkedin", "tiktok"];
  for (let i = 0; i < N; i++) {
    const imp = Math.floor(rnd() * 50_000);
    const clicks = Math.floor(imp * rnd() * 0.02);
    lines.push(
      `${addDays("2025-01-01", i % 700)},${sources[i % 4]},acct-${i % 7},Campaign ${i % 500},Group ${i % 13},Ad ${i % 37},site-${i % 11},USD,${(rnd() * 900).toFixed(2)},${imp},${clicks},${Math.floor(clicks * 0.05)},${(rnd() * 2000).toFixed(2)}`,
    );
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

export async function benchImportGeneric(): Promise<void> {
  const file = genericCsv();
  // Read as `cpi import` reads a file (into shared memory its parse thread reads in place).
  const { bytes } = readInputFile(file);
  const cpiRates: number[] = [];
  const duckRates: number[] = [];
  const schemaRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const db = join(DIR, "import-bench.duckdb");
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    const store = await DuckDbStore.open(db);
    // Closing is timed on both sides: work a store defers to its close (a checkpoint) counts.
    const t = await timed(async () => {
      const out = await importReports(store, [{ name: "generic.csv", bytes }], { source: "bench" });
      await store.close();
      return out;
    });
    if (t.value[0]?.rows !== N) throw new Error(`imported ${t.value[0]?.rows} rows, expected ${N}`);
    cpiRates.push(N / (t.ms / 1000));

    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    const d = await timed(async () => {
      await conn.run(`CREATE TABLE raw AS SELECT * FROM read_csv('${file}', header = true)`);
      await conn.run("CHECKPOINT");
    });
    // The same file through read_csv into the spend table's 26 columns, as cpi stores it: the
    // work DuckDB itself needs to build the same store (no validation, no replacement).
    await conn.run(`CREATE TABLE spend (${SPEND_COLUMNS.map(([n, t]) => `${n} ${t}`).join(", ")})`);
    const m = await timed(async () => {
      await conn.run(`INSERT INTO spend SELECT date, date, source, account, '', 'UTC', currency, campaign, campaign, ad_group, ad_group, ad, ad, placement, '', '', '', '',
        CAST(round(cost * 1000000) AS BIGINT), impressions, clicks, conversions, CAST(round(revenue * 1000000) AS BIGINT), 0, 0, 1 FROM read_csv('${file}', header = true)`);
      await conn.run("CHECKPOINT");
    });
    conn.closeSync();
    inst.closeSync();
    duckRates.push(N / (d.ms / 1000));
    schemaRates.push(N / (m.ms / 1000));
  }
  const a = median(cpiRates);
  const b = median(duckRates);
  report(`import ${fmt(N)}-row generic CSV (rows/s)`, fmt(a), `read_csv ${fmt(b)}`, a / b, "≥ 0.5");
  const c = median(schemaRates);
  report("  the same, beside read_csv into cpi's schema", fmt(a), `read_csv ${fmt(c)}`, a / c, "(context)");
}
