// The event log in segments: the active segment is always `<name>.log`; once it holds `segmentBytes`
// it is renamed to `<name>.<ms>-<id>.log` (sealed), a new active segment starts, and the store process
// deletes a sealed segment once it has loaded all of it. Disk use stays bounded by what is not loaded.
import { closeSync, openSync, readdirSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { findDataEnd, GroupCommitLog, PREALLOCATE } from "./group-commit-log.js";

/** What the loader is told as segments fill, start and close. */
export interface SegmentListener {
  /** Segment `id` is durable up to `offset`. */
  committed(id: string, offset: number): void;
  /** A new active segment `id` starts at `path` (after the current one). */
  began(id: string, path: string): void;
  /** Segment `id`, renamed to `path`, is complete at `end`. */
  sealed(id: string, path: string, end: number): void;
}

/** A sealed segment left by an earlier run: load it (up to `upTo`) before the active one. */
export interface SealedSegment {
  path: string;
  upTo: number;
}

function sealedPattern(activePath: string): RegExp {
  const stem = basename(activePath).replace(/\.log$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${stem}\\.(\\d+)-[0-9a-f-]+\\.log$`);
}

/** Sealed segments next to an active log path, oldest first, with where their data ends. */
export function listSealedSegments(activePath: string): SealedSegment[] {
  const re = sealedPattern(activePath);
  const dir = dirname(activePath);
  return readdirSync(dir)
    .map((name) => ({ name, m: re.exec(name) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m?.[1]) - Number(b.m?.[1]) || (a.name < b.name ? -1 : 1))
    .map(({ name }) => {
      const path = join(dir, name);
      const fd = openSync(path, "r+");
      try {
        return { path, upTo: findDataEnd(fd) };
      } finally {
        closeSync(fd);
      }
    });
}

/** The writer's side: appends go to the active segment, which is sealed and replaced when full. */
export class SegmentedEventLog {
  private active: GroupCommitLog;
  private sealing: Promise<void> = Promise.resolve();
  /** The segment being sealed (its last batches may still be landing), or null. */
  private previous: GroupCommitLog | null = null;
  private rotating = false;
  private seq = 0;

  private constructor(
    private readonly path: string,
    private readonly segmentBytes: number,
    private readonly listener: SegmentListener,
  ) {
    this.active = this.openSegment();
  }

  /** Opens (creating if needed) the active segment at `path`. */
  static open(path: string, segmentBytes: number, listener: SegmentListener): SegmentedEventLog {
    return new SegmentedEventLog(path, segmentBytes, listener);
  }

  private openSegment(): GroupCommitLog {
    const preallocateBytes = Math.min(PREALLOCATE, Math.max(64 * 1024, Math.ceil(this.segmentBytes * 1.25)));
    const seg: GroupCommitLog = GroupCommitLog.open(
      this.path,
      (offset) => {
        this.listener.committed(seg.id, offset);
        if (seg === this.active && offset >= this.segmentBytes && !this.rotating) this.rotate();
      },
      { preallocateBytes },
    );
    return seg;
  }

  /** The active segment's id and durable end. */
  get id(): string {
    return this.active.id;
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

  private rotate(): void {
    this.rotating = true;
    const old = this.active;
    const sealedPath = join(dirname(this.path), `${basename(this.path).replace(/\.log$/, "")}.${Date.now()}${String(this.seq++).padStart(4, "0")}-${old.id}.log`);
    // The old segment keeps its file descriptor: batches already queued still land in it.
    renameSync(this.path, sealedPath);
    this.active = this.openSegment();
    this.listener.began(this.active.id, this.path);
    this.previous = old;
    this.sealing = old
      .close(true)
      .then(() => this.listener.sealed(old.id, sealedPath, old.committedOffset))
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
