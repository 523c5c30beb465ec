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
  const parts: string[] = [];
  writeCsvOfCells((chunk) => parts.push(chunk), columns, rowCount, cell);
  return parts.join("");
}

/** Lines a chunk of writeCsvOfCells holds (about 100 KiB of a report). */
const CHUNK_LINES = 1024;

/**
 * csvOfCells handed to `write` in chunks of whole lines (their concatenation is csvOfCells' text): a
 * report's 100,000 rows are written as they are made, each chunk one flat string gone once written.
 */
export function writeCsvOfCells(write: (chunk: string) => void, columns: string[], rowCount: number, cell: (row: number, column: number) => string | number | boolean | null): void {
  write(`${columns.map(csvField).join(",")}\n`);
  const width = columns.length;
  // Lines joined a chunk at a time: Array.join makes one flat string (`+=` a tree of every piece).
  const lines: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    let line = csvField(cell(r, 0));
    for (let c = 1; c < width; c++) line += `,${csvField(cell(r, c))}`;
    lines.push(line);
    if (lines.length === CHUNK_LINES || r === rowCount - 1) {
      lines.push("");
      write(lines.join("\n"));
      lines.length = 0;
    }
  }
}
