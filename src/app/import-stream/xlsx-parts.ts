// A large XLSX workbook parsed in parts, as parse-parts.ts parses a large CSV: its sheet is inflated
// and read a chunk at a time (ingest/xlsx-stream.ts), and each chunk's rows are parsed behind the
// sheet's head (its rows down to the header row) as a small workbook of the same format. Rows keep
// their spreadsheet row numbers, so issues need no moving. Memory: a chunk of the sheet's XML and its
// rows, plus the shared strings table, held whole (up to its limit).
import type { ParsedReport, PlatformReachRow } from "../../domain/spend.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import { headerTestOf, type ParseOptions, parseSheet } from "../../ingest/index.js";
import type { SheetRow } from "../../ingest/xlsx-rows.js";
import { openXlsxSheet } from "../../ingest/xlsx-stream.js";
import type { ByteSource } from "./parse-parts.js";
import { PartReports } from "./part-reports.js";

export interface XlsxPartsOptions {
  /** Bytes of sheet XML read at a time (a part). */
  partBytes: number;
  /** Largest shared strings table held, inflated bytes. */
  maxSharedBytes: number;
  /** The sheet's last rows stay in one part (footers read with state: DV360's ends its data at a blank row). */
  tailRows?: number;
  /** Hears the rows expected, as the sheet is read (its XML's size over the bytes a row took so far). */
  onEstimate?: (rows: number) => void;
}

/** Rows as a table's records, every one as wide as the widest seen so far (a whole read makes them all as wide as the sheet's widest). */
function padded(rows: readonly SheetRow[], width: number): { rows: string[][]; lines: number[] } {
  const out: string[][] = [];
  const lines: number[] = [];
  for (const r of rows) {
    while (r.cells.length < width) r.cells.push("");
    out.push(r.cells);
    lines.push(r.line);
  }
  return { rows: out, lines };
}

/**
 * Parses a workbook read from `source` in parts; rows go to `onColumns` in batches, reach rows to
 * `onReach`, as parseReport hands them, and the report is the one a whole read gives (a header row
 * must be in the sheet's first 60 rows, as it must for a whole read; without one only those are read).
 * @example parseXlsxInParts({ size: bytes.length, read: (p, n) => bytes.subarray(p, p + n) }, { fileName: "big.xlsx" }, { partBytes: 16 << 20, maxSharedBytes: 64 << 20 }, onColumns)
 */
export function parseXlsxInParts(source: ByteSource, opts: ParseOptions, o: XlsxPartsOptions, onColumns: (batch: SpendColumns) => void, onReach?: (row: PlatformReachRow) => void): ParsedReport {
  const sheet = openXlsxSheet(source, headerTestOf(opts), { chunkBytes: o.partBytes, maxPartBytes: o.maxSharedBytes });
  const tailRows = o.tailRows ?? 1024;
  let handed = 0;
  const counted = (batch: SpendColumns) => {
    handed += batch.length;
    onColumns(batch);
  };
  let width = 0;
  const widen = (rows: readonly SheetRow[]) => {
    for (const r of rows) if (r.cells.length > width) width = r.cells.length;
  };
  widen(sheet.head);
  const table = (rows: readonly SheetRow[], headerIndex: number) => ({ ...padded(rows, width), headerIndex, container: "xlsx" });
  if (sheet.headerIndex < 0) return parseSheet(table(sheet.head, -1), opts, counted, onReach);

  const head = sheet.head.slice(0, sheet.headerIndex + 1);
  const headLines = (head[head.length - 1] as SheetRow).line;
  let body = sheet.head.slice(sheet.headerIndex + 1);
  let rowsRead = sheet.head.length;
  const parts = new PartReports();
  for (let ended = false; ; ) {
    const more = ended ? null : sheet.next();
    if (more === null) ended = true;
    else {
      widen(more);
      for (const r of more) body.push(r);
      rowsRead += more.length;
      const bytes = sheet.readBytes();
      if (bytes > 0) o.onEstimate?.(Math.round((rowsRead * sheet.sheetBytes) / bytes));
    }
    // The last `tailRows` rows wait for what follows, until the sheet ends.
    if (!ended && body.length <= tailRows) continue;
    const cut = ended ? body.length : body.length - tailRows;
    const parsed = parseSheet(table([...head, ...body.slice(0, cut)], sheet.headerIndex), opts, counted, onReach);
    body = body.slice(cut);
    if (parts.add(parsed, headLines, 0) || (ended && body.length === 0)) break;
  }
  return parts.report(handed);
}
