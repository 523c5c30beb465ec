// The fast way through a delimited platform table: each line's cells are found as spans of the
// text (span-cells.ts) and read from there; a record the spans cannot describe exactly is split by
// the general tokenizer and read as an array, like every record of an XLSX sheet.
import { tokenizeDelimited } from "./delimited.js";
import type { DelimitedBody, Table } from "./platform.js";
import { SpanCells } from "./span-cells.js";
import { headerOf, recordsFrom } from "./table-records.js";

const LF = 10;

/**
 * Reads the records of `body` in order: `onSpans(spans, line)` for a record found as `width` spans
 * (false: read it as an array after all), else `onRecord(record, line)` (false: stop, the data has
 * ended). @example scanDelimited(body, 4, (s, line) => …, (record, line) => …)
 */
export function scanDelimited(
  body: DelimitedBody,
  width: number,
  onSpans: (spans: SpanCells, line: number) => boolean,
  onRecord: (record: string[], line: number) => boolean,
): void {
  const { text, delimiter } = body;
  const n = text.length;
  const spans = new SpanCells(text, delimiter, width);
  let pos = body.start;
  let line = body.line;
  // Text without a CR (LF line ends) is cut at its line ends first, then searched field by field.
  // That is known before the scan (delimitedBody): computed here as text.indexOf("\r", pos), V8's
  // optimizing compiler could schedule the search inside the loop below, and every record then
  // searched the rest of the file (a 1M-row parse that never ended, in 3 of 8 runs).
  const noCr = body.crFree;
  while (pos < n) {
    let end: number;
    if (noCr) {
      const lineEnd = text.indexOf("\n", pos);
      end = spans.readLine(pos, lineEnd < 0 ? n : lineEnd);
    } else end = spans.read(pos);
    if (end >= 0) {
      // After the record: LF, CRLF or the end of the text (a lone CR is a line end the tokenizer counts).
      const ch = end < n ? text.charCodeAt(end) : -1;
      const next = ch === -1 ? n : ch === LF ? end + 1 : text.charCodeAt(end + 1) === LF ? end + 2 : -1;
      if (next >= 0 && onSpans(spans, line)) {
        pos = next;
        line++;
        continue;
      }
    }
    const one = tokenizeDelimited(text, delimiter, { start: pos, firstLine: line, maxRecords: 1 });
    if (one.unterminatedQuoteLine !== undefined) body.onUnterminated(one.unterminatedQuoteLine);
    if (!onRecord(one.rows[0] as string[], one.lines[0] as number)) return;
    if (one.end <= pos) return;
    pos = one.end;
    line = one.nextLine;
  }
}

/**
 * A delimited table's text from the record after its header (`start`, on `line`) on, for the fast scan.
 * @example delimitedBody("a,b\n1,2\n", ",", 4, 2, () => {}).crFree // true
 */
export function delimitedBody(text: string, delimiter: string, start: number, line: number, onUnterminated: (line: number) => void): DelimitedBody {
  return { text, delimiter, start, line, onUnterminated, crFree: text.indexOf("\r", start) < 0 };
}

/**
 * Calls `onCell` with column `col`'s raw cell of every record after the table's header (a pre-pass
 * over one column: LinkedIn's start dates). A delimited table is read as spans, so no record is split
 * into strings, and a cell equal to one seen before in the column is the same string.
 * @example eachColumnCell(table, 0, (cell) => seen.add(cell))
 */
export function eachColumnCell(table: Table, col: number, onCell: (cell: string) => void): void {
  const width = headerOf(table).record.length;
  if (table.body && col < width) {
    // The pass over the rows reports a quote that never closes; this one stays quiet.
    scanDelimited(
      { ...table.body, onUnterminated: () => {} },
      width,
      (spans) => {
        onCell(spans.value(col));
        return true;
      },
      (record) => {
        onCell(record[col] ?? "");
        return true;
      },
    );
    return;
  }
  for (const { record } of recordsFrom(table, table.headerIndex + 1)) onCell(record[col] ?? "");
}
