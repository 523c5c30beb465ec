/**
 * A lenient RFC 4180 tokenizer for comma-, tab- and semicolon-separated text. Quotes are special only
 * at the start of a field; line ends may be LF, CRLF or CR; every record keeps the line it starts on
 * (1-based, as an editor shows it), counting the line breaks inside quoted fields.
 */
export interface Records {
  rows: string[][];
  /** 1-based line number where each record starts. */
  lines: number[];
  /** Character offset where each record starts. */
  offsets: number[];
  /** Offset right after the last record read. */
  end: number;
  /** Line where the next record (after the last read) starts. */
  nextLine: number;
  /** Line of a quoted field that never closes (the rest of the text was read into it). */
  unterminatedQuoteLine?: number;
}

export interface TokenizeOptions {
  start?: number;
  firstLine?: number;
  maxRecords?: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Splits delimited text into records of fields. @example tokenizeDelimited('a,"b,c"\n1,2', ",").rows // [["a","b,c"],["1","2"]] */
export function tokenizeDelimited(text: string, delimiter: string, options: TokenizeOptions = {}): Records {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  const rows: string[][] = [];
  const lines: number[] = [];
  const offsets: number[] = [];
  const max = options.maxRecords ?? Number.POSITIVE_INFINITY;
  let pos = options.start ?? 0;
  let line = options.firstLine ?? 1;
  let unterminatedQuoteLine: number | undefined;

  while (pos < n && rows.length < max) {
    const recordLine = line;
    offsets.push(pos);
    const fields: string[] = [];
    for (;;) {
      let value: string;
      let c = pos < n ? text.charCodeAt(pos) : -1;
      if (c === QUOTE) {
        const q = readQuotedField(text, pos);
        if (!q.closed) unterminatedQuoteLine ??= line;
        line += q.newlines;
        // Characters after the closing quote, up to the delimiter, are kept as they are.
        let j = q.end;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delim || d === LF || d === CR) break;
          j++;
        }
        value = j > q.end ? q.value + text.slice(q.end, j) : q.value;
        pos = j;
      } else {
        let j = pos;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delim || d === LF || d === CR) break;
          j++;
        }
        value = text.slice(pos, j);
        pos = j;
      }
      fields.push(value);
      c = pos < n ? text.charCodeAt(pos) : -1;
      if (c === delim) {
        pos++;
        continue;
      }
      if (c === CR) pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
      else if (c === LF) pos++;
      if (c !== -1) line++;
      break;
    }
    rows.push(fields);
    lines.push(recordLine);
  }
  const result: Records = { rows, lines, offsets, end: pos, nextLine: line };
  if (unterminatedQuoteLine !== undefined) result.unterminatedQuoteLine = unterminatedQuoteLine;
  return result;
}

/** The result of readQuotedField; one object is reused, so copy what you keep. */
export interface QuotedField {
  value: string;
  /** Offset right after the closing quote (or the end of the text). */
  end: number;
  /** Line breaks inside the field. */
  newlines: number;
  closed: boolean;
}

const quoted: QuotedField = { value: "", end: 0, newlines: 0, closed: false };

/**
 * Reads the quoted field that starts at `pos` (on its opening quote): doubled quotes become one.
 * The returned object is shared between calls.
 * @example readQuotedField('"a""b",c', 0).value // 'a"b'
 */
export function readQuotedField(text: string, pos: number): QuotedField {
  const n = text.length;
  let out = "";
  let segStart = pos + 1;
  let i = segStart;
  let newlines = 0;
  let closed = false;
  while (i < n) {
    const q = text.charCodeAt(i);
    if (q === QUOTE) {
      if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) {
        out += text.slice(segStart, i + 1);
        i += 2;
        segStart = i;
        continue;
      }
      out += text.slice(segStart, i);
      i++;
      closed = true;
      break;
    }
    if (q === LF) newlines++;
    else if (q === CR && text.charCodeAt(i + 1) !== LF) newlines++;
    i++;
  }
  if (!closed) out += text.slice(segStart, i);
  quoted.value = out;
  quoted.end = i;
  quoted.newlines = newlines;
  quoted.closed = closed;
  return quoted;
}

/** True when every field of a record is empty or blank. @example isBlankRecord(["", " "]) // true */
export function isBlankRecord(record: readonly string[]): boolean {
  for (const f of record) if (f.trim() !== "") return false;
  return true;
}
