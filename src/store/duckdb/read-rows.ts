// A query's result as plain row objects, read column by column from DuckDB's vectors. @duckdb/node-api's
// getRows() makes an array and a value object per row (a DuckDBDateValue per date, a 128-bit BigInt
// built from two 64-bit ones per HUGEINT sum): for a 100,000-row report that was most of the time
// spent turning the result into rows, and most of its garbage. Here the fixed-width columns cpi's
// queries return (DATE, HUGEINT, BIGINT, DOUBLE, INTEGER) are read from the vector's bytes; every
// other column goes through node-api's own value reader.
import { type DuckDBDataChunk, type DuckDBMaterializedResult, DuckDBTypeId, type DuckDBValue } from "@duckdb/node-api";
import duckdbBindings from "@duckdb/node-bindings";
import type { ResultColumns, ResultRow } from "../store.js";

type Plain = string | number | bigint | boolean | null;
type Raw = never;

/** Bytes per value of the columns read here from the vector's data. */
const WIDTH: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.DATE]: 4,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.BIGINT]: 8,
  [DuckDBTypeId.DOUBLE]: 8,
  [DuckDBTypeId.HUGEINT]: 16,
};

const TWO32 = 2 ** 32;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER) + 1n;

/**
 * Reads one column of one chunk into `out` from index `at` (rows [0, n) of the chunk). Null where the validity mask
 * says so. `day` names a DATE's day number; `plain` turns any other DuckDB value into a plain one;
 * `small` gives a 64- or 128-bit integer within ±2^53 (BigInt, or the number as it is).
 */
function readColumn(
  chunk: DuckDBDataChunk,
  c: number,
  type: DuckDBTypeId,
  n: number,
  out: Plain[],
  at: number,
  day: (days: number) => string,
  plain: (v: DuckDBValue) => Plain,
  small: (n: number) => number | bigint,
): void {
  const width = WIDTH[type];
  const raw = (chunk as unknown as { chunk?: unknown }).chunk;
  if (width === undefined || raw === undefined) {
    const vector = chunk.getColumnVector(c);
    for (let r = 0; r < n; r++) out[at + r] = plain(vector.getItem(r) as DuckDBValue);
    return;
  }
  const vector = duckdbBindings.data_chunk_get_vector(raw as Raw, c);
  const bytes = duckdbBindings.vector_get_data(vector, n * width);
  const mask = duckdbBindings.vector_get_validity(vector, Math.ceil(n / 64) * 8) as Uint8Array | null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let r = 0; r < n; r++) {
    if (mask && ((mask[r >> 3] as number) & (1 << (r & 7))) === 0) {
      out[at + r] = null;
      continue;
    }
    const o = r * width;
    switch (type) {
      case DuckDBTypeId.DATE: {
        const days = view.getInt32(o, true);
        // ±infinity and dates past year 9999 as DuckDB writes them.
        out[at + r] = Math.abs(days) < 2_932_897 ? day(days) : plain(chunk.getColumnVector(c).getItem(r) as DuckDBValue);
        break;
      }
      case DuckDBTypeId.INTEGER:
        out[at + r] = view.getInt32(o, true);
        break;
      case DuckDBTypeId.DOUBLE:
        out[at + r] = view.getFloat64(o, true);
        break;
      case DuckDBTypeId.BIGINT: {
        const v = view.getBigInt64(o, true);
        out[at + r] = small === BigInt || v > MAX_EXACT || v < -MAX_EXACT ? v : Number(v);
        break;
      }
      default: {
        // HUGEINT: a 64-bit upper half that is 0 (or -1, for a negative) and a lower half within 2^53
        // is one exact double; anything wider is put together as a BigInt.
        const lo = view.getUint32(o, true);
        const mid = view.getUint32(o + 4, true);
        const hi = view.getInt32(o + 12, true);
        const hiLow = view.getUint32(o + 8, true);
        if (hi === 0 && hiLow === 0 && mid < 0x200000) out[at + r] = small(mid * TWO32 + lo);
        else if (hi === -1 && hiLow === 0xffffffff && mid >= 0xffe00000) out[at + r] = small((mid - TWO32) * TWO32 + lo);
        else out[at + r] = (view.getBigInt64(o + 8, true) << 64n) | view.getBigUint64(o, true);
      }
    }
  }
}

const asNumber = (n: number) => n;

/**
 * Every column of a result (values as readRowObjects gives them, except that 64- and 128-bit
 * integers within ±2^53 are numbers: exact, and no BigInt to make per value). `small` is for
 * readRowObjects.
 */
export async function readColumns(
  result: DuckDBMaterializedResult,
  day: (days: number) => string,
  plain: (v: DuckDBValue) => Plain,
  small: (n: number) => number | bigint = asNumber,
): Promise<ResultColumns> {
  const names = result.columnNames();
  const types = result.columnTypes().map((t) => t.typeId);
  const all: Plain[][] = names.map(() => []);
  let rowCount = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    for (let c = 0; c < names.length; c++) readColumn(chunk, c, types[c] as DuckDBTypeId, n, all[c] as Plain[], rowCount, day, plain, small);
    rowCount += n;
  }
  // A later column of the same name wins, as in rows.
  const columns: ResultColumns["columns"] = {};
  names.forEach((name, c) => {
    columns[name] = all[c] as Plain[];
  });
  return { rowCount, columns };
}

/**
 * Every row of a result as objects keyed by column name (later columns win over earlier ones of the
 * same name, as getRowObjects does): dates as "YYYY-MM-DD" (through `day`), 64- and 128-bit integers
 * as bigint, other values through `plain`.
 */
export async function readRowObjects(result: DuckDBMaterializedResult, day: (days: number) => string, plain: (v: DuckDBValue) => Plain): Promise<ResultRow[]> {
  const names = result.columnNames();
  const { rowCount, columns } = await readColumns(result, day, plain, BigInt);
  const cols = names.map((name) => columns[name] as Plain[]);
  const template: ResultRow = {};
  for (const name of names) template[name] = null;
  const rows = new Array<ResultRow>(rowCount);
  for (let r = 0; r < rowCount; r++) {
    // A copy of the template has every key already (one shape for all rows): adding the keys one
    // by one went through V8's slow path for each of them.
    const o: ResultRow = { ...template };
    for (let c = 0; c < names.length; c++) o[names[c] as string] = (cols[c] as Plain[])[r] as Plain;
    rows[r] = o;
  }
  return rows;
}
