// The cells of one delimited record as spans of the file's text, for the fast scan of platform
// exports (platform-scan.ts): field ends are found in one pass over a line's characters (or with
// indexOf, for text without CRs), numbers are read from their characters, and a text cell equal to
// one seen before in its column is the string made then. A record these spans cannot describe
// exactly (escaped quotes, a line break in a quote, a stray CR, another field count) is left to the
// general tokenizer, so both ways give the same cells.
import type { MeasureKind } from "./record-reader.js";

const QUOTE = 34;
const LF = 10;
const CR = 13;
const COMMA = 44;
const DOT = 46;
const SPACE = 32;
const DASH = 45;
/** Size - 1 of each column's table of strings already made. */
const INTERN_MASK = 2047;
/** Currency signs a number may start with ($ € £ ¥ ₹), among those readLocaleNumber drops. */
const CURRENCY_SIGNS = new Set([36, 0x20ac, 0xa3, 0xa5, 0x20b9]);
/**
 * ASCII first characters (letters lower-cased with | 0x20) of what may be a placeholder ("-", "--",
 * "(not set)", "n/a") or a totals label (Total, Grand total, Subtotal, Gesamt, Summe, Suma, Razem,
 * Jumlah). Any other ASCII first character is a plain value; a non-ASCII one (a dash, "Łącznie",
 * "合計", a no-break space) is left to the rule.
 */
const MAY_START_FILLER = new Set([45, 40, 110, 116, 103, 115, 114, 106]);
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The cells of the current record: `read` finds them, the rest reads them.
 * @example const s = new SpanCells("a,1\n", ",", 2); s.read(0) // 3, then s.value(0) // "a"
 */
export class SpanCells {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Per column: strings already made, by a hash of their characters, and a value derived from each. */
  private readonly seen: string[][];
  private readonly derivedOf: (string | undefined)[][];
  private readonly delimCode: number;
  /** Where the hash of the last `value` call put its string. */
  private slot = 0;
  /** The currency sign (a char code) the last `measure` read before its digits, or 0. */
  sign = 0;

  constructor(
    private readonly text: string,
    private readonly delimiter: string,
    readonly width: number,
  ) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.seen = Array.from({ length: width }, () => new Array<string>(INTERN_MASK + 1).fill("\u0000"));
    this.derivedOf = Array.from({ length: width }, () => new Array<string | undefined>(INTERN_MASK + 1).fill(undefined));
    this.delimCode = delimiter.charCodeAt(0);
  }

  /**
   * Finds the cells of the record that starts at `pos`: the offset of its end (its CR or LF, or the
   * end of the text) when it has exactly `width` fields, each plain or simply quoted (no doubled
   * quote, no line break, nothing after the closing quote); else -1.
   */
  read(pos: number): number {
    const { text, starts, ends, width, delimCode } = this;
    const n = text.length;
    let c = 0;
    let p = pos;
    for (;;) {
      if (c >= width) return -1;
      let q = p;
      if (p < n && text.charCodeAt(p) === QUOTE) {
        for (q = p + 1; q < n; q++) {
          const ch = text.charCodeAt(q);
          if (ch === QUOTE) break;
          if (ch === LF || ch === CR) return -1;
        }
        if (q >= n) return -1;
        starts[c] = p + 1;
        ends[c] = q;
        q++;
        const after = q < n ? text.charCodeAt(q) : LF;
        if (after !== delimCode && after !== LF && after !== CR) return -1;
      } else {
        for (; q < n; q++) {
          const ch = text.charCodeAt(q);
          if (ch === delimCode || ch === LF || ch === CR) break;
        }
        starts[c] = p;
        ends[c] = q;
      }
      if (q < n && text.charCodeAt(q) === delimCode) {
        c++;
        p = q + 1;
        continue;
      }
      return c + 1 === width ? q : -1;
    }
  }

  /**
   * `read` for text without CRs: the record is [pos, lineEnd) and its fields' ends are found with
   * indexOf, which searches a one-byte string much faster than a loop over its characters (a
   * two-byte one, as UTF-16 files decode to, is read faster by `read`).
   */
  readLine(pos: number, lineEnd: number): number {
    const { text, starts, ends, width } = this;
    let p = pos;
    for (let c = 0; c < width; c++) {
      let next: number;
      if (text.charCodeAt(p) === QUOTE) {
        const q = text.indexOf('"', p + 1);
        if (q < 0 || q >= lineEnd) return -1;
        starts[c] = p + 1;
        ends[c] = q;
        next = q + 1;
        if (next < lineEnd && text.charCodeAt(next) !== this.delimCode) return -1;
      } else {
        let d = text.indexOf(this.delimiter, p);
        if (d < 0 || d > lineEnd) d = lineEnd;
        starts[c] = p;
        ends[c] = d;
        next = d;
      }
      if (c < width - 1) {
        if (next >= lineEnd) return -1;
        p = next + 1;
      } else if (next !== lineEnd) return -1;
    }
    return lineEnd;
  }

  /** True when every cell of the record is empty or blank (as String.prototype.trim sees blanks). */
  blank(): boolean {
    const { text } = this;
    for (let c = 0; c < this.width; c++) {
      const s = this.starts[c] as number;
      const e = this.ends[c] as number;
      if (s === e) continue;
      const first = text.charCodeAt(s);
      if ((first > SPACE && first < 128) || text.slice(s, e).trim() !== "") return false;
    }
    return true;
  }

  /**
   * True when column i's cell surely holds a value that is no placeholder and no totals label: its
   * first character past blanks is none of those they start with ("-", "—", "(", "n", "t", "g", "s"…).
   * A cheap test on the characters, before any string is made (totals-shape.ts words the rule).
   */
  plainValue(i: number): boolean {
    const { text } = this;
    let s = this.starts[i] as number;
    const e = this.ends[i] as number;
    while (s < e && text.charCodeAt(s) <= SPACE) s++;
    if (s === e) return false;
    const c = text.charCodeAt(s);
    return c < 0x80 && !MAY_START_FILLER.has(c | 0x20);
  }

  /** The cell of column `i` as a string (the one made before for the same characters, if any). */
  value(i: number): string {
    const { text } = this;
    const s = this.starts[i] as number;
    const e = this.ends[i] as number;
    const len = e - s;
    if (len === 0) {
      this.slot = 0;
      return "";
    }
    const k = (len * 131 + text.charCodeAt(s) * 31 + text.charCodeAt(e - 1) * 7 + text.charCodeAt(s + (len >> 1)) * 3 + text.charCodeAt(e - 2)) & INTERN_MASK;
    this.slot = k;
    const table = this.seen[i] as string[];
    const known = table[k] as string;
    if (known.length === len && text.startsWith(known, s)) return known;
    const v = text.slice(s, e);
    table[k] = v;
    (this.derivedOf[i] as (string | undefined)[])[k] = undefined;
    return v;
  }

  /** `derive` of column i's cell, computed once per distinct cell value while it stays in the table. */
  derived(i: number, derive: (raw: string) => string): string {
    const raw = this.value(i);
    if (raw === "") return derive(raw);
    const slots = this.derivedOf[i] as (string | undefined)[];
    const d = slots[this.slot];
    if (d !== undefined) return d;
    const v = derive(raw);
    slots[this.slot] = v;
    return v;
  }

  /**
   * A measure read straight from column i's characters, exactly as RecordReader reads its string:
   * digits with "," thousands groups and a "." fraction (when `decimal` is "."), plain digits
   * otherwise, either after a currency sign, and the dashes that mean empty (null). Undefined for
   * anything else (the caller reads the string then).
   */
  measure(i: number, kind: MeasureKind, decimal: "." | ","): bigint | number | null | undefined {
    const { text } = this;
    let s = this.starts[i] as number;
    const e = this.ends[i] as number;
    this.sign = 0;
    if (s === e) return null;
    // A currency sign right before the first digit ("$1,234.56", as Amazon Ads writes money) is
    // read apart, as readLocaleNumber reads it (the reader checks it against the row's currency);
    // anything else after a sign is left to that reading.
    if (CURRENCY_SIGNS.has(text.charCodeAt(s))) {
      this.sign = text.charCodeAt(s);
      s++;
      const d = s < e ? text.charCodeAt(s) - 48 : -1;
      if (d < 0 || d > 9) return undefined;
    }
    let units = 0;
    let intDigits = 0;
    let groups = 0;
    let run = 0;
    let frac = 0;
    let fracDigits = -1;
    for (let k = s; k < e; k++) {
      const c = text.charCodeAt(k);
      const d = c - 48;
      if (d >= 0 && d <= 9) {
        if (fracDigits < 0) {
          units = units * 10 + d;
          intDigits++;
          run++;
        } else {
          frac = frac * 10 + d;
          fracDigits++;
        }
      } else if (c === COMMA && decimal === "." && fracDigits < 0) {
        // A thousands separator: after 1-3 digits (no leading zero) first, then after exactly 3.
        if (groups === 0 ? run < 1 || run > 3 || (run > 1 && text.charCodeAt(s) === 48) : run !== 3) return undefined;
        groups++;
        run = 0;
      } else if (c === DOT && decimal === "." && fracDigits < 0) {
        fracDigits = 0;
      } else return dashes(text, s, e) ? null : undefined;
    }
    if (intDigits === 0 || fracDigits === 0 || intDigits + Math.max(fracDigits, 0) > 15) return undefined;
    if (groups > 0 && run !== 3) return undefined;
    const fd = Math.max(fracDigits, 0);
    if (kind === "decimal") return fd === 0 ? units : (units * (POW10[fd] as number) + frac) / (POW10[fd] as number);
    if (kind === "money") return intDigits <= 9 && fd <= 6 ? BigInt(units * 1e6 + frac * (POW10[6 - fd] as number)) : undefined;
    if (frac !== 0) return undefined; // a count or micros with a fraction: an error the string path words
    return kind === "micros" ? BigInt(units) : units;
  }
}

/** True when [s, e) is "-" or "--" with spaces around: an empty measure. */
function dashes(text: string, s: number, e: number): boolean {
  let a = s;
  let b = e;
  while (a < b && text.charCodeAt(a) === SPACE) a++;
  while (b > a && text.charCodeAt(b - 1) === SPACE) b--;
  const n = b - a;
  return (n === 1 || n === 2) && text.charCodeAt(a) === DASH && text.charCodeAt(b - 1) === DASH;
}
