import type { Table } from "./platform.js";

/**
 * Up to `limit` non-empty cells of some columns of a table's data rows, for guessing its locale.
 * @example sampleCells(table, [3, 5]) // ["454,06", "3309", ...]
 */
export function sampleCells(table: Table, columns: readonly (number | undefined)[], limit = 2000): string[] {
  const out: string[] = [];
  const cols = columns.filter((c): c is number => c !== undefined);
  if (cols.length === 0) return out;
  for (let r = table.headerIndex + 1; r < table.rows.length && out.length < limit; r++) {
    const record = table.rows[r] as string[];
    for (const c of cols) {
      const v = (record[c] ?? "").trim();
      if (v !== "") out.push(v);
    }
  }
  return out;
}

/** The records above the header row. @example preambleOf(table)[0] // ["Campaign report"] */
export function preambleOf(table: Table): string[][] {
  return table.rows.slice(0, Math.max(0, table.headerIndex));
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
