// How an import shares its memory setting (--max-memory, default 1 GiB) between its parts, so that the
// process's peak memory stays under the setting whatever the file's size. Measured on a 500 MB CSV
// (docs/scaling.md): node, DuckDB's code and the parse thread's empty heap take about 180 MB; the parse
// thread's heap fills up to its limit (V8 collects lazily), DuckDB's buffers up to its memory_limit
// (it writes the rest of a large import to the store's file), so each gets a fixed share rather than
// whatever it grows to.

/** Memory an import may take, in bytes, when nothing says otherwise. */
export const DEFAULT_IMPORT_MEMORY = 1024 * 1024 * 1024;

const MiB = 2 ** 20;

export interface ImportMemoryPlan {
  /** Bytes of the file read at a time (a part). */
  partBytes: number;
  /** The parse thread's old-generation heap limit, MiB: a part's bytes, its text and cells. */
  parserHeapMb: number;
  /** The store's own buffers (DuckDB's memory_limit), bytes. */
  storeBytes: number;
  /**
   * The largest text file that cannot be cut in parts (no header row found) read whole, and the
   * largest shared strings table of an XLSX workbook (held whole while its sheet is read in parts), bytes.
   */
  wholeBytes: number;
}

/**
 * The shares of `memoryBytes`: parts of 1/64 (1 to 64 MiB), the parse thread's heap 8 parts, DuckDB
 * 40 % (at least 96 MiB), the rest for the process itself. A workbook's shared strings are held
 * whole up to 1/16 (see workbookHeapMb).
 * @example importMemoryPlan(2 ** 30).partBytes // 16777216
 */
export function importMemoryPlan(memoryBytes = DEFAULT_IMPORT_MEMORY): ImportMemoryPlan {
  const partBytes = Math.min(64 * MiB, Math.max(MiB, Math.floor(memoryBytes / 64 / MiB) * MiB));
  const parserHeapMb = Math.max(32, (8 * partBytes) / MiB);
  const wholeBytes = Math.floor(memoryBytes / 16);
  return {
    partBytes,
    parserHeapMb,
    // DuckDB's parallel insert needs about 100 MB (at 24 MB it fails, out of memory).
    storeBytes: Math.max(96 * MiB, Math.floor((memoryBytes * 0.4) / MiB) * MiB),
    wholeBytes,
  };
}

/**
 * The parse thread's heap limit for a workbook whose shared strings table is `sharedBytes` of XML,
 * MiB: its parts' share and 3 times the table's (its XML read, then the strings kept), the table
 * counted up to the most it may be (a larger one is refused as it is read).
 * @example workbookHeapMb(importMemoryPlan(2 ** 30), 2 ** 20) // 131
 */
export function workbookHeapMb(plan: ImportMemoryPlan, sharedBytes: number): number {
  return plan.parserHeapMb + Math.ceil((3 * Math.min(sharedBytes, plan.wholeBytes)) / MiB);
}
