import type { Table } from "./platform.js";
import { recordsFrom } from "./table-records.js";

/**
 * Up to `limit` non-empty cells of some columns of a table's data rows, for guessing its locale.
 * @example sampleCells(table, [3, 5]) // ["454,06", "3309", ...]
 */
export function sampleCells(table: Table, columns: readonly (number | undefined)[], limit = 2000): string[] {
  const out: string[] = [];
  const cols = columns.filter((c): c is number => c !== undefined);
  if (cols.length === 0) return out;
  for (const { record } of recordsFrom(table, table.headerIndex + 1)) {
    if (out.length >= limit) break;
    for (const c of cols) {
      const v = (record[c] ?? "").trim();
      if (v !== "") out.push(v);
    }
  }
  return out;
}

/** The records above the header row. @example preambleOf(table)[0] // ["Campaign report"] */
export function preambleOf(table: Table): string[][] {
  const out: string[][] = [];
  for (const { record } of recordsFrom(table, 0)) {
    if (out.length >= table.headerIndex) break;
    out.push(record);
  }
  return out;
}

/**
 * The first cell of a record that holds something (not empty, not a "--" placeholder), trimmed, or "".
 * @example firstFilled([" --", "", " Total: Account"]) // "Total: Account"
 */
export function firstFilled(record: readonly string[]): string {
  for (const c of record) {
    const t = c.trim();
    if (t !== "" && t !== "--" && t !== "-") return t;
  }
  return "";
}
