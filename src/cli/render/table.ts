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
// A control character terminalSafe changes, or half of a surrogate pair (a cell of more UTF-16 units than shown).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NOT_PLAIN = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\ud800-\udfff]/;

/**
 * True when no cell of `col` needs cleaning or measuring character by character: one test of the
 * column joined by tabs (which are neither), instead of two passes over each of 100,000 names.
 */
function plainColumn(col: readonly string[]): boolean {
  return !NOT_PLAIN.test(col.join("\t"));
}
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
  const parts: string[] = [];
  writeColumns((chunk) => parts.push(chunk), header, columns, numeric, footer, plain);
  return parts.join("");
}

/** Lines a chunk of writeColumns holds: about 100 KiB of a report's table. */
const CHUNK_LINES = 1024;

/**
 * renderColumns handing the table to `write` in chunks of whole lines (their concatenation is
 * renderColumns' text), so a report of 100,000 rows is written as it is made: each chunk is one flat
 * string that is gone once written, where one string of the whole table kept every line alive (and
 * the garbage collector copying them) until the end.
 */
export function writeColumns(write: (chunk: string) => void, header: string[], columns: string[][], numeric: ReadonlySet<number> = new Set(), footer?: string[], plain: ReadonlySet<number> = new Set()): void {
  const width = header.length;
  const rowCount = columns[0]?.length ?? 0;
  const head = header.map(safe);
  const foot = footer?.map(safe);
  const plainText = columns.map((col, i) => plain.has(i) || plainColumn(col));
  const cells = columns.map((col, i) => {
    if (plainText[i]) return col;
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
    if (plainText[i]) {
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
  const right = header.map((_, i) => numeric.has(i));
  const lastLeft = !right[width - 1];
  // Blanks of each length, made once (a table pads its 600,000 cells from a few dozen of them).
  const blanks: string[] = [];
  const padded = (c: string, i: number, shown: number): string => {
    const gap = (widths[i] as number) - shown;
    if (gap <= 0) return c;
    let b = blanks[gap];
    if (b === undefined) {
      b = " ".repeat(gap);
      blanks[gap] = b;
    }
    return right[i] ? b + c : c + b;
  };
  // No trailing blanks on a line (a right-aligned last cell has none unless its text ends in one).
  const trimmed = (out: string, last: string) => (lastLeft || TRAILING_SPACE.test(last) ? out.trimEnd() : out);
  const line = (texts: readonly string[]): string => trimmed(texts.map((c, i) => padded(c, i, shownLength(c))).join("  "), texts[width - 1] ?? "");
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  write(`${line(head)}\n${rule}\n`);
  // Lines joined a chunk at a time: Array.join makes one flat string (`+=` a tree of every piece).
  const lines: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    let c = (cells[0] as string[])[r] ?? "";
    let out = padded(c, 0, lengths[0]?.[r] ?? c.length);
    for (let i = 1; i < width; i++) {
      c = (cells[i] as string[])[r] ?? "";
      out += `  ${padded(c, i, lengths[i]?.[r] ?? c.length)}`;
    }
    lines.push(trimmed(out, c));
    if (lines.length === CHUNK_LINES) {
      lines.push("");
      write(lines.join("\n"));
      lines.length = 0;
    }
  }
  if (lines.length > 0) {
    lines.push("");
    write(lines.join("\n"));
  }
  if (foot) write(`${rule}\n${line(header.map((_, i) => foot[i] ?? ""))}\n`);
}
