// Parses a report in a worker thread, handing its rows over in column batches while it reads, so
// that parsing (there) and writing to the store (here) overlap. The worker posts on a MessagePort and
// then bumps a shared counter, so the batches can be read as they come either asynchronously or from
// inside a synchronous callback (DuckDB pulling rows for its INSERT) that waits on the counter.
import { createHash } from "node:crypto";
import { MessageChannel, type ResourceLimits, receiveMessageOnPort, type Transferable, Worker } from "node:worker_threads";
import { UserError } from "../../domain/errors.js";
import { ReplaceWindowCollector } from "../../domain/replace-window.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import { isZipArchive } from "../../ingest/decode.js";
import type { ParseOptions } from "../../ingest/index.js";
import { zipEntries } from "../../ingest/zip-reader.js";
import { addColumnSums, emptyRowSums } from "../totals-check.js";
import { DEFAULT_IMPORT_MEMORY, type ImportMemoryPlan, importMemoryPlan, workbookHeapMb } from "./memory-plan.js";
import type { ByteSource } from "./parse-parts.js";
import type { ParseJob, ParseSummary, ToHost } from "./protocol.js";


/** Longest wait for the next batch once batches flow (a batch is 16,384 rows: well under a second). */
const STALL_MS = 120_000;

/** A report being parsed in a worker: its batches (read them one way, once) and, after them, its summary. */
export interface WorkerParse {
  batches: AsyncIterable<SpendColumns>;
  /** Resolves once the first batch, the end or a failure has come (so `nextSync` does not block while the file is read whole). */
  started(): Promise<void>;
  /**
   * The next batch, blocking this thread while it is parsed; null after the last. Throws what the
   * parse threw (a UserError for a problem with the file).
   */
  nextSync(): SpendColumns | null;
  /** Stops the parse (a reader that gives up before the end). */
  cancel(): void;
  /** Rows expected (the file's line count until the parse ends, then exact). */
  estimatedRows(): number;
  /** The summary; throws when read before the batches have ended. */
  summary(): ParseSummary;
}

// Atomics.waitAsync is in Node 16+, not in TypeScript's ES2022 library.
const { waitAsync } = Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
};

/** Resolves when slot 0 of `signal` is no longer `seen`, or after a second (without blocking the thread). */
async function waitPast(signal: Int32Array, seen: number): Promise<void> {
  const w = waitAsync(signal, 0, seen, 1000);
  if (w.async) await w.value;
}

/** The size of a workbook's shared strings XML, from its zip directory (the most allowed when that cannot be read: the parse says why). */
function sharedStringsBytes(file: ByteSource, plan: ImportMemoryPlan): number {
  try {
    return zipEntries(file).get("xl/sharedStrings.xml")?.size ?? 0;
  } catch {
    return plan.wholeBytes;
  }
}

/** The bytes as a whole SharedArrayBuffer for the worker: theirs when they are one already (see cli/read-files.ts), else a copy. */
function sharedBytes(bytes: Uint8Array): SharedArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof SharedArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  const shared = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(shared).set(bytes);
  return shared;
}

function startWorker(job: ParseJob, transfer: Transferable[], resourceLimits: ResourceLimits = {}): Worker {
  // Built, the worker is parse-worker.js; under tsx (tests, benchmarks) it is .ts, which a worker
  // thread can load only once tsx's loader is registered in it.
  const url = new URL(`./parse-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);
  if (url.pathname.endsWith(".js")) return new Worker(url, { workerData: job, transferList: transfer, resourceLimits });
  // Not an import of this module: code for the new thread, where tsx (a dev dependency) is present.
  const loader = JSON.stringify("tsx/esm/api");
  const boot = `import(${loader}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: job, transferList: transfer, resourceLimits });
}

/**
 * Starts parsing `input` (bytes in memory, or a file the worker reads in parts through this thread,
 * within the memory `plan`: see parse-parts.ts and memory-plan.ts) in a worker thread now (`eager`) or when the batches are first asked for
 * (so that several large files are not all parsed into memory at once). A whole-file problem
 * (UserError in the parser) ends the batches with that error; the file's row problems are in the
 * summary's report, as parseReport returns them.
 * @example const p = parseInWorker(bytes, { fileName: "big.csv" }); for await (const b of p.batches) …; p.summary().report.issues
 */
export function parseInWorker(input: Uint8Array | ByteSource, opts: ParseOptions, eager = false, plan: ImportMemoryPlan = importMemoryPlan(DEFAULT_IMPORT_MEMORY)): WorkerParse {
  const { partBytes } = plan;
  let estimate = 0;
  let result: ParseSummary | null = null;
  let failure: Error | null = null;
  let worker: Worker | null = null;
  let contentHash = "";
  // Summed here, batch by batch, rather than in the worker: the parse is the slower side.
  const windows = new ReplaceWindowCollector();
  const sums = emptyRowSums();
  const sources = new Set<string>();
  let port: MessageChannel["port1"] | null = null;
  // [0] counts messages posted; [1] is 1 once the worker thread has exited.
  const signal = new Int32Array(new SharedArrayBuffer(8));
  // [0] batches taken here, [1] read answers sent (the worker waits on them: see parse-worker.ts).
  const flow = new Int32Array(new SharedArrayBuffer(8));
  const inMemory = input instanceof Uint8Array;
  const hash = createHash("sha256");
  let hashedTo = 0;
  let replies: MessageChannel["port1"] | null = null;
  /** Hashes what a read adds to the bytes hashed so far (reads go forward; the first part may be read again). */
  const hashRead = (position: number, bytes: Uint8Array) => {
    if (position <= hashedTo && position + bytes.length > hashedTo) {
      hash.update(bytes.subarray(hashedTo - position));
      hashedTo = position + bytes.length;
    }
  };
  const start = (): void => {
    if (worker) return;
    const channel = new MessageChannel();
    port = channel.port1;
    const job: ParseJob = {
      bytes: inMemory ? sharedBytes(input) : { size: input.size, partBytes, wholeBytes: plan.wholeBytes },
      opts,
      port: channel.port2,
      signal: signal.buffer as SharedArrayBuffer,
      flow: flow.buffer as SharedArrayBuffer,
    };
    const transfer: Transferable[] = [channel.port2];
    if (!inMemory) {
      const answers = new MessageChannel();
      replies = answers.port1;
      job.replies = answers.port2;
      transfer.push(answers.port2);
    }
    // A file read in parts: the worker's heap is kept to what a part needs (its bytes, its text and its
    // cells, a few times the part), so V8 collects the parts read before instead of letting them pile
    // up to whatever its default limit is. A workbook gets room for its shared strings (xlsx-parts.ts).
    const heapMb = inMemory ? 0 : isZipArchive(input.read(0, 4)) ? workbookHeapMb(plan, sharedStringsBytes(input, plan)) : plan.parserHeapMb;
    const w = startWorker(job, transfer, heapMb ? { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(16, heapMb / 4) } : {});
    w.on("error", (e: unknown) => {
      if ((e as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") {
        failure ??= new UserError(
          "out_of_memory",
          `${opts.fileName}: reading it took more than the ${heapMb} MB its import's memory setting gives the parse: raise --max-memory (or $CPI_IMPORT_MEMORY)`,
        );
      }
      failure ??= e instanceof Error ? e : new Error(String(e));
    });
    w.on("exit", (code) => {
      if (result === null) failure ??= new Error(`the parser thread stopped (exit code ${code}) before the end of ${opts.fileName}`);
      Atomics.store(signal, 1, 1);
      Atomics.notify(signal, 0);
    });
    worker = w;
    // While the worker starts: the file's hash (the host's thread is otherwise waiting for the first batch).
    if (inMemory) contentHash = createHash("sha256").update(input).digest("hex");
  };
  /** The hash of a file read in parts, once read: what the parse did not read (a footer) is read here for it. */
  const partsHash = (): string => {
    if (inMemory) return contentHash;
    while (hashedTo < input.size) hashRead(hashedTo, input.read(hashedTo, Math.min(partBytes, input.size - hashedTo)));
    contentHash = hash.digest("hex");
    return contentHash;
  };
  if (eager) start();
  const stop = () => {
    void worker?.terminate();
    port?.close();
    replies?.close();
  };

  /** Handles one message: a batch, or null for anything else (the end sets `result`, an error throws). */
  const handle = (m: ToHost): SpendColumns | null => {
    if (m.t === "estimate") estimate = m.rows;
    else if (m.t === "read") {
      // The worker waits for these bytes: read them here (the entry point's reader) and answer.
      const bytes = (input as ByteSource).read(m.position, m.length);
      hashRead(m.position, bytes);
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
      replies?.postMessage({ bytes: owned }, [owned.buffer as ArrayBuffer]);
      Atomics.add(flow, 1, 1);
      Atomics.notify(flow, 1);
    } else if (m.t === "batch") {
      Atomics.add(flow, 0, 1);
      Atomics.notify(flow, 0);
      const cols = m.cols;
      addColumnSums(sums, cols);
      windows.addColumns(cols);
      for (const s of (cols.text[0] as { values: string[] }).values) if (s !== "") sources.add(s);
      return cols;
    } else if (m.t === "error") throw m.code === "internal" ? new Error(m.message) : new UserError(m.code, m.message, m.details);
    else {
      result = { report: m.report, reach: m.reach, windows: windows.windows(), sums, sources: [...sources], contentHash: partsHash() };
      estimate = sums.rows;
    }
    return null;
  };
  const receive = (): ToHost | undefined => (port ? (receiveMessageOnPort(port)?.message as ToHost | undefined) : undefined);
  const exited = () => Atomics.load(signal, 1) === 1;
  const gone = (): Error => failure ?? new Error(`the parser thread stopped before the end of ${opts.fileName}`);

  /**
   * One step of reading: a batch, "end" once the summary has come, or the counter value to wait
   * past before trying again. Throws what the parse threw, or when the worker is gone.
   */
  const step = (): SpendColumns | "end" | number => {
    for (;;) {
      if (result) return "end";
      const seen = Atomics.load(signal, 0);
      // The worker posts and then counts or exits: a message sent just before it exited is read here.
      const m = receive() ?? (exited() ? receive() : undefined);
      if (!m) {
        if (exited()) throw gone();
        return seen;
      }
      const batch = handle(m);
      if (batch) return batch;
    }
  };

  async function* batches(): AsyncGenerator<SpendColumns> {
    start();
    try {
      for (;;) {
        const s = step();
        if (s === "end") return;
        if (typeof s === "number") {
          await waitPast(signal, s);
        } else yield s;
      }
    } finally {
      stop();
    }
  }

  // What `started` read ahead: the first batch, or what ended the parse before one came.
  let ahead: { batch: SpendColumns } | { error: unknown } | null = null;
  /** The next batch for a synchronous reader: waits with Atomics.wait, in slices, up to STALL_MS without news. */
  const nextSync = (): SpendColumns | null => {
    start();
    let out: SpendColumns | "end" = "end";
    try {
      const first = ahead;
      ahead = null;
      if (first && "error" in first) throw first.error;
      if (first) {
        out = first.batch;
        return out;
      }
      let waited = 0;
      for (;;) {
        const s = step();
        if (typeof s !== "number") {
          out = s;
          break;
        }
        if (waited >= STALL_MS) throw new Error(`the parser thread sent nothing for ${STALL_MS / 1000} s while reading ${opts.fileName}`);
        waited = Atomics.wait(signal, 0, s, 1000) === "timed-out" ? waited + 1000 : 0;
      }
    } finally {
      if (out === "end") stop();
    }
    return out === "end" ? null : out;
  };

  return {
    batches: { [Symbol.asyncIterator]: batches },
    // Waits (without blocking the thread) for the first batch, or the end: a platform file is read
    // whole before its first batch, and nextSync should not block through that.
    started: async () => {
      start();
      try {
        for (;;) {
          const s = step();
          if (s === "end") return;
          if (typeof s !== "number") {
            ahead = { batch: s };
            return;
          }
          await waitPast(signal, s);
        }
      } catch (e) {
        ahead = { error: e };
      }
    },
    nextSync,
    cancel: stop,
    estimatedRows: () => estimate,
    summary: () => {
      if (!result) throw new Error(`the parse of ${opts.fileName} has not ended`);
      return result;
    },
  };
}
