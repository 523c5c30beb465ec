import { createHash } from "node:crypto";
import { UserError } from "../domain/errors.js";
import type { ParseIssue, ParsedReport } from "../domain/spend.js";
import { parseReport, type ParseOptions } from "../ingest/index.js";
import type { ProgressFn, SpendImport, Store } from "../store/store.js";
import { crossCheckTotals } from "./totals-check.js";

/** A report file's name and content (read by the entry point: a CLI path or an HTTP upload). */
export interface ReportFile {
  name: string;
  bytes: Uint8Array;
}

export interface ImportOptions extends Omit<ParseOptions, "fileName"> {
  skipInvalid?: boolean;
  /** Parse and check only: nothing is written. */
  dryRun?: boolean;
  onParsed?: (file: string, parsed: ParsedReport) => void;
  onProgress?: ProgressFn;
}

export interface FileImportResult {
  file: string;
  format: string;
  source: string;
  rows: number;
  replaced_rows: number;
  skipped: { line: number; column?: string; message: string }[];
  warnings: string[];
}

const MAX_LISTED = 20;

function located(file: string, i: ParseIssue): string {
  return `${file}:${i.line}${i.column ? `, column '${i.column}'` : ""}: ${i.message}`;
}

/**
 * Parses report files and imports them in one transaction (DESIGN rules 5 and 6): a file with a bad
 * row rejects the whole import with file, line, column and reason unless `skipInvalid`, in which
 * case the good rows are imported and the bad ones listed.
 * @example await importReports(store, [{ name: "spend.csv", bytes }], { currency: "USD" })
 */
export async function importReports(store: Store, files: readonly ReportFile[], opts: ImportOptions = {}): Promise<FileImportResult[]> {
  const parsed: { file: ReportFile; report: ParsedReport }[] = [];
  const errors: string[] = [];
  const allErrors: (ParseIssue & { file: string })[] = [];
  for (const file of files) {
    const { skipInvalid: _s, dryRun: _d, onParsed: _p, onProgress: _g, ...parseOpts } = opts;
    let report: ParsedReport;
    try {
      report = parseReport(file.bytes, { ...parseOpts, fileName: file.name });
    } catch (e) {
      if (e instanceof UserError) throw new UserError(e.code, `${file.name}: ${e.message}`, e.details);
      throw e;
    }
    opts.onParsed?.(file.name, report);
    const bad = report.issues.filter((i) => i.severity === "error");
    for (const i of bad) allErrors.push({ ...i, file: file.name });
    if (bad.length && !opts.skipInvalid) errors.push(...bad.map((i) => located(file.name, i)));
    if (report.rows.length === 0 && (bad.length === 0 || opts.skipInvalid)) {
      if (bad.length === 0) errors.push(`${file.name}: no data rows found (format ${report.format})`);
    }
    parsed.push({ file, report });
  }
  if (errors.length) {
    const more = errors.length > MAX_LISTED ? `\n… and ${errors.length - MAX_LISTED} more` : "";
    throw new UserError(
      "invalid_input",
      `nothing was imported: ${errors.length} problem${errors.length > 1 ? "s" : ""} found${opts.skipInvalid ? "" : " (use --skip-invalid to import the good rows)"}:\n${errors.slice(0, MAX_LISTED).join("\n")}${more}`,
      { issues: allErrors },
    );
  }
  const imports: SpendImport[] = parsed.map(({ file, report }) => ({
    file: file.name,
    contentHash: createHash("sha256").update(file.bytes).digest("hex"),
    format: report.format,
    rows: report.rows,
    reach: report.reach,
  }));
  const outcomes = opts.dryRun ? imports.map((i) => ({ rows: i.rows.length, replacedRows: 0 })) : await store.importSpend(imports, opts.onProgress);
  return parsed.map(({ file, report }, i) => ({
    file: file.name,
    format: report.format,
    source: [...new Set(report.rows.map((r) => r.source))].join(",") || report.source,
    rows: outcomes[i]?.rows ?? 0,
    replaced_rows: outcomes[i]?.replacedRows ?? 0,
    skipped: report.issues
      .filter((x) => x.severity === "error")
      .map((x) => ({ line: x.line, ...(x.column ? { column: x.column } : {}), message: x.message })),
    warnings: [
      ...report.issues.filter((x) => x.severity === "warning").map((x) => `line ${x.line}: ${x.message}`),
      ...crossCheckTotals(report),
    ],
  }));
}
