import type { Command } from "commander";
import { type Report, reachEstimateFields, reportToObjects, runReport } from "../../app/report.js";
import { rowValue } from "../../app/report-rows.js";
import { METRICS } from "../../domain/metrics.js";
import { buildMetricQuery } from "../../domain/query.js";
import { DEFAULT_EXACT_REACH_MAX, parseExactReachMax, parseReachMode, reachEstimateText } from "../../domain/tracking/reach-sample.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { writeCsvOfCells } from "../render/csv.js";
import { formatMetric, metricFormatter } from "../render/format.js";
import { renderTable, writeColumns } from "../render/table.js";

/** The report as an aligned table with a totals row. */
export function reportTable(report: Report): string {
  const parts: string[] = [];
  writeReportTable(report, (chunk) => parts.push(chunk));
  return parts.join("");
}

/** reportTable handed to `write` in chunks of whole lines, as they are made (writeColumns). */
export function writeReportTable(report: Report, write: (chunk: string) => void): void {
  const header = [...report.dimensions, ...report.metrics.map((m) => METRICS[m].label)];
  const numeric = new Set(report.metrics.map((_, i) => report.dimensions.length + i));
  const t = report.total;
  const footer = t
    ? [...report.dimensions.map((_, i) => (i === 0 ? "Total" : "")), ...report.metrics.map((m) => formatMetric(METRICS[m], t.values[m] ?? null, report.currency))]
    : undefined;
  if (report.dimensions.length === 0) {
    const plain = report.rows.map((r) => report.metrics.map((m) => formatMetric(METRICS[m], rowValue(r, m), report.currency)));
    write(renderTable(header.length ? header : ["Total"], footer ? [footer] : plain, numeric));
    return;
  }
  // Column by column (100,000 rows are 600,000 numbers to format: no array per row).
  const rows = report.rows;
  const keys = report.dimensions.map((_, d) => rows.map((r) => r.keys[d] || "(none)"));
  const byCurrency = report.dimensions.indexOf("currency");
  const values = report.metrics.map((m) => {
    const def = METRICS[m];
    if (report.currency !== null || byCurrency < 0) {
      const format = metricFormatter(def, report.currency);
      return rows.map((r) => format(rowValue(r, m)));
    }
    return rows.map((r) => formatMetric(def, rowValue(r, m), r.keys[byCurrency] ?? null));
  });
  // Numbers cpi formatted, with a currency symbol Intl chose (a code it did not know is shown as given).
  const plain = report.currency === null || /^[A-Z]{3}$/i.test(report.currency) ? numeric : new Set<number>();
  writeColumns(write, header, [...keys, ...values], numeric, footer, byCurrency < 0 ? plain : new Set());
}

/** The report as CSV: dimensions, then metrics (as reportToObjects gives them, without an object per row). */
export function reportCsv(report: Report): string {
  const parts: string[] = [];
  writeReportCsv(report, (chunk) => parts.push(chunk));
  return parts.join("");
}

/** reportCsv handed to `write` in chunks of whole lines, as they are made. */
export function writeReportCsv(report: Report, write: (chunk: string) => void): void {
  const dims = report.dimensions.length;
  const rows = report.rows;
  const metrics = report.metrics;
  const estimated = report.reachEstimated ? ["reach_estimated", "reach_rse"] : [];
  const valueColumns = dims + metrics.length;
  writeCsvOfCells(write, [...report.dimensions, ...metrics, ...estimated], rows.length, (r, c) => {
    const row = rows[r] as Report["rows"][number];
    if (c < dims) return row.keys[c] ?? "";
    if (c < valueColumns) return rowValue(row, metrics[c - dims] as string);
    const fields = reachEstimateFields(report, row);
    return c === valueColumns ? "true" : (fields.reach_rse ?? null);
  });
}

/** The table's note when reach is estimated: the total's error (1 s.e.), from the sample. */
export function reachEstimateNote(report: Report): string | null {
  if (!report.reachEstimated) return null;
  return `${reachEstimateText(report.total?.reachRse ?? null)}; --reach exact counts every visitor`;
}

/** `cpi report`: CPI and its neighbours from the store. */
export function registerReport(program: Command, io: CliIo): void {
  program
    .command("report")
    .description("report CPI, CPM, CTR … from the store, grouped by dimensions and time")
    .option("--by <dimensions>", "comma-separated: source, account, campaign, ad_group, ad, placement, currency, country, device, age, gender, and one of day, week, month")
    .option("--metrics <metrics>", `comma-separated, from: ${Object.keys(METRICS).join(", ")}`, "cost,impressions,clicks,cpi,cpm,ctr")
    .option("--from <date>", "first day (YYYY-MM-DD), inclusive")
    .option("--to <date>", "last day (YYYY-MM-DD), inclusive")
    .option("--where <filter>", "DIM=VALUE, DIM=A|B, DIM!=VALUE or DIM~TEXT (repeatable)", collect, [])
    .option("--timezone <zone>", "IANA zone whose days tracked events are counted in (default UTC; reported rows keep their account's days)")
    .option("--currency <code>", "convert every amount to this currency at each row's date (rates from 'cpi fx import')")
    .option("--reach <mode>", "tracked reach: exact, estimate (from the 1/64 visitor sample, error stated) or auto (exact up to --exact-reach-max impressions)", "auto")
    .option("--exact-reach-max <impressions>", "with --reach auto: the most impressions a report counts reach exactly over", String(DEFAULT_EXACT_REACH_MAX))
    .option("--format <format>", "table, csv or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi report --by campaign --metrics cost,impressions,cpi,cpm
  $ cpi report --by campaign,day --from 2026-10-01 --to 2026-10-31 --where source=meta --metrics cpi,cpm,ctr
  $ cpi report --by source,month --currency EUR --format csv > by-source.csv
  $ cpi report --where source=tracked --by campaign,placement --metrics impressions,viewable_rate,cpi,vcpm,reach,cpmr
  $ cpi report --where source=tracked --by day --timezone Europe/Berlin --metrics impressions,invalid_rate,reach`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format);
      const query = buildMetricQuery({ metrics: o.metrics, by: o.by, where: o.where, from: o.from, to: o.to, currency: o.currency, timezone: o.timezone });
      const reach = parseReachMode(o.reach, "--reach");
      const exactReachMax = parseExactReachMax(o.exactReachMax, "--exact-reach-max");
      const report = await withStore(o, io, "read", (s) => runReport(s, query, { sums: "metrics", reach, exactReachMax }));
      for (const w of report.warnings) io.err(`warning: ${w}\n`);
      if (format === "json") io.out(toJson(reportToObjects(report)));
      else if (format === "csv") writeReportCsv(report, io.out);
      else {
        if (report.rows.length === 0) io.err("no rows match this query\n");
        writeReportTable(report, io.out);
        if (report.currency) io.err(`amounts in ${report.currency}\n`);
        const note = reachEstimateNote(report);
        if (note) io.err(`${note}\n`);
      }
    });
}
