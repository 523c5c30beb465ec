const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  if (typeof v !== "string") return String(v); // numbers and booleans: never quoted
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Rows of objects as CSV with a header row. @example toCsv(["a"], [{ a: 1 }]) // "a\n1\n" */
export function toCsv(columns: string[], rows: Record<string, string | number | boolean | null>[]): string {
  return csvOfCells(columns, rows.length, (r, c) => (rows[r] as Record<string, string | number | boolean | null>)[columns[c] as string] ?? null);
}

/**
 * CSV with a header row of `columns` and `rowCount` rows whose cells `cell(row, column)` gives: for
 * callers that hold their rows in another shape (a report's keys and values) and need no object per row.
 * @example csvOfCells(["a"], 1, () => 1) // "a\n1\n"
 */
export function csvOfCells(columns: string[], rowCount: number, cell: (row: number, column: number) => string | number | boolean | null): string {
  // Lines gathered in parts of about a thousand: a report's 100,000 rows make no array per row.
  const parts = [`${columns.map(csvField).join(",")}\n`];
  let part = "";
  for (let r = 0; r < rowCount; r++) {
    let line = "";
    for (let c = 0; c < columns.length; c++) line += (c > 0 ? "," : "") + csvField(cell(r, c));
    part += `${line}\n`;
    if (r % 1024 === 1023) {
      parts.push(part);
      part = "";
    }
  }
  parts.push(part);
  return parts.join("");
}
