// Test support: a platform parser run on a delimited text both ways a table can be read (records as
// spans of the text, the fast scan, or split into cells), rows kept or streamed in column batches.
import assert from "node:assert/strict";
import { type SpendColumns, spendRowsOf } from "../domain/spend-columns.js";
import { tokenizeDelimited } from "../ingest/delimited.js";
import type { PlatformContext, PlatformParser, Table } from "../ingest/platform.js";
import { delimitedBody } from "../ingest/platform-scan.js";
import type { ParseOptions } from "../ingest/types.js";

/** A table of `text` as index.ts makes it, header at `headerIndex`; with `fast` false, without the text body (read as cells). */
export function tableOf(text: string, delimiter: string, headerIndex: number, fast: boolean): { table: Table; unterminated: number[] } {
  const all = tokenizeDelimited(text, delimiter);
  const unterminated: number[] = [];
  const table: Table = { rows: all.rows, lines: all.lines, headerIndex, container: delimiter === "\t" ? "tsv" : "csv" };
  if (fast) {
    // As index.ts makes a delimited table: records read in order, and `rows`/`lines` (which split the
    // whole file) refused, so a parser that reaches for them on the fast path fails here.
    table.records = function* (from: number) {
      for (let r = from; r < all.rows.length; r++) yield { record: all.rows[r] as string[], line: all.lines[r] as number };
    };
    Object.defineProperties(table, {
      rows: {
        get() {
          throw new Error("a parser read table.rows of a delimited table: that splits the whole file");
        },
      },
      lines: {
        get() {
          throw new Error("a parser read table.lines of a delimited table: that splits the whole file");
        },
      },
    });
    table.body = delimitedBody(text, delimiter, all.offsets[headerIndex + 1] ?? all.end, all.lines[headerIndex + 1] ?? all.nextLine, (line) => unterminated.push(line));
  } else if (all.unterminatedQuoteLine !== undefined) unterminated.push(all.unterminatedQuoteLine);
  return { table, unterminated };
}

/** Everything a parse produced, with `ctx.onColumns` set when `stream` (rows from its batches, then those returned). */
export function readBoth(parser: PlatformParser, text: string, delimiter: string, headerIndex: number, stream: boolean, opts: Omit<ParseOptions, "fileName"> = {}) {
  const results = [true, false].map((fast) => {
    const { table, unterminated } = tableOf(text, delimiter, headerIndex, fast);
    const batches: SpendColumns[] = [];
    const ctx: PlatformContext = {
      opts: { fileName: "x.csv", ...opts },
      currency: opts.currency ?? null,
      timezone: null,
      sink: { issues: [], fileTotals: [] },
      statuses: new Map(),
      ...(stream ? { onColumns: (b: SpendColumns) => batches.push(b), handed: () => 0 } : {}),
    };
    let thrown: string | null = null;
    let out: ReturnType<PlatformParser["parse"]> | null = null;
    try {
      out = parser.parse(table, ctx);
    } catch (e) {
      thrown = (e as Error).message;
    }
    // A plan that streams hands its rows out in batches; one that does not returns them.
    const rows = [...batches.flatMap(spendRowsOf), ...(out?.rows ?? [])];
    return { rows, rowLines: out?.rowLines, reach: out?.reach, issues: ctx.sink.issues, fileTotals: ctx.sink.fileTotals, statuses: [...ctx.statuses.values()], thrown, unterminated };
  });
  return { fast: results[0] as (typeof results)[0], general: results[1] as (typeof results)[0] };
}

/** Asserts the fast and general reads give the same everything, rows kept and streamed; returns the fast read of kept rows. */
export function assertSame(parser: PlatformParser, text: string, delimiter: string, headerIndex: number, opts: Omit<ParseOptions, "fileName"> = {}): ReturnType<typeof readBoth>["fast"] {
  for (const stream of [false, true]) {
    const { fast, general } = readBoth(parser, text, delimiter, headerIndex, stream, opts);
    assert.deepEqual(fast, general, `fast and general reads differ (${stream ? "streamed" : "rows"})`);
  }
  return readBoth(parser, text, delimiter, headerIndex, false, opts).fast;
}

