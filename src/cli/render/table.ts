import { terminalSafe } from "./format.js";

/** Characters a terminal shows for `s` (code points: a surrogate pair is one). @example shownLength("a😀") // 2 */
function shownLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// What terminalSafe changes: control characters other than tab (a line break among them).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
const TRAILING_SPACE = /\s$/;
const safe = (c: string) => (UNSAFE.test(c) ? terminalSafe(c) : c);

/**
 * Renders rows as an aligned text table. Columns listed in `numeric` are right-aligned. Every cell
 * is made terminal-safe (campaign names come from files). Linear in the cells: a table of 100,000
 * rows is measured and padded in one pass each, with no argument list as long as the table.
 */
export function renderTable(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set(), footer?: string[]): string {
  const columns = header.map((_, i) => rows.map((r) => r[i] ?? ""));
  return renderColumns(header, columns, numeric, footer);
}

/**
 * renderTable for a table given column by column (`columns[i][row]`), as a report builds it: no array
 * per row. A cell is measured in code points; padding follows the widest cell of its column. Columns
 * in `plain` hold text cpi made itself (formatted numbers): no control characters, no surrogate
 * pairs, so they are neither cleaned nor measured character by character.
 * @example renderColumns(["a", "n"], [["x", "y"], ["1", "22"]], new Set([1])) // "a   n\n─  ──\nx   1\ny  22\n"
 */
export function renderColumns(header: string[], columns: string[][], numeric: ReadonlySet<number> = new Set(), footer?: string[], plain: ReadonlySet<number> = new Set()): string {
  const width = header.length;
  const rowCount = columns[0]?.length ?? 0;
  const head = header.map(safe);
  const foot = footer?.map(safe);
  const cells = columns.map((col, i) => {
    if (plain.has(i)) return col;
    let out: string[] | null = null;
    for (let r = 0; r < col.length; r++) {
      const c = col[r] as string;
      if (!UNSAFE.test(c)) continue;
      out ??= col.slice();
      out[r] = terminalSafe(c);
    }
    return out ?? col;
  });
  // Each column's cells measured once; a column of plain BMP text measures by .length.
  const lengths: (Int32Array | null)[] = [];
  const widths = head.map((h, i) => {
    const col = cells[i] ?? [];
    let w = Math.max(shownLength(h), foot ? shownLength(foot[i] ?? "") : 0);
    let lens: Int32Array | null = null;
    if (plain.has(i)) {
      for (let r = 0; r < rowCount; r++) w = Math.max(w, (col[r] ?? "").length);
      lengths.push(null);
      return w;
    }
    for (let r = 0; r < rowCount; r++) {
      const c = col[r] ?? "";
      const n = shownLength(c);
      if (n !== c.length) {
        lens ??= Int32Array.from(col, (x) => (x ?? "").length);
        lens[r] = n;
      }
      if (n > w) w = n;
    }
    lengths.push(lens);
    return w;
  });
  const lastLeft = !numeric.has(width - 1);
  const pad = (c: string, i: number, n: number) => {
    const w = widths[i] as number;
    if (n >= w) return c;
    if (n === c.length) return numeric.has(i) ? c.padStart(w) : c.padEnd(w);
    return numeric.has(i) ? " ".repeat(w - n) + c : c + " ".repeat(w - n);
  };
  const line = (get: (i: number) => string, len: (i: number, c: string) => number) => {
    let out = "";
    let c = "";
    for (let i = 0; i < width; i++) {
      c = get(i);
      if (i > 0) out += "  ";
      out += pad(c, i, len(i, c));
    }
    // No trailing blanks (a right-aligned last cell has none unless its text ends in one).
    return lastLeft || TRAILING_SPACE.test(c) ? out.trimEnd() : out;
  };
  const own = (_: number, c: string) => shownLength(c);
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  // Lines gathered in parts of about a thousand (one join of 100,000 strings held them all at once).
  const parts: string[] = [`${line((i) => head[i] as string, own)}\n${rule}\n`];
  let part = "";
  for (let r = 0; r < rowCount; r++) {
    part += `${line(
      (i) => (cells[i] as string[])[r] ?? "",
      (i, c) => lengths[i]?.[r] ?? c.length,
    )}\n`;
    if (r % 1024 === 1023) {
      parts.push(part);
      part = "";
    }
  }
  parts.push(part);
  if (foot) parts.push(`${rule}\n${line((i) => foot[i] ?? "", own)}\n`);
  return parts.join("");
}
