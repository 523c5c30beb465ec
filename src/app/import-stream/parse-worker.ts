// Worker thread: parses one report and posts its rows in column batches as they are made, then the
// report (format, issues, totals rows, reach). Started by parse-in-worker.ts, which sums the batches.
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { UserError } from "../../domain/errors.js";
import { ReachColumnsBuilder, reachColumnBuffers } from "../../domain/reach-columns.js";
import type { ParsedReport, PlatformReachRow } from "../../domain/spend.js";
import { type SpendColumns, spendColumnBuffers } from "../../domain/spend-columns.js";
import { isZipArchive } from "../../ingest/decode.js";
import { parseReport } from "../../ingest/index.js";
import { parseInParts } from "./parse-parts.js";
import type { ParseJob, ToHost } from "./protocol.js";
import { parseXlsxInParts } from "./xlsx-parts.js";

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

/** Batches posted and not yet taken by the host, at most: what a slow store keeps waiting in memory. */
const MAX_WAITING_BATCHES = 8;
const flow = job.flow ? new Int32Array(job.flow) : null;
let batchesPosted = 0;
let answersSeen = 0;

/** Posts a batch; with a file read in parts, first waits while the host has MAX_WAITING_BATCHES untaken. */
function postBatch(cols: SpendColumns): void {
  if (flow) {
    for (let taken = Atomics.load(flow, 0); batchesPosted - taken >= MAX_WAITING_BATCHES; taken = Atomics.load(flow, 0)) Atomics.wait(flow, 0, taken, 1000);
  }
  post({ t: "batch", cols }, spendColumnBuffers(cols));
  batchesPosted++;
}

/** Asks the host for bytes [position, position + length) of the file (it answers when it next reads this thread's messages). */
function askHost(position: number, length: number): void {
  post({ t: "read", position, length });
  answersSeen++;
}

/** Waits for the host's answer to the oldest question not yet answered. */
function answer(): Uint8Array {
  const replies = job.replies as MessagePort;
  const f = flow as Int32Array;
  for (;;) {
    const m = receiveMessageOnPort(replies);
    if (m) return (m.message as { bytes: Uint8Array }).bytes;
    if (Atomics.wait(f, 1, answersSeen - 1, 120_000) === "timed-out" && Atomics.load(f, 1) < answersSeen) {
      throw new Error(`the import sent no bytes of ${job.opts.fileName} for 120 s`);
    }
  }
}

/**
 * The file's bytes from the host (which reads it). The next part (as long as this read, right after
 * it) is asked for at once, so that the host reads it while this one is parsed: it answers only when
 * it next takes a batch, and a part asked for only when needed waited behind the batches queued.
 */
let ahead: { position: number; length: number } | null = null;
function readFromHost(position: number, length: number, size: number): Uint8Array {
  let bytes: Uint8Array;
  if (ahead && ahead.position === position && ahead.length === length) bytes = answer();
  else {
    if (ahead) answer(); // read ahead for nothing: the parse went another way
    askHost(position, length);
    bytes = answer();
  }
  ahead = null;
  const next = position + bytes.length;
  if (bytes.length === length && next < size) {
    ahead = { position: next, length: Math.min(length, size - next) };
    askHost(ahead.position, ahead.length);
  }
  return bytes;
}

try {
  // Reach rows are coded into columns as they are made (one per row of a LinkedIn campaign export).
  const reachRows = new ReachColumnsBuilder();
  let report: ParsedReport;
  if (job.bytes instanceof SharedArrayBuffer) {
    const bytes = new Uint8Array(job.bytes);
    post({ t: "estimate", rows: estimateRows(bytes, bytes.length) });
    report = parseReport(bytes, job.opts, postBatch, (row) => reachRows.add(row));
  } else {
    const { size, partBytes, wholeBytes } = job.bytes;
    // A workbook's rows are estimated from its sheet's XML as it is read; a text file's from its first part.
    const workbook = isZipArchive(readFromHost(0, Math.min(size, 4), size));
    let estimated = workbook;
    const source = {
      size,
      read: (position: number, length: number) => {
        const bytes = readFromHost(position, length, size);
        if (!estimated) {
          estimated = true;
          post({ t: "estimate", rows: estimateRows(bytes, size) });
        }
        return bytes;
      },
    };
    const onReach = (row: PlatformReachRow) => reachRows.add(row);
    if (workbook) {
      const onEstimate = (rows: number) => post({ t: "estimate", rows });
      report = parseXlsxInParts(source, job.opts, { partBytes, maxSharedBytes: wholeBytes, onEstimate }, postBatch, onReach);
    } else report = parseInParts(source, job.opts, partBytes, postBatch, onReach, wholeBytes);
  }
  const reach = reachRows.finish();
  post({ t: "done", report, reach }, reachColumnBuffers(reach));
} catch (e) {
  if (e instanceof UserError) post({ t: "error", code: e.code, message: e.message, details: e.details });
  else post({ t: "error", code: "internal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}

/** For the progress estimate: line ends in the first MiB, scaled to the file's size (one row per line). */
function estimateRows(bytes: Uint8Array, size: number): number {
  const sample = Math.min(1 << 20, bytes.length);
  let lines = 0;
  for (let at = bytes.indexOf(10); at >= 0 && at < sample; at = bytes.indexOf(10, at + 1)) lines++;
  return sample === 0 ? 0 : Math.round((lines * size) / sample);
}
