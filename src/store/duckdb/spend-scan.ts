// Bulk writes of spend rows on DuckDB: a table function (`cpi_spend_scan()`) hands DuckDB the rows of
// queued column batches, 2048 at a time, and `INSERT INTO spend SELECT * FROM cpi_spend_scan()` writes
// them in DuckDB's own parallel insert. The appender did the same writes on the calling thread, and it
// compresses each full row group there too: 1.9–2.0 s for 1M rows × 26 columns on the 2-core test
// machine, against 0.9 s for this insert (which uses every DuckDB thread and, without insertion order
// to keep, writes its row groups from each of them).
import { BIGINT, DATE, DOUBLE, type DuckDBConnection, DuckDBTableFunction, type DuckDBType, VARCHAR } from "@duckdb/node-api";
import duckdbBindings from "@duckdb/node-bindings";
import { conversionsToMicros } from "../../domain/measures.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import { SPEND_COLUMNS } from "./schema.js";

/** DuckDB's vector size: the most rows one call of a table function may return. */
const CHUNK = 2048;
const SCAN = "cpi_spend_scan";

const TYPES: DuckDBType[] = SPEND_COLUMNS.map(([, t]) =>
  t.startsWith("DATE") ? DATE : t.startsWith("VARCHAR") ? VARCHAR : t.startsWith("DOUBLE") ? DOUBLE : BIGINT,
);

type Raw = never;

/**
 * One text column's dictionary as DuckDB string slots. DuckDB's string_t is 16 bytes: a uint32
 * length then, for strings of at most 12 bytes, the bytes inline. Short ASCII values get their
 * slot here; longer ones are marked `long` and go through DuckDB's API per row.
 */
function dictionarySlots(values: readonly string[]): { slots: Uint32Array; long: boolean[] } {
  const bytes = new Uint8Array(values.length * 16);
  const long = new Array<boolean>(values.length).fill(false);
  values.forEach((s, i) => {
    if (s.length > 12) {
      long[i] = true;
      return;
    }
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c > 127) {
        long[i] = true;
        return;
      }
      bytes[i * 16 + 4 + k] = c;
    }
    bytes[i * 16] = s.length;
  });
  return { slots: new Uint32Array(bytes.buffer), long };
}

/** Copies elements [from, from + n) of a typed array into a DuckDB vector (its first n slots), as they are. */
export function copyInto(v: unknown, a: BigInt64Array | Int32Array | Float64Array | Uint32Array, from: number, n: number, size = a.BYTES_PER_ELEMENT): void {
  duckdbBindings.copy_data_to_vector(v as Raw, 0, a.buffer as ArrayBuffer, a.byteOffset + from * size, n * size);
}

/**
 * A batch of spend columns (see SpendColumns) made ready to copy into DuckDB vectors: numbers and
 * dates are copied in as they are, each text value is its dictionary entry's 16-byte slot (a column
 * with one short value throughout is one repeated slot, laid out once). @duckdb/node-api's per-value
 * setters would go through a type dispatch and a native call per value.
 */
class BatchWriter {
  private readonly dicts: { slots: Uint32Array; long: boolean[] }[];
  private readonly constants: (Uint32Array | null)[];
  private readonly ids: BigInt64Array;
  /** The chunk's conversions in micro-units (the column is BIGINT; the batch holds numbers). */
  private readonly conversions = new BigInt64Array(CHUNK);
  /** Rows of the current chunk and text column holding long strings. */
  private readonly longAt: number[] = [];
  /** Per text column with long strings: each value's first row in the current chunk. */
  private readonly firstRows: (Int32Array | undefined)[] = [];

  constructor(
    readonly c: SpendColumns,
    importId: number,
  ) {
    this.dicts = c.text.map((t) => dictionarySlots(t.values));
    this.ids = new BigInt64Array(CHUNK).fill(BigInt(importId));
    this.constants = c.text.map((t, f) => {
      const code = t.codes[0] ?? 0;
      const d = this.dicts[f] as { slots: Uint32Array; long: boolean[] };
      if (d.long[code] || t.codes.some((x) => x !== code)) return null;
      const rep = new Uint32Array(CHUNK * 4);
      for (let i = 0; i < CHUNK; i++) rep.set(d.slots.subarray(code * 4, code * 4 + 4), i * 4);
      return rep;
    });
  }

  /**
   * Writes the chunk's long (or non-ASCII) strings of text column f (the rows in longAt): DuckDB
   * copies each distinct value into the vector's string heap once (a native call per value), and
   * every long row's slot in `slots` becomes a copy of its value's first row's 16-byte slot, which
   * points at those bytes (the caller then copies `slots` in). A call per row cost 0.7 s per 1M rows
   * of a Meta export.
   */
  private assignLongStrings(v: unknown, f: number, off: number, n: number, slots: Uint32Array): void {
    const { codes, values } = this.c.text[f] as { values: string[]; codes: Uint32Array };
    const rows = this.longAt;
    // Each value's first row in this chunk (-1: none yet), reset after the chunk.
    let firstRow = this.firstRows[f];
    if (!firstRow) {
      firstRow = new Int32Array(values.length).fill(-1);
      this.firstRows[f] = firstRow;
    }
    for (const i of rows) {
      const code = codes[off + i] as number;
      if ((firstRow[code] as number) >= 0) continue;
      firstRow[code] = i;
      duckdbBindings.vector_assign_string_element(v as Raw, i, values[code] as string);
    }
    // The vector's slots as DuckDB wrote them (a copy: the bindings hand out no views of native memory).
    const written = duckdbBindings.vector_get_data(v as Raw, n * 16);
    const w = written.byteOffset % 4 === 0 ? new Uint32Array(written.buffer, written.byteOffset, n * 4) : new Uint32Array(Uint8Array.from(written).buffer);
    for (const i of rows) {
      const from = (firstRow[codes[off + i] as number] as number) * 4;
      const to = i * 4;
      slots[to] = w[from] as number;
      slots[to + 1] = w[from + 1] as number;
      slots[to + 2] = w[from + 2] as number;
      slots[to + 3] = w[from + 3] as number;
    }
    for (const i of rows) firstRow[codes[off + i] as number] = -1;
  }

  /** Writes rows [off, off + n) of the batch (n ≤ 2048) into a data chunk of the spend table's types. */
  fill(chunk: unknown, off: number, n: number, slots: Uint32Array): void {
    const { c } = this;
    const col = (k: number) => duckdbBindings.data_chunk_get_vector(chunk as Raw, k) as unknown;
    copyInto(col(0), c.date_start, off, n);
    copyInto(col(1), c.date_end, off, n);
    copyInto(col(18), c.cost, off, n);
    copyInto(col(19), c.impressions, off, n);
    copyInto(col(20), c.clicks, off, n);
    for (let i = 0; i < n; i++) {
      const x = c.conversions[off + i] as number;
      this.conversions[i] = Number.isFinite(x) ? conversionsToMicros(x) : 0n;
    }
    copyInto(col(21), this.conversions, 0, n);
    copyInto(col(22), c.revenue, off, n);
    copyInto(col(23), c.viewable_impressions, off, n);
    copyInto(col(24), c.measurable_impressions, off, n);
    copyInto(col(25), this.ids, 0, n);
    for (let f = 0; f < c.text.length; f++) {
      const v = col(2 + f);
      const same = this.constants[f];
      if (same) {
        copyInto(v, same, 0, n, 16);
        continue;
      }
      const { codes } = c.text[f] as { values: string[]; codes: Uint32Array };
      const { slots: dict, long } = this.dicts[f] as { slots: Uint32Array; long: boolean[] };
      const longAt = this.longAt;
      longAt.length = 0;
      for (let i = 0; i < n; i++) {
        const code = codes[off + i] as number;
        const d = code * 4;
        const o = i * 4;
        slots[o] = dict[d] as number;
        slots[o + 1] = dict[d + 1] as number;
        slots[o + 2] = dict[d + 2] as number;
        slots[o + 3] = dict[d + 3] as number;
        if (long[code]) longAt.push(i);
      }
      if (longAt.length > 0) this.assignLongStrings(v, f, off, n, slots);
      copyInto(v, slots, 0, n, 16);
    }
    duckdbBindings.data_chunk_set_size(chunk as Raw, n);
  }
}

/** What the scan of one INSERT reads: batches from `pull` (null at the end), and where it is in them. */
interface ScanState {
  pull: () => SpendColumns | null;
  importId: number;
  onChunk?: (n: number) => void;
  current: BatchWriter | null;
  offset: number;
  ended: boolean;
  rows: number;
  /** What `pull` threw (DuckDB only carries a message; the caller gets this back). */
  failure: unknown;
}

/**
 * The spend scan of one connection. DuckDB calls the table function from its threads; each call runs
 * on the JavaScript thread (so the state needs no locks) while that thread awaits the INSERT.
 */
class SpendScan {
  private state: ScanState | null = null;
  private readonly slots = new Uint32Array(CHUNK * 4);

  constructor(conn: DuckDBConnection) {
    const fn = DuckDBTableFunction.create({
      name: SCAN,
      bindFunction: (info) => {
        SPEND_COLUMNS.forEach(([name], k) => {
          info.addResultColumn(name, TYPES[k] as DuckDBType);
        });
      },
      // As many threads as DuckDB runs: each writes its own row groups.
      initFunction: (info) => info.setMaxThreads(1024),
      mainFunction: (info, out) => {
        try {
          this.next(out.chunk);
        } catch (e) {
          if (this.state) this.state.failure ??= e;
          info.setError(e instanceof Error ? e.message : String(e));
        }
      },
    });
    conn.registerTableFunction(fn);
  }

  /** Inserts the pulled batches' rows into `spend` with the import's id (in the connection's transaction); returns how many. */
  async insert(conn: DuckDBConnection, pull: () => SpendColumns | null, importId: number, onChunk?: (n: number) => void): Promise<number> {
    if (this.state) throw new Error("a spend scan is already running on this connection");
    const state: ScanState = { pull, importId, onChunk, current: null, offset: 0, ended: false, rows: 0, failure: undefined };
    this.state = state;
    try {
      await conn.run(`INSERT INTO spend SELECT * FROM ${SCAN}()`);
    } catch (e) {
      throw state.failure ?? e;
    } finally {
      this.state = null;
    }
    if (state.failure !== undefined) throw state.failure;
    return state.rows;
  }

  private next(chunk: unknown): void {
    const s = this.state;
    if (!s || s.failure !== undefined) throw new Error("no spend scan is running");
    while (!s.ended && (!s.current || s.offset >= s.current.c.length)) {
      const c = s.pull();
      if (c === null) s.ended = true;
      else {
        s.current = new BatchWriter(c, s.importId);
        s.offset = 0;
      }
    }
    if (s.ended || !s.current) {
      duckdbBindings.data_chunk_set_size(chunk as Raw, 0);
      return;
    }
    const n = Math.min(CHUNK, s.current.c.length - s.offset);
    s.current.fill(chunk, s.offset, n, this.slots);
    s.offset += n;
    s.rows += n;
    s.onChunk?.(n);
  }
}

const scans = new WeakMap<DuckDBConnection, SpendScan>();

/**
 * Writes batches of spend rows into the `spend` table with one INSERT, in the connection's current
 * transaction: DuckDB calls `pull` for the next batch whenever it needs rows (so a batch may still
 * be in the making: `pull` may block) until it returns null. Run it within withUnorderedInserts:
 * rows then land in no particular order and DuckDB writes row groups from each of its threads
 * (nothing reads them by position). Returns the rows written; what `pull` throws, it throws.
 * @example await insertSpendBatches(conn, batchesOf([spendColumnsOf(rows)]), importId)
 */
export async function insertSpendBatches(conn: DuckDBConnection, pull: () => SpendColumns | null, importId: number, onChunk?: (n: number) => void): Promise<number> {
  let scan = scans.get(conn);
  if (!scan) {
    scan = new SpendScan(conn);
    scans.set(conn, scan);
  }
  return scan.insert(conn, pull, importId, onChunk);
}

/**
 * Runs `work` (a transaction with spend inserts) with DuckDB's bulk-insert settings, set and reset
 * outside the transaction (a failed statement aborts it, and then nothing but ROLLBACK runs):
 * - `preserve_insertion_order` off, so each DuckDB thread writes its own row groups;
 * - `write_buffer_row_group_count` 1, so each full row group is compressed and written while the
 *   parse goes on. DuckDB's default, 5, holds them to write together: a 1M-row file gives each of two
 *   threads ~4, all compressed after the parse ended (0.55 s with both cores busy, nothing else to do).
 */
export async function withUnorderedInserts<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run("SET preserve_insertion_order = false");
  try {
    await conn.run("SET write_buffer_row_group_count = 1");
    return await work();
  } finally {
    await conn.run("RESET write_buffer_row_group_count");
    await conn.run("RESET preserve_insertion_order");
  }
}

/** A pull function over batches already made. @example insertSpendBatches(conn, batchesOf(list), id) */
export function batchesOf(list: readonly SpendColumns[]): () => SpendColumns | null {
  let i = 0;
  return () => list[i++] ?? null;
}
