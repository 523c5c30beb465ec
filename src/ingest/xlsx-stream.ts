// An XLSX workbook read in place, never whole: its small parts (workbook, relationships, styles) and
// its shared strings first, then the sheet that holds the report (the one whose first rows hold the
// best header row, as readXlsxTable picks it) inflated a chunk at a time, each chunk cut after its
// last whole <row> element and read with the same scanner as a whole read (xlsx-rows.ts).
import { UserError } from "../domain/errors.js";
import { findHeaderRow, HEADER_SEARCH_RECORDS, headerScore, type KnownHeaderTest } from "./header.js";
import { type CellContext, isDate1904, lastElementEnd, readDateStyles, type SheetRow, sharedStringItems, sheetRows, workbookSheets } from "./xlsx-rows.js";
import { entryText, type RandomAccess, type ZipEntry, zipEntries } from "./zip-reader.js";

export interface XlsxStreamLimits {
  /** Bytes of sheet XML inflated and read at a time. */
  chunkBytes: number;
  /** Largest shared strings part (and other small part) read, inflated bytes: they are held whole. */
  maxPartBytes: number;
}

/** The chosen sheet, read on from its first rows. */
export interface SheetStream {
  /** The sheet's name. */
  name: string;
  /** Its first rows (every row number from 1, empty rows filled in) down to at least the header search's. */
  head: SheetRow[];
  /** Index in `head` of the header row, or -1. */
  headerIndex: number;
  /** The rows after those given so far, every row number present (empty rows filled in); null after the last. */
  next(): SheetRow[] | null;
  /** Bytes of the sheet's XML, and how many are read so far (for an estimate of the rows). */
  sheetBytes: number;
  readBytes(): number;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;

/** Largest workbook, relationships or styles part read (they are small: a few KB to a few MB). */
const SMALL_PART_BYTES = 64 * 1024 * 1024;

const tooLarge = (what: string, bytes: number, limit: number) =>
  new UserError(
    "file_too_large",
    `the workbook's ${what} inflates to ${mb(bytes)}, over the ${mb(limit)} it may hold whole within the import's memory setting: raise --max-memory, or save the sheet as a CSV`,
  );

/** A small part's whole text, or null when the archive has no such part. */
function smallPart(file: RandomAccess, entries: Map<string, ZipEntry>, name: string, what: string, limit: number): string | null {
  const entry = entries.get(name);
  if (!entry) return null;
  if (entry.size > limit) throw tooLarge(what, entry.size, limit);
  const text = entryText(file, entry, limit + 1);
  let out = "";
  for (let t = text.next(); t !== null; t = text.next()) out += t;
  return out;
}

/** The shared strings, read a chunk at a time (their XML is never whole in memory). */
function sharedStrings(file: RandomAccess, entry: ZipEntry | undefined, limits: XlsxStreamLimits): string[] {
  if (!entry) return [];
  if (entry.size > limits.maxPartBytes) throw tooLarge("shared strings table", entry.size, limits.maxPartBytes);
  const out: string[] = [];
  const text = entryText(file, entry, limits.chunkBytes);
  let pending = "";
  for (let t = text.next(); t !== null; t = text.next()) {
    pending += t;
    const cut = lastElementEnd(pending, "si");
    if (cut < 0) continue;
    for (const s of sharedStringItems(pending.slice(0, cut))) out.push(s);
    pending = pending.slice(cut);
  }
  for (const s of sharedStringItems(pending)) out.push(s);
  return out;
}

/** A sheet's rows a chunk at a time, from row 1 on with no row number missing. */
function rowReader(file: RandomAccess, entry: ZipEntry, ctx: CellContext, limits: XlsxStreamLimits): { next(): SheetRow[] | null; readBytes(): number } {
  const text = entryText(file, entry, limits.chunkBytes);
  let pending = "";
  let last = 0; // the last row number given
  let ended = false;
  const filled = (found: SheetRow[]): SheetRow[] => {
    const out: SheetRow[] = [];
    for (const row of found) {
      if (row.line <= last) {
        throw new UserError("bad_xlsx", `the sheet's row ${row.line} comes after its row ${last}: its rows are out of order (save the workbook again, or as a CSV)`);
      }
      while (last + 1 < row.line) out.push({ line: ++last, cells: [] });
      out.push(row);
      last = row.line;
    }
    return out;
  };
  return {
    readBytes: () => text.inflated(),
    next(): SheetRow[] | null {
      while (!ended) {
        const t = text.next();
        if (t === null) {
          ended = true;
          const rest = filled(sheetRows(pending, ctx, last + 1));
          pending = "";
          return rest;
        }
        pending += t;
        const cut = lastElementEnd(pending, "row");
        if (cut < 0) {
          if (pending.length > 4 * limits.chunkBytes + 1024 * 1024) throw new UserError("bad_xlsx", `the sheet holds a row longer than ${Math.round(pending.length / 2 ** 20)} MB of XML: it is damaged`);
          continue;
        }
        const rows = filled(sheetRows(pending.slice(0, cut), ctx, last + 1));
        pending = pending.slice(cut);
        return rows;
      }
      return null;
    },
  };
}

/**
 * Opens a workbook read at positions and picks its report's sheet: the one whose first rows hold the
 * most known column names (the first sheet when none does), as readXlsxTable picks it. A UserError
 * when the file is not a whole workbook, or its shared strings are over `limits.maxPartBytes`.
 * @example const s = openXlsxSheet(file, isKnownHeader, { chunkBytes: 1 << 24, maxPartBytes: 1 << 26 }); s.head[s.headerIndex]?.cells
 */
export function openXlsxSheet(file: RandomAccess, isKnown: KnownHeaderTest, limits: XlsxStreamLimits): SheetStream {
  const entries = zipEntries(file);
  const part = (name: string, what: string) => smallPart(file, entries, name, what, Math.max(SMALL_PART_BYTES, limits.maxPartBytes));
  const workbook = part("xl/workbook.xml", "workbook part");
  if (!workbook) throw new UserError("bad_xlsx", "the workbook has no xl/workbook.xml: is it really an XLSX file?");
  const sheets = workbookSheets(workbook, part("xl/_rels/workbook.xml.rels", "relationships part") ?? "").filter((s) => entries.has(s.path));
  const ctx: CellContext = {
    shared: sharedStrings(file, entries.get("xl/sharedStrings.xml"), limits),
    dateStyles: readDateStyles(part("xl/styles.xml", "styles part")),
    date1904: isDate1904(workbook),
  };
  let best: (SheetStream & { score: number }) | null = null;
  for (const sheet of sheets) {
    const entry = entries.get(sheet.path) as ZipEntry;
    const reader = rowReader(file, entry, ctx, limits);
    const head: SheetRow[] = [];
    for (let rows = reader.next(); rows !== null; rows = head.length >= HEADER_SEARCH_RECORDS ? null : reader.next()) for (const r of rows) head.push(r);
    const cells = head.map((r) => r.cells);
    const headerIndex = findHeaderRow(cells, isKnown);
    const score = headerIndex < 0 ? 0 : headerScore(cells[headerIndex] as string[], isKnown);
    if (!best || score > best.score) best = { name: sheet.name, head, headerIndex, score, next: reader.next, sheetBytes: entry.size, readBytes: reader.readBytes };
  }
  if (!best) return { name: "", head: [], headerIndex: -1, next: () => null, sheetBytes: 0, readBytes: () => 0 };
  return best;
}
