// Messages between parse-in-worker.ts (the host) and parse-worker.ts (the worker thread).
import type { MessagePort } from "node:worker_threads";
import type { ReachColumns } from "../../domain/reach-columns.js";
import type { ReplaceWindow } from "../../domain/replace-window.js";
import type { ParsedReport } from "../../domain/spend.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import type { ParseOptions } from "../../ingest/index.js";
import type { RowSums } from "../totals-check.js";

export interface ParseJob {
  /** The file's bytes, shared with the worker (not copied again); or, for a file read in parts, its size. */
  bytes: SharedArrayBuffer | { size: number; partBytes: number; wholeBytes: number };
  opts: ParseOptions;
  /**
   * A file read in parts: where the host answers the worker's `read` requests ({ bytes } messages),
   * and three Int32 slots: [0] counts batches the host has taken, [1] counts answers it sent.
   */
  replies?: MessagePort;
  flow?: SharedArrayBuffer;
  /** Where the worker posts its messages (ToHost). */
  port: MessagePort;
  /** Two Int32 slots: [0] counts the messages posted (bumped after each, with a notify), [1] is set to 1 when the worker exits. */
  signal: SharedArrayBuffer;
}

/** What is known once the whole file was read (the report's rows went out in batches, its reach rows are `reach`). */
export interface ParseSummary {
  report: ParsedReport;
  reach: ReachColumns;
  windows: ReplaceWindow[];
  sums: RowSums;
  sources: string[];
  /** SHA-256 of the file's bytes, hex. */
  contentHash: string;
}

export type ToHost =
  | { t: "estimate"; rows: number }
  /** The worker wants the file's bytes [position, position + length) (a file read in parts). */
  | { t: "read"; position: number; length: number }
  | { t: "batch"; cols: SpendColumns }
  /** The report without its rows and reach rows; the reach rows as columns (transferred, not copied). */
  | { t: "done"; report: ParsedReport; reach: ReachColumns }
  | { t: "error"; code: string; message: string; details?: unknown };
