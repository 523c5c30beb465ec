import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { importReports } from "../../app/import.js";
import { importMemoryPlan } from "../../app/import-stream/memory-plan.js";
import { importTimezoneOptions } from "../../app/store-settings.js";
import { parsePeriod } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { SOURCE_IDS } from "../../domain/sources.js";
import type { Store } from "../../store/store.js";
import { withStore, withStoreOrEmpty } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { progress } from "../progress.js";
import { expandReportPaths, importInputFile } from "../read-files.js";
import { formatCount } from "../render/format.js";
import { renderTable } from "../render/table.js";

function readMapping(path: string, io: CliIo): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(io.cwd, path), "utf8"));
  } catch (e) {
    throw new UserError("bad_mapping", `--map ${path}: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new UserError("bad_mapping", `--map ${path}: expected a JSON object of cpi column → file column, e.g. {"date": "Day", "cost": "Spend"}`);
  }
  return parsed as Record<string, string>;
}

function moneyUnitOption(value: string): "units" | "micros" {
  const v = value.trim().toLowerCase();
  if (v !== "units" && v !== "micros") throw new UserError("bad_option", `--money-unit must be units or micros, got '${value}'`);
  return v;
}

/** A memory size: "1GB", "512MB", "1.5 GiB" or bytes. @example memorySize("512MB") // 536870912 */
export function memorySize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(value);
  const unit = (m?.[2] ?? "b").toLowerCase()[0] as "b" | "k" | "m" | "g";
  const bytes = m ? Number(m[1]) * { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[unit] : Number.NaN;
  // Below 256 MB the process itself (node, DuckDB, the parse thread: about 110-180 MB) leaves too little.
  if (!(bytes >= 256 * 2 ** 20)) throw new UserError("bad_option", `--max-memory must be a size of at least 256MB, like 512MB or 2GB, got '${value}'`);
  return Math.floor(bytes);
}

/** `cpi import FILE...`: imports spend reports into the store. */
export function registerImport(program: Command, io: CliIo): void {
  program
    .command("import")
    .description("import spend reports (generic CSV or ad-platform exports) into the store; files or folders")
    .argument("<paths...>", "report files, or folders of them")
    .option("--source <name>", `force a platform (${SOURCE_IDS.join(", ")}; other names are read as aliases) or name the source of generic files`)
    .option("--currency <code>", "currency of files that do not state one")
    .option("--timezone <tz>", "account time zone when the file does not state one (IANA name; default: the store's, set by cpi init --timezone, else UTC)")
    .option("--account <id>", "account id when the file does not state one")
    .option("--period <period>", "dates of a file that states none (Google Ads 'All time', Microsoft grid): 2026-10 or 2026-10-01..2026-10-31")
    .option("--map <mapping.json>", "column mapping for any other CSV/XLSX: {\"date\": \"Day\", \"cost\": \"Spend\", …}")
    .option("--money-unit <unit>", "how the files write money when their format does not say: units (12.50) or micros (12500000)")
    .option("--skip-invalid", "import the good rows and list the bad ones instead of rejecting the file")
    .option("--accept-totals-mismatch", "import a file even when its totals row disagrees with the sum of its rows (a warning)")
    .option("--dry-run", "parse and check only; write nothing")
    .option("--max-memory <size>", "memory a large file's import may use: 512MB, 2GB … (default 1GB, or $CPI_IMPORT_MEMORY); files are read in parts of a 64th of it")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi import spend-october.csv
  $ cpi import exports/ --currency USD
  $ cpi import "Campaign report.csv" --skip-invalid --format json
  $ cpi import meta-export.csv --timezone America/New_York   # rows of files that state no zone
  $ cpi import adwords-campaigns.csv --money-unit micros      # cost written in micros

Languages, currency signs and totals rows each platform's exports may have: docs/import-formats.md.

Account time zone of the rows: the file's own (Google Ads API, Microsoft report downloads), else
--timezone, else the store's default (cpi init --timezone Europe/Berlin), else UTC.

Generic CSV columns (case-insensitive; * required):
  date* (or date_start + date_end), campaign*, cost*, impressions*, source, account, ad_group, ad,
  placement, currency (or --currency), clicks, conversions, revenue`,
    )
    .action(async (paths: string[], o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const files = expandReportPaths(paths, io).map((p) => importInputFile(p, relative(io.cwd, p) || p));
      const bar = progress(io, "importing");
      const memoryBytes = memorySize(o.maxMemory ?? io.env.CPI_IMPORT_MEMORY ?? "1GB");
      const run = async (store: Store) => {
        // DuckDB's own buffers take their share of the budget (it writes the rest of a large import to the file).
        if (store.dialect.name === "duckdb") await store.query(`SET memory_limit = '${importMemoryPlan(memoryBytes).storeBytes / 2 ** 20}MB'`);
        const zones = await importTimezoneOptions(store, o.timezone);
        return importReports(store, files, {
          ...(o.source ? { source: o.source } : {}),
          ...(o.currency ? { currency: o.currency } : {}),
          ...zones,
          ...(o.account ? { account: o.account } : {}),
          ...(o.period ? { period: parsePeriod(o.period) } : {}),
          ...(o.map ? { mapping: readMapping(o.map, io) } : {}),
          ...(o.moneyUnit !== undefined ? { moneyUnit: moneyUnitOption(o.moneyUnit) } : {}),
          skipInvalid: Boolean(o.skipInvalid),
          acceptTotalsMismatch: Boolean(o.acceptTotalsMismatch),
          dryRun: Boolean(o.dryRun),
          memoryBytes,
          onProgress: bar,
        });
      };
      // Nothing is written unless something is imported: a dry run reads an empty store when there is
      // none yet, and a store this import created is removed again when it fails or imports no row.
      const results = o.dryRun ? await withStoreOrEmpty(o, io, run) : await withStore(o, io, "write", run, (rs) => rs.some((r) => r.rows > 0));
      bar.done();
      for (const r of results) {
        for (const w of r.warnings) io.err(`warning: ${r.file}: ${w}\n`);
        for (const s of r.skipped) io.err(`skipped: ${r.file}:${s.line}${s.column ? `, column '${s.column}'` : ""}: ${s.message}\n`);
      }
      if (format === "json") {
        io.out(toJson({ files: results.map((r) => ({ file: r.file, source: r.source, format: r.format, rows: r.rows, replaced_rows: r.replaced_rows, skipped: r.skipped, warnings: r.warnings })) }));
        return;
      }
      io.out(
        renderTable(
          ["File", "Format", "Source", "Rows", "Replaced", "Skipped"],
          results.map((r) => [r.file, r.format, r.source, formatCount(r.rows), formatCount(r.replaced_rows), formatCount(r.skipped.length)]),
          new Set([3, 4, 5]),
        ),
      );
      const total = results.reduce((s, r) => s + r.rows, 0);
      io.err(`${o.dryRun ? "checked" : "imported"} ${formatCount(total)} rows from ${results.length} file${results.length > 1 ? "s" : ""}${o.dryRun ? " (dry run: nothing written)" : ""}\n`);
    });
}
