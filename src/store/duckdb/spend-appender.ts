import { BIGINT, DATE, DOUBLE, type DuckDBAppender, DuckDBDataChunk, type DuckDBType, VARCHAR } from "@duckdb/node-api";
import duckdbBindings from "@duckdb/node-bindings";
import type { SpendRow } from "../../domain/spend.js";
import { type SpendColumns, spendColumnsOf } from "../../domain/spend-columns.js";
import { SPEND_COLUMNS } from "./schema.js";

const CHUNK = 2048;
/** Rows turned into columns at a time when rows are given whole. */
const ROWS_PER_BATCH = 16_384;

const TYPES: DuckDBType[] = SPEND_COLUMNS.map(([, t]) =>
  t.startsWith("DATE") ? DATE : t.startsWith("VARCHAR") ? VARCHAR : t.startsWith("DOUBLE") ? DOUBLE : BIGINT,
);

/**
 * Appends spend rows: as columns (see appendSpendColumns), a batch at a time. Column order follows
 * SPEND_COLUMNS.
 */
export function appendSpendRows(appender: DuckDBAppender, rows: readonly SpendRow[], importId: number, onChunk?: (n: number) => void): void {
  for (let i = 0; i < rows.length; i += ROWS_PER_BATCH) appendSpendColumns(appender, spendColumnsOf(rows.slice(i, i + ROWS_PER_BATCH)), importId, onChunk);
}

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

function copyInto(v: unknown, a: BigInt64Array | Int32Array | Float64Array, from: number, n: number): void {
  const size = a.BYTES_PER_ELEMENT;
  duckdbBindings.copy_data_to_vector(v as never, 0, a.buffer as ArrayBuffer, a.byteOffset + from * size, n * size);
}

/**
 * Appends a batch of spend columns (see SpendColumns) in chunks of 2048 (DuckDB's vector size),
 * writing the vectors' memory directly: numbers and dates are copied in as they are, each text
 * value is its dictionary entry's 16-byte slot. @duckdb/node-api's per-value setItem would go
 * through a type dispatch and a native call per value.
 */
export function appendSpendColumns(appender: DuckDBAppender, c: SpendColumns, importId: number, onChunk?: (n: number) => void): void {
  const dicts = c.text.map((t) => dictionarySlots(t.values));
  const slots = new Uint32Array(CHUNK * 4);
  const slotBytes = new Uint8Array(slots.buffer);
  const ids = new BigInt64Array(CHUNK).fill(BigInt(importId));
  const constants = c.text.map((t, f) => {
    const code = t.codes[0] ?? 0;
    const d = dicts[f] as { slots: Uint32Array; long: boolean[] };
    if (d.long[code] || t.codes.some((x) => x !== code)) return null;
    const rep = new Uint32Array(CHUNK * 4);
    for (let i = 0; i < CHUNK; i++) rep.set(d.slots.subarray(code * 4, code * 4 + 4), i * 4);
    return rep;
  });
  const numbers: [number, BigInt64Array | Int32Array | Float64Array][] = [
    [0, c.date_start],
    [1, c.date_end],
    [18, c.cost],
    [19, c.impressions],
    [20, c.clicks],
    [21, c.conversions],
    [22, c.revenue],
    [23, c.viewable_impressions],
    [24, c.measurable_impressions],
  ];
  for (let off = 0; off < c.length; off += CHUNK) {
    const n = Math.min(CHUNK, c.length - off);
    const chunk = DuckDBDataChunk.create(TYPES, n);
    // The raw vectors: node-api's wrappers would copy each vector's memory out first.
    const col = (k: number) => duckdbBindings.data_chunk_get_vector(chunk.chunk as never, k) as unknown;
    for (const [k, a] of numbers) copyInto(col(k), a, off, n);
    copyInto(col(25), ids, 0, n);
    for (let f = 0; f < c.text.length; f++) {
      const { codes, values } = c.text[f] as { values: string[]; codes: Uint32Array };
      const v = col(2 + f);
      const { slots: dict, long } = dicts[f] as { slots: Uint32Array; long: boolean[] };
      const same = constants[f];
      if (same) {
        // One short value in every row of the batch (a field the file does not have, one currency):
        // the same slot repeated, laid out once per batch.
        duckdbBindings.copy_data_to_vector(v as never, 0, same.buffer as ArrayBuffer, 0, n * 16);
        continue;
      }
      const longAt: number[] = [];
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
      duckdbBindings.copy_data_to_vector(v as never, 0, slotBytes.buffer as ArrayBuffer, 0, n * 16);
      for (const i of longAt) duckdbBindings.vector_assign_string_element(v as never, i, values[codes[off + i] as number] as string);
    }
    appender.appendDataChunk(chunk);
    onChunk?.(n);
  }
}
