// Reading a table's records in order without splitting the whole file first: a 1M-row export split
// into ~14M strings up front kept them all alive at once, and garbage collection took a third of the
// parse. A delimited table (index.ts) reads records a chunk at a time; an XLSX sheet has its rows.
import { tokenizeDelimited } from "./delimited.js";
import type { Table, TableRecord } from "./platform.js";

/** Records per chunk when a delimited table is read lazily. */
const CHUNK_RECORDS = 4096;

/**
 * The records of delimited text from `start` (a record's first character, on line `firstLine`) on,
 * a chunk at a time. `onUnterminated` hears of a quoted field that never closes.
 * @example [...delimitedRecords("a,b\n1,2\n", ",", 0, 1, () => {})].map((r) => r.record) // [["a","b"],["1","2"]]
 */
export function* delimitedRecords(text: string, delimiter: string, start: number, firstLine: number, onUnterminated: (line: number) => void): Generator<TableRecord> {
  let pos = start;
  let line = firstLine;
  // Small chunks first: a reader after one record (the header, the first row) splits little.
  let size = 64;
  while (pos < text.length) {
    const chunk = tokenizeDelimited(text, delimiter, { start: pos, firstLine: line, maxRecords: size });
    size = Math.min(size * 4, CHUNK_RECORDS);
    for (let k = 0; k < chunk.rows.length; k++) yield { record: chunk.rows[k] as string[], line: chunk.lines[k] as number };
    if (chunk.unterminatedQuoteLine !== undefined) onUnterminated(chunk.unterminatedQuoteLine);
    if (chunk.end <= pos) break;
    pos = chunk.end;
    line = chunk.nextLine;
  }
}

/**
 * A table's records from index `from` on, in order (lazily for a delimited table).
 * @example for (const { record, line } of recordsFrom(table, table.headerIndex + 1)) …
 */
export function* recordsFrom(table: Table, from: number): Generator<TableRecord> {
  if (table.records) {
    yield* table.records(from);
    return;
  }
  for (let r = from; r < table.rows.length; r++) yield { record: table.rows[r] as string[], line: table.lines[r] as number };
}

/** The record at index `i` and its line, or undefined past the end. @example recordAt(table, table.headerIndex)?.record */
export function recordAt(table: Table, i: number): TableRecord | undefined {
  for (const r of recordsFrom(table, i)) return r;
  return undefined;
}

/**
 * The header record and its line, read without splitting the rest of the file (`table.rows` and
 * `table.lines` split it whole). @example headerOf(table).line // 3
 */
export function headerOf(table: Table): { record: readonly string[]; line: number } {
  const head = recordAt(table, table.headerIndex);
  return head ? { record: head.record, line: head.line } : { record: [], line: 1 };
}
