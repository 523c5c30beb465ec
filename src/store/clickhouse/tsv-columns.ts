// A SELECT's result read column by column from ClickHouse's TabSeparatedWithNamesAndTypes. JSONCompact
// made an array per row and a string per value, then a number out of each quoted 64-bit integer: for
// a 100,000-row report that was most of the time spent reading the result, and most of its garbage.
// Here integers are read from the text's characters, a day is one string per distinct day, and only
// text columns make a string per value. Values come out as JSONCompact's did through connection.ts
// (integers within ±2^53 as numbers, wider ones as bigint; DateTime as an ISO instant).
import type { ResultColumns } from "../store.js";

type Plain = string | number | bigint | boolean | null;
/** Turns the field text[start, end) into a value. */
type FieldReader = (text: string, start: number, end: number) => Plain;

const BACKSLASH = 92;
const ESCAPES: Record<string, string> = { b: "\b", f: "\f", r: "\r", n: "\n", t: "\t", "0": "\0", "'": "'", "\\": "\\" };

/** A TabSeparated field's text without its escapes. @example unescapeTsv("a\\tb") // "a\tb" */
export function unescapeTsv(s: string): string {
  return s.includes("\\") ? s.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c) : s;
}

const readText: FieldReader = (text, start, end) => unescapeTsv(text.slice(start, end));

/** An integer column: plain numbers within ±2^53 read from the digits, wider ones through BigInt. */
const readInteger: FieldReader = (text, start, end) => {
  let i = start;
  const negative = text.charCodeAt(i) === 45;
  if (negative) i++;
  if (end - i > 15) {
    const big = BigInt(text.slice(start, end));
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big;
  }
  let n = 0;
  for (; i < end; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return negative ? -n : n;
};

/** Floats as JSON gave them: nan and ±inf as null. */
const readFloat: FieldReader = (text, start, end) => {
  const n = Number(text.slice(start, end));
  return Number.isFinite(n) ? n : null;
};

/** Days ("YYYY-MM-DD"): one string per distinct day, found by the day's digits. */
function dayReader(): FieldReader {
  const days = new Map<number, string>();
  return (text, start, end) => {
    if (end - start !== 10) return text.slice(start, end);
    let key = 0;
    for (let i = start; i < end; i++) if (i !== start + 4 && i !== start + 7) key = key * 10 + (text.charCodeAt(i) - 48);
    let day = days.get(key);
    if (day === undefined) {
      day = text.slice(start, end);
      days.set(key, day);
    }
    return day;
  };
}

const readDateTime: FieldReader = (text, start, end) => `${text.slice(start, end).replace(" ", "T")}.000Z`;

/** The reader of a column of `type`, or null for types this reader leaves to JSON (arrays, tuples, maps…). */
function readerOf(type: string): FieldReader | null {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  if (nullable) {
    const inner = readerOf(nullable[1] as string);
    if (!inner) return null;
    return (text, start, end) => (end - start === 2 && text.charCodeAt(start) === BACKSLASH && text.charCodeAt(start + 1) === 78 ? null : inner(text, start, end));
  }
  const low = /^LowCardinality\((.*)\)$/.exec(type);
  if (low) return readerOf(low[1] as string);
  if (/^U?Int(8|16|32|64|128|256)$/.test(type)) return readInteger;
  if (/^Float(32|64)$/.test(type) || /^Decimal/.test(type)) return readFloat;
  if (type === "Date") return dayReader();
  if (/^DateTime(\(.*\))?$/.test(type)) return readDateTime;
  if (/^(String|FixedString\(\d+\)|UUID|Enum(8|16)\(.*\))$/.test(type)) return readText;
  return null;
}

/**
 * A TabSeparatedWithNamesAndTypes result by columns (a later column of the same name wins, as in rows);
 * null when a column's type is one this reader does not take (the caller then reads JSONCompact).
 * @example tsvColumns("n\tday\nUInt64\tDate\n1\t2026-10-01\n")?.columns.day // ["2026-10-01"]
 */
export function tsvColumns(text: string): ResultColumns | null {
  const namesEnd = text.indexOf("\n");
  const typesEnd = text.indexOf("\n", namesEnd + 1);
  if (namesEnd < 0 || typesEnd < 0) return null;
  const names = text.slice(0, namesEnd).split("\t").map(unescapeTsv);
  const readers = text
    .slice(namesEnd + 1, typesEnd)
    .split("\t")
    .map((t) => readerOf(unescapeTsv(t)));
  if (readers.some((r) => r === null) || readers.length !== names.length) return null;
  const width = names.length;
  const last = width - 1;
  const values: Plain[][] = names.map(() => []);
  let rowCount = 0;
  let at = typesEnd + 1;
  while (at < text.length) {
    for (let c = 0; c < width; c++) {
      // A field ends at a tab (a newline for the row's last): escaped ones never appear raw.
      const end = text.indexOf(c === last ? "\n" : "\t", at);
      if (end < 0) throw new Error(`ClickHouse's TabSeparated result ends inside row ${rowCount + 1}`);
      (values[c] as Plain[]).push((readers[c] as FieldReader)(text, at, end));
      at = end + 1;
    }
    rowCount++;
  }
  const columns: ResultColumns["columns"] = {};
  names.forEach((name, c) => {
    columns[name] = values[c] as Plain[];
  });
  return { rowCount, columns };
}
