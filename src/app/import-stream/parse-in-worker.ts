// Parses a report in a worker thread, handing its rows over in column batches while it reads, so
// that parsing (there) and writing to the store (here) overlap.
import { Worker } from "node:worker_threads";
import { UserError } from "../../domain/errors.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import type { ParseOptions } from "../../ingest/index.js";
import type { ParseJob, ParseSummary, ToHost } from "./protocol.js";

/** A report being parsed in a worker: its batches (iterate once) and, after them, its summary. */
export interface WorkerParse {
  batches: AsyncIterable<SpendColumns>;
  /** Rows expected (the file's line count until the parse ends, then exact). */
  estimatedRows(): number;
  /** The summary; throws when read before the batches have ended. */
  summary(): ParseSummary;
}

function startWorker(job: ParseJob): Worker {
  // Built, the worker is parse-worker.js; under tsx (tests, benchmarks) it is .ts, which a worker
  // thread can load only once tsx's loader is registered in it.
  const url = new URL(`./parse-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);
  if (url.pathname.endsWith(".js")) return new Worker(url, { workerData: job });
  // Not an import of this module: code for the new thread, where tsx (a dev dependency) is present.
  const loader = JSON.stringify("tsx/esm/api");
  const boot = `import(${loader}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/**
 * Starts parsing `bytes` in a worker thread now (`eager`) or when the batches are first read (so
 * that several large files are not all parsed into memory at once). A whole-file problem
 * (UserError in the parser) ends the batches with that error; the file's row problems are in the
 * summary's report, as parseReport returns them.
 * @example const p = parseInWorker(bytes, { fileName: "big.csv" }); for await (const b of p.batches) …; p.summary().report.issues
 */
export function parseInWorker(bytes: Uint8Array, opts: ParseOptions, eager = false): WorkerParse {
  let estimate = 0;
  let result: ParseSummary | null = null;
  const queue: ToHost[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let worker: Worker | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const start = (): Worker => {
    if (worker) return worker;
    const shared = new SharedArrayBuffer(bytes.byteLength);
    new Uint8Array(shared).set(bytes);
    const w = startWorker({ bytes: shared, opts });
    w.on("message", (m: ToHost) => {
      queue.push(m);
      notify();
    });
    w.on("error", (e: unknown) => {
      failure = e instanceof Error ? e : new Error(String(e));
      notify();
    });
    w.on("exit", (code) => {
      if (result === null && failure === null) failure = new Error(`the parser thread stopped (exit code ${code}) before the end of ${opts.fileName}`);
      notify();
    });
    worker = w;
    return w;
  };
  if (eager) start();
  async function* batches(): AsyncGenerator<SpendColumns> {
    const w = start();
    try {
      for (;;) {
        const m = queue.shift();
        if (!m) {
          if (failure) throw failure;
          await new Promise<void>((r) => {
            wake = r;
          });
          continue;
        }
        if (m.t === "estimate") estimate = m.rows;
        else if (m.t === "batch") yield m.cols;
        else if (m.t === "error") throw m.code === "internal" ? new Error(m.message) : new UserError(m.code, m.message, m.details);
        else {
          const { t: _t, ...summary } = m;
          result = summary;
          estimate = summary.sums.rows;
          return;
        }
      }
    } finally {
      void w.terminate();
    }
  }
  return {
    batches: { [Symbol.asyncIterator]: batches },
    estimatedRows: () => estimate,
    summary: () => {
      if (!result) throw new Error(`the parse of ${opts.fileName} has not ended`);
      return result;
    },
  };
}
