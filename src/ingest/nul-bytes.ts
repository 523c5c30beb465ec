// NUL bytes in a report: no export holds one, and no store takes one in a name. A file with one is
// damaged (or not a text file) and is refused whole, naming where they are, in a dry run as in an import.
import { UserError } from "../domain/errors.js";

/** Where NUL bytes are listed at most. */
const LISTED = 5;

/** The cell index of `at` on its line: delimiters outside quotes before it (a multi-line quoted cell may count from its own line). */
function cellIndex(text: string, lineStart: number, at: number, delimiter: string): number {
  let index = 0;
  let quoted = false;
  for (let i = lineStart; i < at; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) index++;
  }
  return index;
}

/**
 * Throws a UserError naming the lines and columns (by the header's names) of the first NUL bytes of a
 * delimited text; does nothing when it has none.
 * @example refuseNulBytes("date,campaign\n2026-10-01,a\u0000b\n", ",", ["date", "campaign"]) // throws "line 2, column 'campaign': …"
 */
export function refuseNulBytes(text: string, delimiter: string, header: readonly string[]): void {
  let at = text.indexOf("\u0000");
  if (at < 0) return;
  const places: string[] = [];
  let count = 0;
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  while (at >= 0) {
    count++;
    if (places.length < LISTED) {
      for (let nl = text.indexOf("\n", scanned); nl >= 0 && nl < at; nl = text.indexOf("\n", nl + 1)) {
        line++;
        lineStart = nl + 1;
      }
      scanned = at;
      const index = cellIndex(text, lineStart, at, delimiter);
      const name = header[index]?.trim();
      const place = `line ${line}, column ${name ? `'${name}'` : index + 1}`;
      if (places.at(-1) !== place) places.push(place);
    }
    at = text.indexOf("\u0000", at + 1);
  }
  throw new UserError(
    "nul_bytes",
    `the file holds ${count === 1 ? "a NUL byte" : `${count} NUL bytes`} (\\0), which no report export has: it is damaged or not a text file (${places.join("; ")}${count > places.length ? "; …" : ""})`,
  );
}

/** The same for a sheet's cells (an XLSX file), by row and header name. */
export function refuseNulCells(rows: readonly (readonly string[])[], lines: readonly number[], headerIndex: number): void {
  const header = headerIndex >= 0 ? (rows[headerIndex] ?? []) : [];
  for (let r = 0; r < rows.length; r++) {
    const cells = rows[r] as readonly string[];
    const c = cells.findIndex((x) => x.includes("\u0000"));
    if (c < 0) continue;
    const name = header[c]?.trim();
    throw new UserError("nul_bytes", `the sheet holds a NUL character (\\0) at row ${lines[r] ?? r + 1}, column ${name ? `'${name}'` : c + 1}: it is damaged`);
  }
}
