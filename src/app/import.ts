import { createHash } from "node:crypto";
import { UserError } from "../domain/errors.js";
import { reachRowsOf } from "../domain/reach-columns.js";
import type { ParsedReport, ParseIssue, SpendRow } from "../domain/spend.js";
import { spendRowsOf } from "../domain/spend-columns.js";
import { type ParseOptions, parseReport } from "../ingest/index.js";
import type { ProgressFn, SpendBatchImport, SpendImport, Store } from "../store/store.js";
import { DEFAULT_IMPORT_MEMORY, type ImportMemoryPlan, importMemoryPlan } from "./import-stream/memory-plan.js";
import { parseInWorker } from "./import-stream/parse-in-worker.js";
import type { ByteSource } from "./import-stream/parse-parts.js";
import { addRowSums, describeMismatch, emptyRowSums, type RowSums, totalsMismatches } from "./totals-check.js";

/** A report file's name and content (read by the entry point: a CLI path or an HTTP upload). */
export interface ReportFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * A report file too large to hold whole: the entry point reads it for the import, in parts
 * (`read` gives the bytes at a position, fewer only at the end), while it is parsed and written.
 */
export interface ReportFileOnDisk extends ByteSource {
  name: string;
}

/** What an import reads: files in memory, or on disk read in parts. */
export type ImportFile = ReportFile | ReportFileOnDisk;

const onDisk = (f: ImportFile): f is ReportFileOnDisk => !("bytes" in f);

export interface ImportOptions extends Omit<ParseOptions, "fileName"> {
  skipInvalid?: boolean;
  /**
   * Import a file whose totals row its rows do not add up to (as a warning). Without it such a file
   * is refused: a total that disagrees means the rows were misread (money in micros, another
   * decimal mark) or are not all there.
   */
  acceptTotalsMismatch?: boolean;
  /** Parse and check only: nothing is written. */
  dryRun?: boolean;
  onParsed?: (file: string, parsed: ParsedReport) => void;
  onProgress?: ProgressFn;
  /**
   * Files of at least this many bytes are parsed in a worker thread while their rows are written
   * (when the store can take rows in batches); default 8 MiB. 0 streams every file, Infinity none.
   */
  streamFromBytes?: number;
  /**
   * Memory a large file's import may take, in bytes (default 1 GiB), shared as memory-plan.ts says: a
   * file on disk is read in parts of a 64th of it, and the parse waits while the store is behind.
   */
  memoryBytes?: number;
}

export { DEFAULT_IMPORT_MEMORY };

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
const STREAM_FROM_BYTES = 8 * 1024 * 1024;

/** What one file's parse left once its rows are in the store (or counted, in a dry run). */
interface Parsed {
  report: ParsedReport;
  sums: RowSums;
  sources: string[];
  /** SHA-256 of a file read in parts (hashed as it was read). */
  contentHash?: string;
}

/**
 * A file on disk parsed in parts by a worker when its rows are not written as they come (a dry run:
 * counted only; a store that takes rows only whole: kept in memory).
 */
async function parsedInParts(file: ReportFileOnDisk, parseOpts: Omit<ParseOptions, "fileName">, plan: ImportMemoryPlan, keepRows: boolean, onParsed: ImportOptions["onParsed"]): Promise<Parsed> {
  const work = parseInWorker(file, { ...parseOpts, fileName: file.name }, true, plan);
  const rows: SpendRow[] = [];
  await withFileNameAsync(file, async () => {
    for await (const cols of work.batches) if (keepRows) for (const r of spendRowsOf(cols)) rows.push(r);
  });
  const s = work.summary();
  const report = { ...s.report, rows, reach: keepRows ? reachRowsOf(s.reach) : [] };
  onParsed?.(file.name, report);
  return { report, sums: s.sums, sources: s.sources, contentHash: s.contentHash };
}

function located(file: string, i: ParseIssue): string {
  return `${file}:${i.line}${i.column ? `, column '${i.column}'` : ""}: ${i.message}`;
}

/** How the import treats a file's problems. */
interface Leniency {
  skipInvalid: boolean | undefined;
  acceptTotalsMismatch: boolean | undefined;
}

/**
 * The problems that stop a file's import: its row errors (unless skipped), no rows at all (every row
 * skipped included), or a totals row its rows do not add up to (unless accepted; with skipped rows
 * the difference is theirs, and only a warning).
 */
function blocking(file: string, p: Parsed, how: Leniency): string[] {
  const bad = p.report.issues.filter((i) => i.severity === "error");
  if (bad.length && !how.skipInvalid) return bad.map((i) => located(file, i));
  if (p.sums.rows === 0) {
    if (bad.length === 0) return [`${file}: no data rows found (format ${p.report.format})`];
    return [`${file}: every row was skipped (${bad.length} problem${bad.length > 1 ? "s" : ""}), so there is nothing to import`, ...bad.map((i) => located(file, i))];
  }
  if (bad.length || how.acceptTotalsMismatch) return [];
  return totalsMismatches(p.report.fileTotals, p.sums).map((m) => `${file}: ${describeMismatch(m)} (or pass --accept-totals-mismatch to import the rows as read)`);
}

/** The totals rows a file's rows do not add up to, as warnings of an import that went ahead. */
function totalsWarnings(p: Parsed, how: Leniency): string[] {
  const skipped = p.report.issues.filter((i) => i.severity === "error").length;
  const why = skipped ? ` (${skipped} row${skipped > 1 ? "s were" : " was"} skipped)` : how.acceptTotalsMismatch ? " (accepted with --accept-totals-mismatch)" : "";
  return totalsMismatches(p.report.fileTotals, p.sums).map((m) => `${describeMismatch(m)}${why}`);
}

/** Whether --skip-invalid would import something: a file with good rows and bad ones. */
function skippable(p: Parsed): boolean {
  return p.sums.rows > 0 && p.report.issues.some((i) => i.severity === "error");
}

function rejection(errors: string[], issues: (ParseIssue & { file: string })[], skipInvalid: boolean | undefined, canSkip: boolean): UserError {
  const more = errors.length > MAX_LISTED ? `\n… and ${errors.length - MAX_LISTED} more` : "";
  const hint = skipInvalid || !canSkip ? "" : " (use --skip-invalid to import the good rows)";
  return new UserError(
    "invalid_input",
    `nothing was imported: ${errors.length} problem${errors.length > 1 ? "s" : ""} found${hint}:\n${errors.slice(0, MAX_LISTED).join("\n")}${more}`,
    { issues },
  );
}

function errorsOf(file: string, report: ParsedReport): (ParseIssue & { file: string })[] {
  return report.issues.filter((i) => i.severity === "error").map((i) => ({ ...i, file }));
}

async function withFileNameAsync<T>(file: ImportFile, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.code, `${file.name}: ${e.message}`, e.details);
    throw e;
  }
}

function withFileName<T>(file: ImportFile, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.code, `${file.name}: ${e.message}`, e.details);
    throw e;
  }
}

/**
 * Parses report files and imports them in one transaction (DESIGN rules 5 and 6): a file with a bad
 * row rejects the whole import with file, line, column and reason unless `skipInvalid`, in which
 * case the good rows are imported and the bad ones listed. Large files are parsed in a worker thread
 * while their rows are written; a problem found there rolls the transaction back.
 * @example await importReports(store, [{ name: "spend.csv", bytes }], { currency: "USD" })
 */
export async function importReports(store: Store, files: readonly ImportFile[], opts: ImportOptions = {}): Promise<FileImportResult[]> {
  const { skipInvalid, acceptTotalsMismatch, dryRun, onParsed, onProgress, streamFromBytes, memoryBytes, ...parseOpts } = opts;
  const how: Leniency = { skipInvalid, acceptTotalsMismatch };
  const threshold = streamFromBytes ?? STREAM_FROM_BYTES;
  const plan = importMemoryPlan(memoryBytes);
  const streams = !dryRun && store.importSpendBatches !== undefined;
  const parsed: (Parsed | null)[] = [];
  const errors: string[] = [];
  const allErrors: (ParseIssue & { file: string })[] = [];
  for (const file of files) {
    if (onDisk(file)) {
      // Read in parts by a worker: while it is written, or (a dry run, a store without batches) counted here.
      if (streams) parsed.push(null);
      else parsed.push(await parsedInParts(file, parseOpts, plan, !dryRun, onParsed));
      const p = parsed[parsed.length - 1];
      if (p) {
        allErrors.push(...errorsOf(file.name, p.report));
        errors.push(...blocking(file.name, p, how));
      }
      continue;
    }
    if (streams && file.bytes.length >= threshold) {
      parsed.push(null); // parsed while it is written
      continue;
    }
    const report = withFileName(file, () => parseReport(file.bytes, { ...parseOpts, fileName: file.name }));
    onParsed?.(file.name, report);
    const p: Parsed = { report, sums: addRowSums(emptyRowSums(), report.rows), sources: [...new Set(report.rows.map((r) => r.source))] };
    allErrors.push(...errorsOf(file.name, report));
    errors.push(...blocking(file.name, p, how));
    parsed.push(p);
  }
  if (errors.length) throw rejection(errors, allErrors, skipInvalid, parsed.some((p) => p !== null && skippable(p)));

  const contentHash = (f: ReportFile) => createHash("sha256").update(f.bytes).digest("hex");
  let first = true;
  const imports = files.map((file, i): SpendImport | SpendBatchImport => {
    const p = parsed[i];
    if (p) return { file: file.name, contentHash: p.contentHash ?? contentHash(file as ReportFile), format: p.report.format, rows: p.report.rows, reach: p.report.reach };
    // The first large file starts parsing now, while the store opens its transaction.
    const work = parseInWorker(onDisk(file) ? file : file.bytes, { ...parseOpts, fileName: file.name }, first, plan);
    first = false;
    // Once the batches have ended: the file's problems refuse it (the store rolls back) unless skipped.
    const ended = () => {
      const s = work.summary();
      const done: Parsed = { report: s.report, sums: s.sums, sources: s.sources };
      onParsed?.(file.name, s.report);
      parsed[i] = done;
      const stop = blocking(file.name, done, how);
      if (stop.length) throw rejection(stop, errorsOf(file.name, s.report), skipInvalid, skippable(done));
    };
    const next = () => {
      const batch = withFileName(file, work.nextSync);
      if (batch === null) ended();
      return batch;
    };
    return {
      file: file.name,
      batches: { started: work.started, next, cancel: work.cancel },
      estimatedRows: work.estimatedRows,
      finished: () => {
        const s = work.summary();
        return { contentHash: s.contentHash, format: s.report.format, reach: s.reach, windows: s.windows };
      },
    };
  });
  const outcomes = dryRun
    ? parsed.map((p) => ({ rows: p?.sums.rows ?? 0, replacedRows: 0 }))
    : store.importSpendBatches && parsed.some((p) => p === null)
      ? await store.importSpendBatches(imports, onProgress)
      : await store.importSpend(imports as SpendImport[], onProgress);
  // What the exports say campaigns are doing (paused, ended): alerts do not call those "stopped".
  const statuses = parsed.flatMap((p) => p?.report.statuses ?? []);
  if (!dryRun && statuses.length > 0) await store.recordCampaignStatuses(statuses);
  return files.map((file, i) => {
    const p = parsed[i] as Parsed;
    const { report, sources } = p;
    return {
      file: file.name,
      format: report.format,
      source: sources.join(",") || report.source,
      rows: outcomes[i]?.rows ?? 0,
      replaced_rows: outcomes[i]?.replacedRows ?? 0,
      skipped: report.issues
        .filter((x) => x.severity === "error")
        .map((x) => ({ line: x.line, ...(x.column ? { column: x.column } : {}), message: x.message })),
      warnings: [...report.issues.filter((x) => x.severity === "warning").map((x) => `line ${x.line}: ${x.message}`), ...totalsWarnings(p, how)],
    };
  });
}

