// Reads an event log from an offset in chunks of whole lines (the loader's side of the log).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { readLogHeader } from "./group-commit-log.js";
import { findSegmentFile } from "./segmented-log.js";

/** A run of whole lines read from a log: `text` spans [from, end). */
export interface LogChunk {
  text: string;
  from: number;
  end: number;
}

/** What the loader needs of a log (app/ sees only this interface). */
export interface EventLogSource {
  readonly id: string;
  readonly dataStart: number;
  /** Whole lines from `from`, at most about `maxBytes`, never past `upTo`. */
  read(from: number, upTo: number, maxBytes: number): LogChunk;
  close(): void;
}

/** A file whose first line is not a log header (or not there yet: a segment just created). */
class NotALog extends Error {
  constructor(path: string) {
    super(`${path} is not a cpi event log`);
  }
}

/** Opens a log written by GroupCommitLog for reading. */
export function openLogSource(path: string): EventLogSource {
  const fd = openSync(path, "r");
  const header = readLogHeader(fd);
  if (!header) {
    closeSync(fd);
    throw new NotALog(path);
  }
  let buf = Buffer.alloc(1 << 20);
  return {
    id: header.id,
    dataStart: header.dataStart,
    read(from, upTo, maxBytes) {
      const limit = Math.min(upTo, fstatSync(fd).size);
      let want = Math.min(maxBytes, limit - from);
      if (want <= 0) return { text: "", from, end: from };
      for (;;) {
        if (buf.length < want) buf = Buffer.alloc(want);
        const n = readSync(fd, buf, 0, want, from);
        const nl = buf.subarray(0, n).lastIndexOf(10);
        if (nl >= 0) return { text: buf.toString("utf8", 0, nl + 1), from, end: from + nl + 1 };
        if (want >= limit - from) return { text: "", from, end: from };
        want = Math.min(want * 2, limit - from);
      }
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * Opens segment `id` of the log whose active path is `activePath`: at `knownPath` once it is sealed
 * (its file must be there), else wherever `find` says it is now. Null when it cannot be opened at this
 * moment: not created yet, or caught by a rotation between the lookup and the open (the active path
 * then names no file yet, a new segment whose header is not written yet, or another segment). The
 * writer is another process, so that window is real: the next round finds the segment again.
 */
export function openSegmentSource(activePath: string, id: string, knownPath: string | null, find = findSegmentFile): EventLogSource | null {
  if (knownPath) return openLogSource(knownPath);
  const path = find(activePath, id);
  if (!path) return null;
  let source: EventLogSource;
  try {
    source = openLogSource(path);
  } catch (e) {
    if (path === activePath && (isMissing(e) || e instanceof NotALog)) return null;
    throw e;
  }
  if (source.id === id) return source;
  source.close();
  return null;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === "ENOENT";
}
