// The tracking server's write-ahead log: events of concurrent requests are batched, written with one
// write(2) and made durable with one fdatasync(2), then every request of the batch is answered
// (group commit). Writes and syncs run on libuv's thread pool, never blocking the event loop.
import { randomUUID } from "node:crypto";
import { closeSync, fdatasync, fsyncSync, openSync, readSync, fstatSync, ftruncateSync, write, writeSync } from "node:fs";
import { dirname } from "node:path";

/** The first line of every log: its format and identity (the store remembers offsets per log id). */
export interface LogHeader {
  cpi_event_log: 1;
  id: string;
}

export type CommitCallback = (err: Error | null) => void;

/** Opens a log file for reading its header: id and where data starts. */
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

function fsyncDir(path: string): void {
  try {
    const d = openSync(dirname(path), "r");
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // some filesystems refuse fsync on a directory; the file's own fsync still holds
  }
}

/** Drops a torn last line (a write cut short by a crash: never acknowledged). Returns the new size. */
function repairTail(fd: number): number {
  let size = fstatSync(fd).size;
  const buf = Buffer.alloc(65_536);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buf.length);
    const n = readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, n).lastIndexOf(10);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep !== size) {
        ftruncateSync(fd, keep);
        fsyncSync(fd);
        size = keep;
      }
      return size;
    }
    end = start;
  }
  if (size !== 0) {
    ftruncateSync(fd, 0);
    fsyncSync(fd);
  }
  return 0;
}

/** An append-only, group-committed log of lines. */
export class GroupCommitLog {
  private pending: string[] = [];
  private callbacks: CommitCallback[] = [];
  private pendingBytes = 0;
  private writing = false;
  private scheduled = false;
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
    private readonly onCommitted: (offset: number) => void,
    private readonly maxPendingBytes: number,
  ) {}

  /** Opens (creating if needed) a log, dropping a torn last line. */
  static open(path: string, onCommitted: (offset: number) => void = () => {}, maxPendingBytes = 64 * 1024 * 1024): GroupCommitLog {
    const fd = openSync(path, "a+", 0o600);
    let size = repairTail(fd);
    let header = size > 0 ? readLogHeader(fd) : null;
    if (size > 0 && !header) {
      closeSync(fd);
      throw new Error(`${path} is not a cpi event log (its first line is not a cpi_event_log header)`);
    }
    if (!header) {
      const id = randomUUID();
      const line = `${JSON.stringify({ cpi_event_log: 1, id })}\n`;
      writeSync(fd, line);
      fsyncSync(fd);
      fsyncDir(path);
      size = Buffer.byteLength(line);
      header = { id, dataStart: size };
    }
    return new GroupCommitLog(path, header.id, header.dataStart, fd, size, onCommitted, maxPendingBytes);
  }

  /** Bytes accepted but not yet durable. */
  get backlogBytes(): number {
    return this.pendingBytes;
  }

  /** Queues a line ("…\n"); `done` is called once it is durable (or failed). */
  append(line: string, done: CommitCallback): void {
    if (this.failed) return done(this.failed);
    if (this.fd < 0) return done(new Error("the event log is closed"));
    if (this.pendingBytes > this.maxPendingBytes) return done(new Error("the event log is behind: too many events waiting to be written"));
    this.pending.push(line);
    this.callbacks.push(done);
    this.pendingBytes += line.length;
    if (!this.writing && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const lines = this.pending;
    const callbacks = this.callbacks;
    this.pending = [];
    this.callbacks = [];
    this.pendingBytes = 0;
    const buf = Buffer.from(lines.length === 1 ? (lines[0] as string) : lines.join(""), "utf8");
    this.writeAll(buf, 0, (err) => {
      if (err) return this.fail(err, callbacks);
      fdatasync(this.fd, (syncErr) => {
        if (syncErr) return this.fail(syncErr, callbacks);
        this.committedOffset += buf.length;
        this.batches++;
        this.writing = false;
        for (const cb of callbacks) cb(null);
        this.onCommitted(this.committedOffset);
        if (this.pending.length > 0) this.flush();
        else for (const w of this.idleWaiters.splice(0)) w();
      });
    });
  }

  private writeAll(buf: Buffer, from: number, cb: (err: Error | null) => void): void {
    write(this.fd, buf, from, buf.length - from, null, (err, n) => {
      if (err) return cb(err);
      if (from + n < buf.length) return this.writeAll(buf, from + n, cb);
      cb(null);
    });
  }

  private fail(err: Error, callbacks: CommitCallback[]): void {
    // After a failed write or sync the file's state is unknown: refuse everything from now on
    // (requests get 503); a restart repairs the tail and replays what is durable.
    this.failed = err;
    this.writing = false;
    for (const cb of [...callbacks, ...this.callbacks.splice(0)]) cb(err);
    this.pending = [];
    this.pendingBytes = 0;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when everything queued so far is durable (or failed). */
  drain(): Promise<void> {
    if (!this.writing && !this.scheduled && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drains and closes the file. */
  async close(): Promise<void> {
    await this.drain();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
