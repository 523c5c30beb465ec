// The event log in segments: the active segment is always `<name>.log`; once it holds `segmentBytes`
// it is renamed to `<name>.<key>-<id>.log` (sealed), a new active segment starts, and the store process
// deletes a sealed segment once it has loaded all of it. Disk use stays bounded by what is not loaded.
//
// A segment is known by its id (the uuid in its header line) and its sequence number (its place in this
// run's order), never by a path: the active path names another segment after every rotation, and a
// segment may be sealed and renamed before the loader first opens it. `findSegmentFile` finds a
// segment's file by its id wherever it is.
import { closeSync, openSync, readdirSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type CallbackErrorReport, findDataEnd, GroupCommitLog, guarded, PREALLOCATE, readLogHeader, reportToStderr } from "./group-commit-log.js";

/** What the loader is told as segments fill, start and close (in this order, for each segment). */
export interface SegmentListener {
  /** Segment `id` is durable up to `offset`. */
  committed(id: string, offset: number): void;
  /** A new active segment `id`, number `seq` of this run, starts at `path` (after the current one). */
  began(id: string, seq: number, path: string): void;
  /** Segment `id` (number `seq`), renamed to `path`, is complete at `end`: nothing more is written to it. */
  sealed(id: string, seq: number, path: string, end: number): void;
}

/** A sealed segment left by an earlier run: load it (up to `upTo`) before the active one. */
export interface SealedSegment {
  id: string;
  path: string;
  upTo: number;
}

function stemOf(activePath: string): string {
  return basename(activePath).replace(/\.log$/, "");
}

function sealedPattern(activePath: string): RegExp {
  const stem = stemOf(activePath).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${stem}\\.(\\d+)-([0-9a-f-]+)\\.log$`);
}

/** Sealed segment files next to an active log path, oldest first: name, order key, id. */
function sealedFiles(activePath: string): { name: string; key: bigint; id: string }[] {
  const re = sealedPattern(activePath);
  const out: { name: string; key: bigint; id: string }[] = [];
  for (const name of readdirSync(dirname(activePath))) {
    const m = re.exec(name);
    if (m) out.push({ name, key: BigInt(m[1] as string), id: m[2] as string });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : 1));
}

/** Sealed segments next to an active log path, oldest first, with their ids and where their data ends. */
export function listSealedSegments(activePath: string): SealedSegment[] {
  const dir = dirname(activePath);
  return sealedFiles(activePath).map(({ name }) => {
    const path = join(dir, name);
    const fd = openSync(path, "r+");
    try {
      const header = readLogHeader(fd);
      if (!header) throw new Error(`${path} is not a cpi event log (its first line is not a cpi_event_log header)`);
      return { id: header.id, path, upTo: findDataEnd(fd) };
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * The file that holds segment `id` now: the active path while it is active, else its sealed file
 * beside it; null when there is none (deleted once loaded, or not created yet).
 */
export function findSegmentFile(activePath: string, id: string): string | null {
  try {
    const fd = openSync(activePath, "r");
    try {
      if (readLogHeader(fd)?.id === id) return activePath;
    } finally {
      closeSync(fd);
    }
  } catch {
    // between a rename and the next segment's creation there is no active file
  }
  const sealed = sealedFiles(activePath).find((f) => f.id === id);
  return sealed ? join(dirname(activePath), sealed.name) : null;
}

/** The writer's side: appends go to the active segment, which is sealed and replaced when full. */
export class SegmentedEventLog {
  private active: GroupCommitLog;
  private activeSeq: number;
  private sealing: Promise<void> = Promise.resolve();
  /** The segment being sealed (its last batches may still be landing), or null. */
  private previous: GroupCommitLog | null = null;
  private rotating = false;
  /** The order key of the last sealed file name: strictly increasing, also across restarts. */
  private lastKey: bigint;

  private constructor(
    private readonly path: string,
    private readonly segmentBytes: number,
    private readonly listener: SegmentListener,
    private readonly report: CallbackErrorReport,
    firstSeq: number,
    private readonly onDurable?: (ms: number) => void,
  ) {
    this.activeSeq = firstSeq;
    this.lastKey = 0n;
    for (const f of sealedFiles(path)) if (f.key > this.lastKey) this.lastKey = f.key;
    this.active = this.openSegment();
  }

  /**
   * Opens (creating if needed) the active segment at `path`. Its sequence number is `firstSeq` (the
   * sealed segments an earlier run left come before it); `onCallbackError` hears what a listener or
   * commit callback throws (the log goes on); `onDurable` each batch's time to durable (ms).
   */
  static open(path: string, segmentBytes: number, listener: SegmentListener, opts: { firstSeq?: number; onCallbackError?: CallbackErrorReport; onDurable?: (ms: number) => void } = {}): SegmentedEventLog {
    return new SegmentedEventLog(path, segmentBytes, listener, opts.onCallbackError ?? reportToStderr, opts.firstSeq ?? 0, opts.onDurable);
  }

  private notify(fn: () => void): void {
    guarded(fn, this.report);
  }

  private openSegment(): GroupCommitLog {
    const preallocateBytes = Math.min(PREALLOCATE, Math.max(64 * 1024, Math.ceil(this.segmentBytes * 1.25)));
    const seg: GroupCommitLog = GroupCommitLog.open(
      this.path,
      (offset) => {
        this.notify(() => this.listener.committed(seg.id, offset));
        if (seg === this.active && offset >= this.segmentBytes && !this.rotating) this.rotate();
      },
      { preallocateBytes, onCallbackError: this.report, ...(this.onDurable ? { onDurable: this.onDurable } : {}) },
    );
    return seg;
  }

  /** The active segment's id, sequence number and durable end. */
  get id(): string {
    return this.active.id;
  }
  get seq(): number {
    return this.activeSeq;
  }
  get committedOffset(): number {
    return this.active.committedOffset;
  }
  get dataStart(): number {
    return this.active.dataStart;
  }

  /** How far each live segment is durable (the one being sealed, then the active one). */
  marks(): { id: string; offset: number }[] {
    return [...(this.previous ? [this.previous] : []), this.active].map((s) => ({ id: s.id, offset: s.committedOffset }));
  }

  /** Appends lines to the active segment (see GroupCommitLog.append). */
  append(lines: string, done: (err: Error | null) => void): void {
    this.active.append(lines, done);
  }

  private nextKey(): bigint {
    const now = BigInt(Date.now()) * 10_000n;
    this.lastKey = now > this.lastKey ? now : this.lastKey + 1n;
    return this.lastKey;
  }

  private rotate(): void {
    this.rotating = true;
    const old = this.active;
    const oldSeq = this.activeSeq;
    const sealedPath = join(dirname(this.path), `${stemOf(this.path)}.${this.nextKey()}-${old.id}.log`);
    // The old segment keeps its file descriptor: batches already queued still land in it.
    renameSync(this.path, sealedPath);
    this.active = this.openSegment();
    this.activeSeq = oldSeq + 1;
    const next = this.active;
    this.notify(() => this.listener.began(next.id, oldSeq + 1, this.path));
    this.previous = old;
    // Sealed is said even when cutting the zero tail failed: the data ends at `committedOffset` either
    // way, and a loader must never wait for a segment that would never be sealed.
    this.sealing = old
      .close(true)
      .catch((e: unknown) => this.report(e))
      .then(() => this.notify(() => this.listener.sealed(old.id, oldSeq, sealedPath, old.committedOffset)))
      .finally(() => {
        this.previous = null;
        this.rotating = false;
      });
  }

  /** Resolves when everything appended so far is durable and a segment being sealed is sealed. */
  async drain(): Promise<void> {
    await this.sealing;
    await this.active.drain();
  }

  async close(): Promise<void> {
    await this.sealing;
    await this.active.close();
  }
}
