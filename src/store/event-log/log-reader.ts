// Reads an event log from an offset in chunks of whole lines (the loader's side of the log).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { readLogHeader } from "./group-commit-log.js";

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

/** Opens a log written by GroupCommitLog for reading. */
export function openLogSource(path: string): EventLogSource {
  const fd = openSync(path, "r");
  const header = readLogHeader(fd);
  if (!header) {
    closeSync(fd);
    throw new Error(`${path} is not a cpi event log`);
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
