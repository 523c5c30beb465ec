import { readQuotedField } from "./delimited.js";
import type { GenericRowAssembler } from "./generic-row.js";

// Slot numbers of generic-columns.ts, repeated so the hot loop reads constants (a test checks them).
const F_COST = 19;
const F_REVENUE = 20;
const F_CONVERSIONS = 25;
const TEXT_FIELDS = 19;
const QUOTE = 34;
const CR = 13;
const DOT = 46;
const EXTRA = -2;
/** Above this integer part a micros amount may not fit a double exactly: the slow path takes it. */
const MAX_FAST_UNITS = 9_000_000_000;
/** Size - 1 of each text column's table of strings already made. */
const INTERN_MASK = 1023;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/** The slot constants used here, for the test that checks them against generic-columns.ts. */
export const FAST_SLOTS = { F_COST, F_REVENUE, F_CONVERSIONS, TEXT_FIELDS };

/**
 * Reads the data records of a generic CSV straight from the text into `asm`. Line and field ends
 * are found with indexOf; plain numbers are parsed from their characters without making strings;
 * a text value already seen in the column reuses the string made for it; anything unusual (quotes,
 * thousands separators, signs, blanks) goes through the assembler's general path, so the result
 * does not depend on the path taken. Line ends are LF or CRLF (index.ts turns CR-only text into LF).
 * @example scanGenericText("2026-01-01,a,5,100\n", 0, 2, ",", [0, 6, 19, 21], asm)
 */
export function scanGenericText(text: string, start: number, firstLine: number, delimiter: string, slots: readonly number[], asm: GenericRowAssembler): void {
  const n = text.length;
  const ncols = slots.length;
  const interned: string[][] = slots.map(() => new Array<string>(INTERN_MASK + 1).fill(""));
  let pos = start;
  let line = firstLine;

  while (pos < n) {
    let lineEnd = text.indexOf("\n", pos);
    if (lineEnd < 0) lineEnd = n;
    let recEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    if (recEnd === pos) {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    asm.begin(line);
    let col = 0;
    let nonEmpty = 0;
    let extra = false;
    for (;;) {
      const slot = col < ncols ? (slots[col] as number) : EXTRA;
      let e: number;
      if (text.charCodeAt(pos) === QUOTE) {
        const q = readQuotedField(text, pos);
        if (!q.closed) asm.failRow("a quoted field never closes: the rest of the file was read into it");
        let value = q.value;
        if (q.newlines > 0) {
          line += q.newlines;
          lineEnd = text.indexOf("\n", q.end);
          if (lineEnd < 0) lineEnd = n;
          recEnd = lineEnd > q.end && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
        }
        e = q.end < recEnd ? text.indexOf(delimiter, q.end) : -1;
        if (e < 0 || e > recEnd) e = Math.max(recEnd, q.end);
        if (e > q.end) value += text.slice(q.end, e);
        if (value !== "") nonEmpty++;
        if (slot >= 0) asm.setRaw(slot, value);
        else if (slot === EXTRA && value.trim() !== "") extra = true;
      } else {
        e = text.indexOf(delimiter, pos);
        if (e < 0 || e > recEnd) e = recEnd;
        if (e > pos) {
          nonEmpty++;
          if (slot >= TEXT_FIELDS) readNumber(text, pos, e, slot, asm);
          else if (slot >= 0) readText(text, pos, e, slot, asm, interned[col] as string[]);
          else if (slot === EXTRA && text.slice(pos, e).trim() !== "") extra = true;
        }
      }
      if (e < recEnd) {
        pos = e + 1;
        col++;
        continue;
      }
      pos = lineEnd + 1;
      line++;
      break;
    }
    if (nonEmpty === 0) continue; // only delimiters
    const fields = col + 1;
    if (fields < ncols) asm.failRow(`row has ${fields} fields but the header has ${ncols}: a missing delimiter?`);
    else if (extra) asm.failRow(`row has ${fields} fields but the header has ${ncols}: an unquoted delimiter in a value?`);
    asm.end();
  }
}

/** A number field [pos, e): plain digits with an optional fraction are parsed here, the rest by the assembler. */
function readNumber(text: string, pos: number, e: number, slot: number, asm: GenericRowAssembler): void {
  let units = 0;
  let intDigits = 0;
  let frac = 0;
  let fracDigits = -1;
  let clean = true;
  for (let k = pos; k < e; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d >= 0 && d <= 9) {
      if (fracDigits < 0) {
        units = units * 10 + d;
        intDigits++;
      } else {
        frac = frac * 10 + d;
        fracDigits++;
      }
    } else if (d === DOT - 48 && fracDigits < 0) fracDigits = 0;
    else {
      clean = false;
      break;
    }
  }
  const fd = Math.max(fracDigits, 0);
  if (!clean || intDigits === 0 || fracDigits === 0 || fd > 6 || intDigits + fd > 15) {
    asm.setRaw(slot, text.slice(pos, e));
  } else if (slot === F_COST || slot === F_REVENUE) {
    if (units < MAX_FAST_UNITS) asm.setMicros(slot, BigInt(units * 1e6 + frac * (POW10[6 - fd] as number)));
    else asm.setRaw(slot, text.slice(pos, e));
  } else if (slot === F_CONVERSIONS) {
    asm.conversions = fd === 0 ? units : (units * (POW10[fd] as number) + frac) / (POW10[fd] as number);
  } else if (frac === 0) asm.setCount(slot, units);
  else asm.setRaw(slot, text.slice(pos, e));
}

/** A text field [pos, e): reuses the column's earlier string for the same characters when there is one. */
function readText(text: string, pos: number, e: number, slot: number, asm: GenericRowAssembler, table: string[]): void {
  const len = e - pos;
  const first = text.charCodeAt(pos);
  const last = text.charCodeAt(e - 1);
  const k = (len * 131 + first * 31 + last * 7 + text.charCodeAt(e - 2) * 17 + text.charCodeAt(pos + (len >> 1)) * 3) & INTERN_MASK;
  const seen = table[k] as string;
  if (seen.length === len && text.startsWith(seen, pos)) {
    asm.text[slot] = seen;
    return;
  }
  let v = text.slice(pos, e);
  if (first <= 32 || last <= 32) v = v.trim();
  else table[k] = v;
  asm.text[slot] = v;
}
