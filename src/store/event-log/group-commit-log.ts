// The tracking server's write-ahead log: events of concurrent requests are batched, written with one
// write(2) and made durable before any request of the batch is answered (group commit). The file is
// opened O_DSYNC, so one write on libuv's thread pool is both write and sync, and the event loop never
// blocks. Space is preallocated with zeros ahead of the data: overwriting allocated blocks needs no
// file-system metadata update, so a sync is a data flush and does not wait behind other writers'
// journal commits (measured here: p99 0.2 ms instead of 20 ms under a busy disk).
//
// One batch is written at a time while writes are quick. When a write has been under way for STALL_MS,
// the lines that arrived meanwhile go out beside it, at their own offset (up to MAX_IN_FLIGHT writes at
// once), instead of after it: a disk that stalls one sync for 20–50 ms (measured here while other
// programs wrote) used to hold every request behind it for that long plus a whole write of its own.
// Writing every batch at once as it came made each write slower (more, smaller syncs). Batches are still
// acknowledged in order: a batch is durable, and said so, only once it and every batch before it are
// written, so what was acknowledged is always one unbroken run of lines from the start of the file.
// A crash with several writes under way may leave a later batch on disk and an earlier one not: the
// gap reads as zeros. None of it was acknowledged; the loader skips a line it cannot decode.
import { randomUUID } from "node:crypto";
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, write, writeSync } from "node:fs";
import { dirname } from "node:path";

/** The first line of every log: its format and identity (the store remembers offsets per log id). */
export interface LogHeader {
  cpi_event_log: 1;
  id: string;
}

export type CommitCallback = (err: Error | null) => void;

/** Where an exception thrown by a commit callback goes (it must never stop the log): stderr by default. */
export type CallbackErrorReport = (e: unknown) => void;

export const reportToStderr: CallbackErrorReport = (e) => {
  try {
    process.stderr.write(`internal error in an event log callback (the log goes on): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  } catch {
    // nowhere left to say it
  }
};

/**
 * Calls `fn` (with `arg`), sending whatever it throws to `report`: a callback's failure is its own,
 * never the log's. Taking the argument spares a closure per acknowledged request.
 */
export function guarded<A>(fn: (arg: A) => void, report: CallbackErrorReport, arg?: A): void {
  try {
    fn(arg as A);
  } catch (e) {
    report(e);
  }
}

/** Bytes of zeros kept ahead of the data by default (more are added when less than half is left). */
export const PREALLOCATE = 64 * 1024 * 1024;
/** Writes (batches) under way at once at most; libuv's thread pool has 4 threads. */
export const MAX_IN_FLIGHT = 3;
/** How long a write may be under way before the next batch goes out beside it (ms). */
export const STALL_MS = 2;
const ZEROS = Buffer.alloc(4 * 1024 * 1024);

/** Reads a log's header: its id and where data starts; null when the file is not a log. */
export function readLogHeader(fd: number): { id: string; dataStart: number } | null {
  const buf = Buffer.alloc(256);
  const n = readSync(fd, buf, 0, buf.length, 0);
  const nl = buf.subarray(0, n).indexOf(10);
  if (nl < 0) return null;
  try {
    const h = JSON.parse(buf.subarray(0, nl).toString("utf8")) as LogHeader;
    if (h.cpi_event_log !== 1 || typeof h.id !== "string") return null;
    return { id: h.id, dataStart: nl + 1 };
  } catch {
    return null;
  }
}

/** Syncs a directory (after creating or renaming a file in it). */
export function fsyncDir(path: string): void {
  try {
    const d = openSync(dirname(path), "r");
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // some file systems refuse fsync on a directory; the file's own sync still holds
  }
}

/**
 * Where the log's data ends: after the last "\n" before the preallocated zeros. Bytes of a torn last
 * line (a write cut short by a crash, never acknowledged) are zeroed. Returns the end offset.
 */
export function findDataEnd(fd: number): number {
  const size = fstatSync(fd).size;
  const buf = Buffer.alloc(1 << 20);
  let end = size;
  let lastData = -1;
  // Skip the zero tail.
  while (end > 0 && lastData < 0) {
    const start = Math.max(0, end - buf.length);
    const n = readSync(fd, buf, 0, end - start, start);
    for (let i = n - 1; i >= 0; i--) {
      if (buf[i] !== 0) {
        lastData = start + i;
        break;
      }
    }
    end = start;
  }
  if (lastData < 0) return 0;
  // The last complete line ends at the last "\n" at or before lastData.
  end = lastData + 1;
  let dataEnd = 0;
  while (end > 0) {
    const start = Math.max(0, end - buf.length);
    const n = readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, n).lastIndexOf(10);
    if (nl >= 0) {
      dataEnd = start + nl + 1;
      break;
    }
    end = start;
  }
  if (dataEnd < lastData + 1) {
    writeSync(fd, Buffer.alloc(lastData + 1 - dataEnd), 0, lastData + 1 - dataEnd, dataEnd);
    fsyncSync(fd);
  }
  return dataEnd;
}

/** How a batch reaches the file: fs.write's signature (tests pass one that holds writes back). */
export type WriteAt = (fd: number, buf: Buffer, offset: number, length: number, position: number, cb: (err: NodeJS.ErrnoException | null, written: number) => void) => void;

/** How a log is opened (see GroupCommitLog.open). */
export interface LogOptions {
  maxPendingBytes?: number;
  preallocateBytes?: number;
  onCallbackError?: CallbackErrorReport;
  maxInFlight?: number;
  stallMs?: number;
  writeAt?: WriteAt;
  /** Hears, for each batch acknowledged, the ms from its first line's append to its acknowledgement. */
  onDurable?: (ms: number) => void;
}

/** A batch being written: where its bytes end, who waits for it, and whether its write is done. */
interface InFlight {
  end: number;
  /** When its first line was appended (performance.now()). */
  queued: number;
  /** When its write began (performance.now()). */
  started: number;
  callbacks: CommitCallback[];
  written: boolean;
}

/** An append-only, group-committed log of lines. */
export class GroupCommitLog {
  private pending: string[] = [];
  private callbacks: CommitCallback[] = [];
  private pendingBytes = 0;
  /** When the first of the pending lines was appended (performance.now()). */
  private pendingSince = 0;
  /** Batches being written, oldest first (acknowledged in this order). */
  private inFlight: InFlight[] = [];
  /** Where the next batch is written: the end of everything handed to a write so far. */
  private writeOffset: number;
  private scheduled = false;
  /** Armed while a write is under way and lines wait: starts the next write beside it once that write stalls. */
  private stallTimer: NodeJS.Timeout | null = null;
  private extending = false;
  private failed: Error | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Batches written so far (for diagnostics). */
  batches = 0;

  private constructor(
    readonly path: string,
    readonly id: string,
    readonly dataStart: number,
    private fd: number,
    /** Bytes durably written: everything before this offset is on disk. */
    public committedOffset: number,
    /** The file's allocated size (data plus zeros). */
    private allocated: number,
    private readonly onCommitted: (offset: number) => void,
    private readonly maxPendingBytes: number,
    private readonly preallocateBytes: number,
    private readonly report: CallbackErrorReport,
    private readonly maxInFlight: number,
    private readonly stallMs: number,
    private readonly writeAt: WriteAt,
    private readonly onDurable: (ms: number) => void,
  ) {
    this.writeOffset = committedOffset;
  }

  /**
   * Opens (creating if needed) a log, dropping a torn last line. `onCallbackError` hears what a commit
   * callback or `onCommitted` throws; the log carries on either way. `maxInFlight` writes go on at once
   * (1: one batch at a time).
   */
  static open(
    path: string,
    onCommitted: (offset: number) => void = () => {},
    opts: LogOptions = {},
  ): GroupCommitLog {
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC, 0o600);
    let end = findDataEnd(fd);
    let header = end > 0 ? readLogHeader(fd) : null;
    if (end > 0 && !header) {
      closeSync(fd);
      throw new Error(`${path} is not a cpi event log (its first line is not a cpi_event_log header)`);
    }
    if (!header) {
      const id = randomUUID();
      const line = Buffer.from(`${JSON.stringify({ cpi_event_log: 1, id })}\n`);
      writeSync(fd, line, 0, line.length, 0);
      fsyncSync(fd);
      fsyncDir(path);
      end = line.length;
      header = { id, dataStart: end };
    }
    const log = new GroupCommitLog(
      path,
      header.id,
      header.dataStart,
      fd,
      end,
      fstatSync(fd).size,
      onCommitted,
      opts.maxPendingBytes ?? 64 * 1024 * 1024,
      opts.preallocateBytes ?? PREALLOCATE,
      opts.onCallbackError ?? reportToStderr,
      Math.max(1, opts.maxInFlight ?? MAX_IN_FLIGHT),
      opts.stallMs ?? STALL_MS,
      opts.writeAt ?? write,
      opts.onDurable ?? (() => {}),
    );
    log.preallocate();
    return log;
  }

  /** Bytes accepted but not yet durable. */
  get backlogBytes(): number {
    return this.pendingBytes + (this.writeOffset - this.committedOffset);
  }

  /** Queues lines ("…\n"); `done` is called once they are durable (or failed). */
  append(lines: string, done: CommitCallback): void {
    const refused = this.failed ?? (this.fd < 0 ? new Error("the event log is closed") : this.pendingBytes > this.maxPendingBytes ? new Error("the event log is behind: too many events waiting to be written") : null);
    if (refused) {
      guarded(done, this.report, refused);
      return;
    }
    if (this.pending.length === 0) this.pendingSince = performance.now();
    this.pending.push(lines);
    this.callbacks.push(done);
    this.pendingBytes += lines.length;
    if (this.inFlight.length === 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    } else if (this.inFlight.length > 0) this.flushWhenStalled();
  }

  /** Arms the timer that writes what waits beside the newest write once that one is STALL_MS under way. */
  private flushWhenStalled(): void {
    if (this.stallTimer || this.inFlight.length >= this.maxInFlight) return;
    const newest = this.inFlight[this.inFlight.length - 1] as InFlight;
    this.stallTimer = setTimeout(
      () => {
        this.stallTimer = null;
        this.flush();
      },
      Math.max(0, newest.started + this.stallMs - performance.now()),
    );
  }

  /** Keeps `preallocateBytes` of zeros ahead of the data, written in the background. */
  private preallocate(): void {
    if (this.extending || this.fd < 0 || this.allocated - this.writeOffset > this.preallocateBytes / 2) return;
    this.extending = true;
    const target = this.writeOffset + this.preallocateBytes;
    const step = (pos: number) => {
      if (this.fd < 0 || pos >= target) {
        this.extending = false;
        if (this.pending.length > 0) this.flush();
        else this.notifyIdle();
        return;
      }
      const n = Math.min(ZEROS.length, target - pos);
      write(this.fd, ZEROS, 0, n, pos, (err) => {
        if (err) {
          // Not fatal: data writes extend the file themselves (with a slower sync).
          this.extending = false;
          this.notifyIdle();
          return;
        }
        this.allocated = Math.max(this.allocated, pos + n);
        // Lines waiting for room are written as soon as this chunk made it, not after the whole fill
        // (64 MiB on a busy disk took seconds, and a new server's first requests waited for all of it).
        if (!this.scheduled && this.pending.length > 0) this.flush();
        step(pos + n);
      });
    };
    step(Math.max(this.allocated, this.writeOffset));
  }

  /** Starts writing what is pending: at once when no write is under way, beside the newest one once it has stalled. */
  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.fd < 0 || this.failed) return;
    const newest = this.inFlight[this.inFlight.length - 1];
    if (newest && (this.inFlight.length >= this.maxInFlight || performance.now() - newest.started < this.stallMs)) {
      this.flushWhenStalled();
      return;
    }
    const lines = this.pending;
    const buf = Buffer.from(lines.length === 1 ? (lines[0] as string) : lines.join(""), "utf8");
    // Never write where the zero-filling may still be going on; wait for it instead.
    if (this.extending && this.writeOffset + buf.length > this.allocated) return;
    const batch: InFlight = { end: this.writeOffset + buf.length, queued: this.pendingSince, started: performance.now(), callbacks: this.callbacks, written: false };
    this.inFlight.push(batch);
    this.pending = [];
    this.callbacks = [];
    this.pendingBytes = 0;
    const at = this.writeOffset;
    this.writeOffset = batch.end;
    this.allocated = Math.max(this.allocated, this.writeOffset);
    this.writeAll(buf, 0, at, (err) => {
      if (this.failed) return; // an earlier write failed: every waiting callback has heard it already
      if (err) return this.fail(err);
      batch.written = true;
      this.batches++;
      this.acknowledge();
    });
  }

  /** Acknowledges the batches whose writes are done and follow an unbroken run from the durable end. */
  private acknowledge(): void {
    let acknowledged = false;
    while (this.inFlight[0]?.written) {
      const batch = this.inFlight.shift() as InFlight;
      this.committedOffset = batch.end;
      guarded(() => this.onDurable(performance.now() - batch.queued), this.report);
      for (const cb of batch.callbacks) guarded(cb, this.report, null);
      acknowledged = true;
    }
    if (!acknowledged) return;
    guarded(() => this.onCommitted(this.committedOffset), this.report);
    this.preallocate();
    if (this.pending.length > 0) this.flush();
    else this.notifyIdle();
  }

  private writeAll(buf: Buffer, from: number, pos: number, cb: (err: Error | null) => void): void {
    this.writeAt(this.fd, buf, from, buf.length - from, pos, (err, n) => {
      if (err) return cb(err);
      if (from + n < buf.length) return this.writeAll(buf, from + n, pos + n, cb);
      cb(null);
    });
  }

  private fail(err: Error): void {
    // After a failed write the file's state is unknown: refuse everything from now on (requests
    // get 503); a restart finds the end of the durable data and replays it.
    this.failed = err;
    const waiting = [...this.inFlight.splice(0).flatMap((b) => b.callbacks), ...this.callbacks.splice(0)];
    this.pending = [];
    this.pendingBytes = 0;
    for (const cb of waiting) guarded(cb, this.report, err);
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.inFlight.length > 0 || this.scheduled || this.extending || this.pending.length > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when everything queued so far is durable (or failed) and no zero-filling is running. */
  drain(): Promise<void> {
    if (this.inFlight.length === 0 && !this.scheduled && !this.extending && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drains and closes the file; with `trim`, the zeros after the data are cut off first. */
  async close(trim = false): Promise<void> {
    await this.drain();
    if (this.fd >= 0) {
      if (trim && !this.failed) {
        ftruncateSync(this.fd, this.committedOffset);
        fsyncSync(this.fd);
      }
      closeSync(this.fd);
    }
    this.fd = -1;
  }
}
