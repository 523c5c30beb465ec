// Benchmark (issue 3): importing a 1,000,000-row Google Ads "Excel .csv" export (UTF-16LE, tabs,
// preamble, quoted thousands, Total rows) and a 1,000,000-row Meta Ads Manager CSV (BOM, summary row,
// Day × Age × Gender) through cpi — detect, decode, parse, validate, append, one transaction — beside
// DuckDB's own read_csv of a plain UTF-8 CSV of the same rows and columns into a table. Target ≥ 0.5.
import { rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
// The built code (npm run bench builds first), as `cpi import` runs it (its parse worker is plain JS).
import { importReports } from "../dist/app/import.js";
import { readInputFile } from "../dist/cli/read-files.js";
import { DuckDbStore } from "../dist/store/duckdb/duckdb-store.js";
import { SPEND_COLUMNS } from "../dist/store/duckdb/schema.js";
import { DATA_DIR, type GeneratedExport, googleAdsExcelExport, linkedinCampaignExport, metaAdsManagerExport } from "./platform-exports.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

const N = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const DB = join(DATA_DIR, "import-platforms-bench.duckdb");

function freshDb(): void {
  rmSync(DB, { force: true });
  rmSync(`${DB}.wal`, { force: true });
}

/** Fails the bench unless the store holds exactly the export's rows and totals (nothing else counted). */
async function checkLanded(store: DuckDbStore, g: GeneratedExport, format: string, warnings: string[], expectFormat: string): Promise<void> {
  if (format !== expectFormat) throw new Error(`${basename(g.file)} was read as ${format}, not ${expectFormat}`);
  if (warnings.length) throw new Error(`${basename(g.file)}: ${warnings.join("; ")}`);
  const [row] = await store.query("SELECT count(*) AS n, sum(cost_micros) AS cost, sum(impressions) AS impr, sum(clicks) AS clicks FROM spend");
  const got = { rows: Number(row?.n), costMicros: BigInt(row?.cost ?? 0), impressions: Number(row?.impr), clicks: Number(row?.clicks) };
  const want = g.totals;
  if (got.rows !== want.rows || got.costMicros !== want.costMicros || got.impressions !== want.impressions || got.clicks !== want.clicks) {
    throw new Error(`${basename(g.file)} landed ${JSON.stringify(got, (_k, v) => (typeof v === "bigint" ? String(v) : v))}, expected ${want.rows} rows, cost ${want.costMicros} µ, ${want.impressions} impressions, ${want.clicks} clicks`);
  }
}

/**
 * `schemaSelect` lists the plain CSV's columns as cpi's 26-column spend table holds them: read_csv
 * into that table is the context figure (the store's own work, without validation, totals checks or
 * replacement).
 */
async function benchOne(label: string, g: GeneratedExport, expectFormat: string, schemaSelect: string, target = "≥ 0.5", reachRows?: number): Promise<void> {
  // Read as `cpi import` reads a file (into shared memory its parse thread reads in place).
  const { bytes } = readInputFile(g.file);
  const cpiRates: number[] = [];
  const duckRates: number[] = [];
  const schemaRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    freshDb();
    const store = await DuckDbStore.open(DB);
    // Closing is timed on both sides (a checkpoint for read_csv): work deferred to it counts.
    const t = await timed(async () => {
      const out = await importReports(store, [{ name: basename(g.file), bytes }], {});
      await store.close();
      return out;
    });
    const r = t.value[0];
    if (r?.rows !== N) throw new Error(`${basename(g.file)}: imported ${r?.rows} rows, expected ${N}`);
    const check = await DuckDbStore.open(DB);
    try {
      await checkLanded(check, g, r.format, r.warnings, expectFormat);
      const reach = Number((await check.query("SELECT count(*) AS n FROM platform_reach"))[0]?.n);
      if (reachRows !== undefined && reach !== reachRows) throw new Error(`${basename(g.file)}: ${reach} platform reach rows, expected ${reachRows}`);
    } finally {
      await check.close();
    }
    cpiRates.push(N / (t.ms / 1000));

    freshDb();
    const inst = await DuckDBInstance.create(DB);
    const conn = await inst.connect();
    const d = await timed(async () => {
      await conn.run(`CREATE TABLE raw AS SELECT * FROM read_csv('${g.plain}', header = true)`);
      await conn.run("CHECKPOINT");
    });
    const n = Number((await conn.runAndReadAll("SELECT count(*) FROM raw")).getRows()[0]?.[0]);
    await conn.run(`CREATE TABLE spend (${SPEND_COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ")})`);
    const m = await timed(async () => {
      await conn.run(`INSERT INTO spend SELECT ${schemaSelect} FROM read_csv('${g.plain}', header = true)`);
      await conn.run("CHECKPOINT");
    });
    conn.closeSync();
    inst.closeSync();
    if (n !== N) throw new Error(`read_csv of ${basename(g.plain)} read ${n} rows, expected ${N}`);
    duckRates.push(N / (d.ms / 1000));
    schemaRates.push(N / (m.ms / 1000));
  }
  freshDb();
  const a = median(cpiRates);
  const b = median(duckRates);
  report(`import ${fmt(N)}-row ${label} (rows/s)`, fmt(a), `read_csv ${fmt(b)}`, a / b, target);
  const c = median(schemaRates);
  report("  the same, beside read_csv into cpi's schema", fmt(a), `read_csv ${fmt(c)}`, a / c, "(context)");
  // What DuckDB's own C++ reader reaches on the target's measure when it writes cpi's 26 columns.
  report("  read_csv into cpi's schema, beside read_csv", fmt(c), `read_csv ${fmt(b)}`, c / b, "(context)");
  const mb = (f: string) => `${(statSync(f).size / 1e6).toFixed(0)} MB`;
  console.log(`  ${basename(g.file)} ${mb(g.file)}; plain CSV ${mb(g.plain)}; runs: cpi ${cpiRates.map(fmt).join(", ")} · read_csv ${duckRates.map(fmt).join(", ")}`);
}

/** A plain CSV's money column as cpi's micros, in read_csv's SQL. */
const micros = (column: string) => `CAST(round(coalesce("${column}", 0) * 1000000) AS BIGINT)`;

export async function benchImportPlatforms(): Promise<void> {
  await benchOne(
    "Google Ads UTF-16 export",
    googleAdsExcelExport(N),
    "google-ads:ui",
    `"Day", "Day", 'google-ads', '', '', 'UTC', "Currency code", CAST("Campaign ID" AS VARCHAR), "Campaign", "Ad group", "Ad group", '', '', '', '', '', '', '',
      ${micros("Cost")}, "Impr.", "Clicks", "Conversions", ${micros("Conv. value")}, 0, 0, 1`,
  );
  await benchOne(
    "Meta Ads Manager CSV",
    metaAdsManagerExport(N),
    "meta:ads-manager",
    `"Reporting starts", "Reporting ends", 'meta', '', '', 'UTC', 'USD', "Campaign name", "Campaign name", "Ad set name", "Ad set name", '', '', '', '', '',
      "Age", "Gender", ${micros("Amount spent (USD)")}, "Impressions", coalesce("Link clicks", 0), 0, 0, 0, 0, 1`,
  );
}

/**
 * A 1,000,000-row LinkedIn campaign export (UTF-16, a platform reach row per row, dates read in a
 * first pass to tell daily rows from monthly ones): no target of its own, the same measures.
 */
export async function benchImportLinkedin(): Promise<void> {
  await benchOne(
    "LinkedIn UTF-16 export, reach per row",
    linkedinCampaignExport(N),
    "linkedin:campaign-manager",
    `"Start Date (in UTC)", "Start Date (in UTC)", 'linkedin', '', '', 'UTC', "Currency", CAST("Campaign ID" AS VARCHAR), "Campaign Name", '', '', '', '', '', '', '', '', '',
      ${micros("Total Spent")}, "Impressions", "Clicks", "Conversions", 0, 0, 0, 1`,
    "(context)",
    N,
  );
}
