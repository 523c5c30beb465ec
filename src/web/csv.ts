// CSV of a table as shown: a header row, the rows in their order, the totals row last. Numbers go out
// as the API gave them (full precision, '.' decimals) so a spreadsheet recomputes the same figures;
// text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe.

export type Cell = string | number | null | undefined;

/** One CSV field: quoted when it holds a comma, quote or line break; a formula-looking text defused. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole document, lines ended by CRLF (RFC 4180). @example csvText(["a"], [[1]]) // "a\r\n1\r\n" */
export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}
