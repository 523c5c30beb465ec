// Worker thread: parses one report and posts its rows in column batches as they are made, then the
// report (format, issues, totals rows, reach). Started by parse-in-worker.ts, which sums the batches.
import { parentPort, workerData } from "node:worker_threads";
import { UserError } from "../../domain/errors.js";
import { ReachColumnsBuilder, reachColumnBuffers } from "../../domain/reach-columns.js";
import { spendColumnBuffers } from "../../domain/spend-columns.js";
import { parseReport } from "../../ingest/index.js";
import type { ParseJob, ToHost } from "./protocol.js";

const job = workerData as ParseJob;
if (!parentPort) throw new Error("parse-worker.ts runs as a worker thread");
const signal = new Int32Array(job.signal);
// The host may be waiting on the counter with Atomics.wait (its event loop blocked): every message,
// and the thread's end however it comes, moves it.
const post = (m: ToHost, transfer: ArrayBuffer[] = []) => {
  job.port.postMessage(m, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};
process.on("exit", () => {
  Atomics.store(signal, 1, 1);
  Atomics.notify(signal, 0);
});

const bytes = new Uint8Array(job.bytes);
// For the progress estimate: line ends in the first MiB, scaled to the file (one row per line).
const SAMPLE = 1 << 20;
let sampled = 0;
for (let at = bytes.indexOf(10); at >= 0 && at < SAMPLE; at = bytes.indexOf(10, at + 1)) sampled++;
post({ t: "estimate", rows: Math.round((sampled * bytes.length) / Math.min(SAMPLE, bytes.length)) });

try {
  // Reach rows are coded into columns as they are made (one per row of a LinkedIn campaign export).
  const reachRows = new ReachColumnsBuilder();
  const report = parseReport(
    bytes,
    job.opts,
    (cols) => post({ t: "batch", cols }, spendColumnBuffers(cols)),
    (row) => reachRows.add(row),
  );
  const reach = reachRows.finish();
  post({ t: "done", report, reach }, reachColumnBuffers(reach));
} catch (e) {
  if (e instanceof UserError) post({ t: "error", code: e.code, message: e.message, details: e.details });
  else post({ t: "error", code: "internal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
