/** One CSV field, quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of objects as CSV with a header row. @example toCsv(["a"], [{ a: 1 }]) // "a\n1\n" */
export function toCsv(columns: string[], rows: Record<string, string | number | boolean | null>[]): string {
  const lines = [columns.map(csvField).join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c] ?? null)).join(","));
  return `${lines.join("\n")}\n`;
}
