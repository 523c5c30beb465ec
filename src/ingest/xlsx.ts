import { type Unzipped, unzipSync } from "fflate";
import { UserError } from "../domain/errors.js";
import { findHeaderRow, headerScore, type KnownHeaderTest } from "./header.js";
import type { Table } from "./platform.js";
import { type CellContext, isDate1904, readDateStyles, type SheetRow, sharedStringItems, sheetRows, workbookSheets } from "./xlsx-rows.js";

/**
 * XLSX reading with fflate (unzip) and a small XML scanner: no formulas are evaluated (the cached
 * values are read), no prototype-keyed objects are built from file content (Maps and arrays
 * only), and entries that would inflate past MAX_PART_BYTES are refused.
 */
const MAX_PART_BYTES = 1 << 30;

interface Sheet {
  name: string;
  rows: string[][];
  lines: number[];
}

/**
 * Reads the sheet of a workbook that holds a report: the one whose header row has the most known
 * column names (the first sheet when none has). Cells become strings as a CSV would show them:
 * numbers in plain decimal, dates as YYYY-MM-DD, booleans TRUE/FALSE; rows keep their spreadsheet
 * row numbers as line numbers, empty rows included.
 * @example readXlsxTable(bytes, isKnownHeader).rows[0] // ["Campaign name", "Amount spent (EUR)", ...]
 */
export function readXlsxTable(bytes: Uint8Array, isKnown: KnownHeaderTest): Table {
  const sheets = readXlsxSheets(bytes);
  let best: { sheet: Sheet; headerIndex: number; score: number } | null = null;
  for (const sheet of sheets) {
    const headerIndex = findHeaderRow(sheet.rows, isKnown);
    const score = headerIndex < 0 ? 0 : headerScore(sheet.rows[headerIndex] as string[], isKnown);
    if (!best || score > best.score) best = { sheet, headerIndex, score };
  }
  if (!best) return { rows: [], lines: [], headerIndex: -1, container: "xlsx" };
  return {
    rows: best.sheet.rows,
    lines: best.sheet.lines,
    headerIndex: best.headerIndex,
    container: "xlsx",
  };
}

/** Every worksheet of a workbook, in workbook order. @example readXlsxSheets(bytes)[0]?.name // "Sheet1" */
export function readXlsxSheets(bytes: Uint8Array): Sheet[] {
  let files: Unzipped;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.originalSize > MAX_PART_BYTES) throw new UserError("xlsx_too_large", `the workbook part ${f.name} would inflate to ${f.originalSize} bytes`);
        return f.name.startsWith("xl/") && (f.name.endsWith(".xml") || f.name.endsWith(".rels"));
      },
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("bad_xlsx", `the file looks like an XLSX workbook but cannot be unzipped (${(e as Error).message})`);
  }
  const part = (name: string): string | null => {
    const data = files[name];
    return data ? new TextDecoder("utf-8").decode(data) : null;
  };
  const workbook = part("xl/workbook.xml");
  if (!workbook) throw new UserError("bad_xlsx", "the workbook has no xl/workbook.xml: is it really an XLSX file?");
  const ctx: CellContext = {
    shared: sharedStringItems(part("xl/sharedStrings.xml") ?? ""),
    dateStyles: readDateStyles(part("xl/styles.xml")),
    date1904: isDate1904(workbook),
  };
  const sheets: Sheet[] = [];
  for (const { name, path } of workbookSheets(workbook, part("xl/_rels/workbook.xml.rels") ?? "")) {
    const xml = part(path);
    if (xml) sheets.push({ name, ...filledRows(sheetRows(xml, ctx, 1)) });
  }
  return sheets;
}

/** Every row from the first to the last, rows the sheet leaves out empty, all as wide as the widest. */
function filledRows(found: readonly SheetRow[]): { rows: string[][]; lines: number[] } {
  const byLine = new Map<number, string[]>();
  let width = 0;
  let maxLine = 0;
  for (const { line, cells } of found) {
    width = Math.max(width, cells.length);
    maxLine = Math.max(maxLine, line);
    byLine.set(line, cells);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let line = 1; line <= maxLine; line++) {
    const cells = byLine.get(line) ?? [];
    while (cells.length < width) cells.push("");
    rows.push(cells);
    lines.push(line);
  }
  return { rows, lines };
}
