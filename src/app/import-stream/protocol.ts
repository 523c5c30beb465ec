// Messages between parse-in-worker.ts (the host) and parse-worker.ts (the worker thread).
import type { ReplaceWindow } from "../../domain/replace-window.js";
import type { ParsedReport } from "../../domain/spend.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import type { ParseOptions } from "../../ingest/index.js";
import type { RowSums } from "../totals-check.js";

export interface ParseJob {
  /** The file's bytes, shared with the worker (not copied again). */
  bytes: SharedArrayBuffer;
  opts: ParseOptions;
}

/** What the worker found once the whole file was read (the report's rows went out in batches). */
export interface ParseSummary {
  report: ParsedReport;
  windows: ReplaceWindow[];
  sums: RowSums;
  sources: string[];
  /** SHA-256 of the file's bytes, hex. */
  contentHash: string;
}

export type ToHost =
  | { t: "estimate"; rows: number }
  | { t: "batch"; cols: SpendColumns }
  | ({ t: "done" } & ParseSummary)
  | { t: "error"; code: string; message: string; details?: unknown };
