// Worker thread: parses one report and posts its rows in column batches as they are made, then a
// summary (format, issues, totals rows, replacement windows, sums). Started by parse-in-worker.ts.
import { createHash } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { UserError } from "../../domain/errors.js";
import { ReplaceWindowCollector } from "../../domain/replace-window.js";
import { spendColumnBuffers } from "../../domain/spend-columns.js";
import { parseReport } from "../../ingest/index.js";
import { addColumnSums, emptyRowSums } from "../totals-check.js";
import type { ParseJob, ToHost } from "./protocol.js";

const job = workerData as ParseJob;
const port = parentPort;
if (!port) throw new Error("parse-worker.ts runs as a worker thread");
const post = (m: ToHost, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const bytes = new Uint8Array(job.bytes);
// For the progress estimate: line ends in the first MiB, scaled to the file (one row per line).
const SAMPLE = 1 << 20;
let sampled = 0;
for (let at = bytes.indexOf(10); at >= 0 && at < SAMPLE; at = bytes.indexOf(10, at + 1)) sampled++;
post({ t: "estimate", rows: Math.round((sampled * bytes.length) / Math.min(SAMPLE, bytes.length)) });

const windows = new ReplaceWindowCollector();
const sums = emptyRowSums();
const sources = new Set<string>();
try {
  const report = parseReport(bytes, job.opts, (cols) => {
    addColumnSums(sums, cols);
    windows.addColumns(cols);
    for (const s of (cols.text[0] as { values: string[] }).values) if (s !== "") sources.add(s);
    post({ t: "batch", cols }, spendColumnBuffers(cols));
  });
  const contentHash = createHash("sha256").update(bytes).digest("hex");
  post({ t: "done", report, windows: windows.windows(), sums, sources: [...sources], contentHash });
} catch (e) {
  if (e instanceof UserError) post({ t: "error", code: e.code, message: e.message, details: e.details });
  else post({ t: "error", code: "internal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
