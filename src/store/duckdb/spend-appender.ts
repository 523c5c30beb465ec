import { BIGINT, DATE, DOUBLE, type DuckDBAppender, DuckDBDataChunk, type DuckDBType, VARCHAR } from "@duckdb/node-api";
import duckdbBindings from "@duckdb/node-bindings";
import { isoToEpochDay } from "../../domain/dates.js";
import type { SpendRow } from "../../domain/spend.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import { SPEND_COLUMNS } from "./schema.js";

const CHUNK = 2048;
const STRING_FIELDS = [
  "source",
  "account_id",
  "account_name",
  "account_timezone",
  "currency",
  "campaign_id",
  "campaign",
  "ad_group_id",
  "ad_group",
  "ad_id",
  "ad",
  "placement",
  "country",
  "device",
  "age",
  "gender",
] as const satisfies readonly (keyof SpendRow)[];
const COUNT_FIELDS = ["impressions", "clicks"] as const;

const TYPES: DuckDBType[] = SPEND_COLUMNS.map(([, t]) =>
  t.startsWith("DATE") ? DATE : t.startsWith("VARCHAR") ? VARCHAR : t.startsWith("DOUBLE") ? DOUBLE : BIGINT,
);

/**
 * The vector internals this module writes. @duckdb/node-api's per-value setItem goes through a type
 * dispatch per value and one native call per string; for bulk imports we fill the typed arrays
 * ourselves, and build each VARCHAR column's 16-byte string slots in one buffer copied in one call.
 */
interface NumericVector {
  items: BigInt64Array | Int32Array | Float64Array;
  flush(): void;
}
interface RawVector {
  vector: unknown;
}

/**
 * Fills one VARCHAR vector. DuckDB's string_t is 16 bytes: a uint32 length then, for strings of at
 * most 12 bytes, the bytes inline. Short ASCII strings (ids, currencies, sources, empty fields) are
 * laid out in `slots` and copied in one native call; longer ones then go through DuckDB's API.
 */
function fillStrings(v: RawVector, slots: Uint8Array, values: readonly string[], n: number): void {
  slots.fill(0, 0, n * 16);
  const long: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = values[i] as string;
    const len = s.length;
    let inline = len <= 12;
    if (inline) {
      const off = i * 16;
      for (let k = 0; k < len; k++) {
        const c = s.charCodeAt(k);
        if (c > 127) {
          inline = false;
          break;
        }
        slots[off + 4 + k] = c;
      }
      if (inline) {
        slots[off] = len;
        continue;
      }
    }
    long.push(i);
  }
  duckdbBindings.copy_data_to_vector(v.vector as never, 0, slots.buffer as ArrayBuffer, slots.byteOffset, n * 16);
  for (const i of long) duckdbBindings.vector_assign_string_element(v.vector as never, i, values[i] as string);
}

/**
 * Appends spend rows column by column in chunks of 2048 (DuckDB's vector size), writing the
 * vectors' memory directly. Column order follows SPEND_COLUMNS.
 */
export function appendSpendRows(appender: DuckDBAppender, rows: readonly SpendRow[], importId: number, onChunk?: (n: number) => void): void {
  const days = new Map<string, number>();
  const day = (iso: string) => {
    let d = days.get(iso);
    if (d === undefined) {
      const e = isoToEpochDay(iso);
      if (e === null) throw new Error(`spend row with an invalid date '${iso}' reached the store`);
      d = e;
      days.set(iso, d);
    }
    return d;
  };
  const id = BigInt(importId);
  const slots = new Uint8Array(CHUNK * 16);
  const text = STRING_FIELDS.map(() => new Array<string>(CHUNK));
  for (let off = 0; off < rows.length; off += CHUNK) {
    const n = Math.min(CHUNK, rows.length - off);
    const chunk = DuckDBDataChunk.create(TYPES, n);
    const col = (c: number) => chunk.getColumnVector(c) as unknown;
    const start = col(0) as NumericVector;
    const end = col(1) as NumericVector;
    const strings = STRING_FIELDS.map((_, s) => col(2 + s) as RawVector);
    const cost = col(18) as NumericVector;
    const counts = COUNT_FIELDS.map((_, c) => col(19 + c) as NumericVector);
    const conversions = col(21) as NumericVector;
    const revenue = col(22) as NumericVector;
    const viewable = col(23) as NumericVector;
    const measurable = col(24) as NumericVector;
    const imp = col(25) as NumericVector;
    for (let i = 0; i < n; i++) {
      const r = rows[off + i] as SpendRow;
      start.items[i] = day(r.date_start);
      end.items[i] = day(r.date_end);
      for (let s = 0; s < STRING_FIELDS.length; s++) (text[s] as string[])[i] = r[STRING_FIELDS[s] as (typeof STRING_FIELDS)[number]];
      cost.items[i] = r.cost;
      for (let c = 0; c < COUNT_FIELDS.length; c++) (counts[c] as NumericVector).items[i] = BigInt(r[COUNT_FIELDS[c] as (typeof COUNT_FIELDS)[number]]);
      conversions.items[i] = r.conversions;
      revenue.items[i] = r.revenue;
      viewable.items[i] = BigInt(r.viewable_impressions);
      measurable.items[i] = BigInt(r.measurable_impressions);
      imp.items[i] = id;
    }
    for (let s = 0; s < STRING_FIELDS.length; s++) fillStrings(strings[s] as RawVector, slots, text[s] as string[], n);
    for (const v of [start, end, cost, ...counts, conversions, revenue, viewable, measurable, imp]) v.flush();
    appender.appendDataChunk(chunk);
    onChunk?.(n);
  }
}

/** One text column's dictionary as DuckDB string slots: inline images for short ASCII values, else null. */
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
 * Appends a batch of spend columns (see SpendColumns) in chunks of 2048: numbers and dates are
 * copied into the vectors as they are; each text value is its dictionary entry's 16-byte slot.
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
