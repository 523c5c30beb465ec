// Benchmark: `cpi import` of large generated exports (BENCH_LARGE_MB, default 512; a list such as
// "512,2048,5120"), default settings: peak RSS against the memory setting (1 GiB), and rows/s beside
// DuckDB's own read_csv of the same file into a table (its peak RSS for context). Each run is a new
// process, measured by /usr/bin/time (or /proc polled); the files are written to a temporary folder
// and removed after. Runs per size: BENCH_LARGE_RUNS (default 3). Then an XLSX workbook whose sheet
// holds BENCH_LARGE_XLSX_MB of XML (default 256; 0 skips it): its peak RSS against the setting, and
// its rows/s beside cpi's import of the same rows saved as a CSV (the other way to import them).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLargeExport, writeLargeWorkbook } from "./large-export.js";
import { fmt, median, report } from "./util.js";

const ROOT = join(import.meta.dirname, "..");
const SIZES = (process.env.BENCH_LARGE_MB ?? "512")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const RUNS = Number(process.env.BENCH_LARGE_RUNS ?? 3);
const SETTING = 1024 * 2 ** 20;
const XLSX_MB = Number(process.env.BENCH_LARGE_XLSX_MB ?? 256);
/** Bytes of the generic CSV per row of writeLargeExport (about). */
const CSV_ROW_BYTES = 77;

/** Runs a command in `cwd`; its exit code, output, wall time and peak RSS (bytes). */
export function measured(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string; ms: number; peak: number }> {
  const time = existsSync("/usr/bin/time");
  const [cmd, ...rest] = time ? ["/usr/bin/time", "-f", "maxrss-kb=%M", ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd as string, rest, { cwd, env });
    let out = "";
    let err = "";
    let polled = 0;
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err = (err + d).slice(-20_000);
    });
    // Without /usr/bin/time: the child's resident size, polled.
    const poll = time
      ? null
      : setInterval(() => {
          try {
            const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0);
            polled = Math.max(polled, kb * 1024);
          } catch {}
        }, 50);
    child.on("error", reject);
    child.on("close", (code) => {
      if (poll) clearInterval(poll);
      const kb = /maxrss-kb=(\d+)/.exec(err);
      resolve({ code: code ?? 1, out, err, ms: performance.now() - t0, peak: kb ? Number(kb[1]) * 1024 : polled });
    });
  });
}

const READ_CSV = `
import { DuckDBInstance } from "@duckdb/node-api";
const [file, db] = process.argv.slice(1);
const inst = await DuckDBInstance.create(db);
const conn = await inst.connect();
await conn.run("CREATE TABLE raw AS SELECT * FROM read_csv('" + file.replaceAll("'", "''") + "', header = true)");
await conn.run("CHECKPOINT");
conn.closeSync();
`;

/** `cpi import` of one file into a new store in `dir`: rows/s and peak RSS; throws unless every row is stored. */
async function importRun(dir: string, file: string, rows: number): Promise<{ rate: number; peak: number }> {
  const store = join(dir, "store.duckdb");
  rmSync(store, { force: true });
  const r = await measured([process.execPath, join(ROOT, "bin/cpi.js"), "import", file, "--db", store, "--format", "json"], dir);
  rmSync(store, { force: true });
  if (r.code !== 0) throw new Error(`cpi import failed: ${r.err.slice(-2000)}`);
  const stored = JSON.parse(r.out).files[0].rows;
  if (stored !== rows) throw new Error(`imported ${stored} rows, the file holds ${rows}`);
  return { rate: rows / (r.ms / 1000), peak: r.peak };
}

async function benchWorkbook(dir: string): Promise<void> {
  const file = join(dir, "export.xlsx");
  const made = writeLargeWorkbook(file, XLSX_MB * 2 ** 20);
  const csv = join(dir, "export.csv");
  const same = writeLargeExport(csv, made.rows * CSV_ROW_BYTES);
  const book: { rate: number; peak: number }[] = [];
  const text: { rate: number; peak: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    book.push(await importRun(dir, file, made.rows));
    text.push(await importRun(dir, csv, same.rows));
  }
  rmSync(file, { force: true });
  rmSync(csv, { force: true });
  const mib = (n: number) => `${fmt(n / 2 ** 20)} MB`;
  const peak = median(book.map((x) => x.peak));
  report(`import XLSX (${fmt(made.xmlBytes / 2 ** 20)} MB sheet XML in ${fmt(made.bytes / 2 ** 20)} MB), ${fmt(made.rows)} rows: peak RSS`, mib(peak), `setting ${mib(SETTING)}`, peak / SETTING, "≤ 1");
  const a = median(book.map((x) => x.rate));
  const b = median(text.map((x) => x.rate));
  report("  rows/s", fmt(a), `as CSV ${fmt(b)}`, a / b, `(CSV of ${fmt(same.rows)} rows, peak ${mib(median(text.map((x) => x.peak)))})`);
}

export async function benchImportLarge(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cpi-bench-large-"));
  try {
    for (const mb of SIZES) {
      const file = join(dir, `export-${mb}mb.csv`);
      const made = writeLargeExport(file, mb * 2 ** 20);
      const cpi: { rate: number; peak: number }[] = [];
      const duck: { rate: number; peak: number }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const store = join(dir, "store.duckdb");
        rmSync(store, { force: true });
        const r = await measured([process.execPath, join(ROOT, "bin/cpi.js"), "import", file, "--db", store, "--format", "json"], dir);
        if (r.code !== 0) throw new Error(`cpi import failed: ${r.err.slice(-2000)}`);
        const rows = JSON.parse(r.out).files[0].rows;
        if (rows !== made.rows) throw new Error(`imported ${rows} rows, the file holds ${made.rows}`);
        cpi.push({ rate: rows / (r.ms / 1000), peak: r.peak });
        rmSync(store, { force: true });
        const d = await measured([process.execPath, "--input-type=module", "-e", READ_CSV, file, store], ROOT);
        if (d.code !== 0) throw new Error(`read_csv failed: ${d.err.slice(-2000)}`);
        duck.push({ rate: made.rows / (d.ms / 1000), peak: d.peak });
        rmSync(store, { force: true });
      }
      rmSync(file, { force: true });
      const mib = (n: number) => `${fmt(n / 2 ** 20)} MB`;
      const peak = median(cpi.map((x) => x.peak));
      const name = `import ${fmt(made.bytes / 2 ** 20)} MB CSV, ${fmt(made.rows)} rows`;
      report(`${name}: peak RSS`, mib(peak), `setting ${mib(SETTING)}`, peak / SETTING, "≤ 1 (flat in size)");
      const a = median(cpi.map((x) => x.rate));
      const b = median(duck.map((x) => x.rate));
      report("  rows/s", fmt(a), `read_csv ${fmt(b)}`, a / b, `(read_csv peak ${mib(median(duck.map((x) => x.peak)))})`);
    }
    if (XLSX_MB > 0) await benchWorkbook(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
