import { type Micros, parseMicros } from "../domain/money.js";
import { splitMoneySign } from "./currency-signs.js";

/** The decimal separator of a file's numbers. */
export type DecimalMark = "." | ",";

/** What a number cell holds once its locale formatting is removed. */
export type NumberCell =
  | {
      kind: "number" /** plain decimal: "-1234.56" */;
      text: string;
      /** The currency sign or code written with it ("Rs.", "€", "USD"), if any. */
      sign?: string;
    }
  | { kind: "empty" }
  | {
      kind: "bucket" /** a range the platform printed instead of a value: "< 10%", "<5" */;
      text: string;
    }
  | { kind: "invalid" };

/** Cells that mean "no value": empty, the platforms' dashes, "(not set)", "N/A". */
const EMPTY_MARKERS = new Set(["", "-", "--", "—", "–", "(not set)", "n/a", "na", "null", "none", "nan", "#n/a"]);

const EMPTY: NumberCell = { kind: "empty" };
const INVALID: NumberCell = { kind: "invalid" };

/**
 * Removes a number's locale formatting: blanks (no-break and narrow no-break spaces too), thousands
 * separators (checked to group by three), a currency sign or code (returned as `sign`), accounting
 * parentheses; with `decimal` "," the comma is the decimal mark. Dashes and "(not set)" are empty;
 * "< 10%" or "<5" are buckets, never numbers.
 * @example readLocaleNumber("1.234,56 €", ",") // { kind: "number", text: "1234.56", sign: "€" }
 */
export function readLocaleNumber(raw: string, decimal: DecimalMark): NumberCell {
  if (isPlainNumber(raw, decimal)) return { kind: "number", text: raw };
  const grouped = plainOfGrouped(raw, decimal);
  if (grouped !== null) return { kind: "number", text: grouped };
  let s = raw.replace(/[\u00a0\u202f\u2009]/g, " ").trim();
  if (EMPTY_MARKERS.has(s.toLowerCase())) return EMPTY;
  const c0 = s.charCodeAt(0);
  if (c0 === 60 || c0 === 62 || c0 === 0x2264 || c0 === 0x2265) return { kind: "bucket", text: s }; // < > ≤ ≥
  let negative = false;
  if (s.startsWith("(") && s.endsWith(")")) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith("-") || s.startsWith("−")) {
    negative = !negative;
    s = s.slice(1).trim();
  } else if (s.startsWith("+")) s = s.slice(1).trim();
  const { sign, rest } = splitMoneySign(s);
  s = rest.trim();
  if (s.startsWith("-") && !negative) {
    negative = true;
    s = s.slice(1).trim();
  }
  const plain = ungroup(s, decimal);
  if (plain === null) return INVALID;
  const text = negative && !/^0*\.?0*$/.test(plain) ? `-${plain}` : plain;
  return sign === null ? { kind: "number", text } : { kind: "number", text, sign };
}

/** Digits with at most one decimal mark between digits: already plain (the common case, no regex). */
function isPlainNumber(raw: string, decimal: DecimalMark): boolean {
  const n = raw.length;
  if (n === 0 || n > 15 || decimal !== ".") return false;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === 46 && dot < 0 && i > 0 && i < n - 1) dot = i;
    else if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * "1,234,567" or "1,234.50" (with decimal ".": "1.234,50" with ","), as Google Ads writes every figure
 * from 1,000 up: the plain text, or null for anything else (left to the general path). No regex, so
 * a million such cells cost little.
 */
function plainOfGrouped(raw: string, decimal: DecimalMark): string | null {
  const n = raw.length;
  if (n < 5 || n > 24) return null;
  const group = decimal === "." ? 44 : 46;
  const mark = decimal === "." ? 46 : 44;
  let out = "";
  let run = 0; // digits since the start or the last separator
  let seps = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) run++;
    else if (c === group) {
      if (seps === 0 ? run < 1 || run > 3 || (run > 1 && raw.charCodeAt(0) === 48) : run !== 3) return null;
      out += raw.slice(i - run, i);
      run = 0;
      seps++;
    } else if (c === mark) break;
    else return null;
  }
  if (seps === 0 || run !== 3) return null;
  out += raw.slice(i - 3, i);
  if (i === n) return out;
  // The decimal part: one or more digits to the end.
  if (i === n - 1) return null;
  for (let j = i + 1; j < n; j++) {
    const c = raw.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  return `${out}.${raw.slice(i + 1)}`;
}

const UNGROUPED = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

/** A plain "1234.56" from a grouped "1,234.56" (or "1.234,56" with decimal ","), or null. */
function ungroup(s: string, decimal: DecimalMark): string | null {
  const group = decimal === "." ? "," : ".";
  let intPart = s;
  let frac: string | null = null;
  const d = s.lastIndexOf(decimal);
  if (d >= 0) {
    intPart = s.slice(0, d);
    frac = s.slice(d + 1);
    if (!/^\d*$/.test(frac) || intPart.includes(decimal)) return null;
  }
  if (intPart.includes(group) || intPart.includes(" ") || intPart.includes("'")) {
    const parts = intPart.split(/[ ',.]/);
    const first = parts[0] ?? "";
    if (!/^\d{1,3}$/.test(first)) return null;
    for (let i = 1; i < parts.length; i++) if (!/^\d{3}$/.test(parts[i] ?? "")) return null;
    // One kind of separator only (no "1,234 567").
    const seps = intPart.replace(/\d/g, "");
    if (new Set(seps).size > 1) return null;
    intPart = parts.join("");
  }
  const text = frac === null ? intPart : `${intPart}.${frac}`;
  const m = UNGROUPED.exec(text);
  if (!m) return null;
  if (m[3] !== undefined) return `0.${m[3]}`;
  return m[2] === undefined || m[2] === "" ? (m[1] as string) : text;
}

/** Micros of a plain decimal produced by readLocaleNumber. @example plainToMicros("12.5") // 12500000n */
export function plainToMicros(plain: string): Micros {
  return parseMicros(plain) as Micros;
}

/** The whole number of a plain decimal ("12" or "12.00"), or null when it has a fraction. @example plainToWhole("12.00") // 12 */
export function plainToWhole(plain: string): number | null {
  const dot = plain.indexOf(".");
  const intText = dot < 0 ? plain : plain.slice(0, dot);
  if (dot >= 0 && !/^0*$/.test(plain.slice(dot + 1))) return null;
  const n = Number(intText);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Guesses a file's decimal mark from sample cells of its numeric columns: a mark followed by other
 * than three digits, or the last of two different marks, is the decimal one; ties go to `hint`.
 * @example inferDecimalMark(["454,06", "3309"], ".") // ","
 */
export function inferDecimalMark(samples: readonly string[], hint: DecimalMark): DecimalMark {
  let dot = 0;
  let comma = 0;
  for (const raw of samples) {
    // A currency sign is no mark: "Rs.201.68" has one decimal point.
    const s = splitMoneySign(raw.replace(/[\u00a0\u202f\u2009]/g, " ").trim().replace(/^[-−(]/, "")).rest.trim();
    const lastDot = s.lastIndexOf(".");
    const lastComma = s.lastIndexOf(",");
    if (lastDot >= 0 && lastComma >= 0) {
      if (lastDot > lastComma) dot += 2;
      else comma += 2;
      continue;
    }
    const at = lastDot >= 0 ? lastDot : lastComma;
    if (at < 0) continue;
    const mark = s[at];
    const count = s.split(mark as string).length - 1;
    const digitsAfter = s.slice(at + 1).replace(/[^\d]/g, "").length;
    const isDecimal = count === 1 && digitsAfter !== 3;
    const isGroup = count > 1;
    if (mark === ".") {
      if (isDecimal) dot++;
      else if (isGroup) comma++;
    } else if (isDecimal) comma++;
    else if (isGroup) dot++;
  }
  if (dot === comma) return hint;
  return dot > comma ? "." : ",";
}
