import { relative } from "node:path";
import type { Command } from "commander";
import { importFxRates, listFxCoverage } from "../../app/fx.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { expandReportPaths, readInputFile } from "../read-files.js";
import { renderTable } from "../render/table.js";

/** `cpi fx import|list`: exchange rates for converting reports into one currency. */
export function registerFx(program: Command, io: CliIo): void {
  const fx = program.command("fx").description("exchange rates used by --currency");
  fx.command("import")
    .description("import rates: date,currency,rate[,base] (1 base = rate currency; base EUR by default) or the ECB eurofxref-hist.csv")
    .argument("<files...>", "rate files")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi fx import rates.csv\n  $ cpi fx import eurofxref-hist.csv")
    .action(async (paths: string[], o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const files = expandReportPaths(paths, io).map((p) => readInputFile(p, relative(io.cwd, p) || p));
      const result = await withStore(o, io, "write", (s) => importFxRates(s, files));
      if (format === "json") io.out(toJson(result));
      else io.out(renderTable(["File", "Layout", "Rates"], result.files.map((f) => [f.file, f.format, String(f.rates)]), new Set([2])));
    });
  fx.command("list")
    .description("show which currencies have rates, and for which dates")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const rows = await withStore(o, io, "read", (s) => listFxCoverage(s));
      if (format === "json") io.out(toJson(rows));
      else io.out(renderTable(["Base", "Currency", "First", "Last", "Days"], rows.map((r) => [r.base, r.currency, r.first, r.last, String(r.days)]), new Set([4])));
    });
}
