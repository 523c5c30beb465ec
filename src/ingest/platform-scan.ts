// The fast way through a delimited platform table: each line's cells are found as spans of the
// text (span-cells.ts) and read from there; a record the spans cannot describe exactly is split by
// the general tokenizer and read as an array, like every record of an XLSX sheet.
import { tokenizeDelimited } from "./delimited.js";
import type { DelimitedBody } from "./platform.js";
import { SpanCells } from "./span-cells.js";

const LF = "\n";
const CR = 13;

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
  let nextCr = -1;
  while (pos < n) {
    let lineEnd = text.indexOf(LF, pos);
    if (lineEnd < 0) lineEnd = n;
    const recEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    // A CR inside the record (not before its LF) ends a line for the tokenizer: left to it.
    if (nextCr < pos) {
      nextCr = text.indexOf("\r", pos);
      if (nextCr < 0) nextCr = n;
    }
    if (recEnd > pos && nextCr >= recEnd && spans.read(pos, recEnd) && onSpans(spans, line)) {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const one = tokenizeDelimited(text, delimiter, { start: pos, firstLine: line, maxRecords: 1 });
    if (one.unterminatedQuoteLine !== undefined) body.onUnterminated(one.unterminatedQuoteLine);
    if (!onRecord(one.rows[0] as string[], one.lines[0] as number)) return;
    if (one.end <= pos) return;
    pos = one.end;
    line = one.nextLine;
  }
}
