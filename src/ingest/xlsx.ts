import { type Unzipped, unzipSync } from "fflate";
import { UserError } from "../domain/errors.js";
import { findHeaderRow, headerScore, type KnownHeaderTest } from "./header.js";
import type { Table } from "./platform.js";
import { excelSerialToText, isDateFormat, normaliseExcelNumber } from "./xlsx-values.js";
import { attributes, decodeXml, elements, textOf } from "./xml-scan.js";

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
  const date1904 = /date1904="(1|true)"/.test(workbook);
  const targets = new Map<string, string>();
  for (const rel of elements(part("xl/_rels/workbook.xml.rels") ?? "", "Relationship")) {
    const a = attributes(rel.attrs);
    const id = a.get("Id");
    const target = a.get("Target");
    if (id && target) targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target}`);
  }
  const shared = readSharedStrings(part("xl/sharedStrings.xml"));
  const dateStyles = readDateStyles(part("xl/styles.xml"));
  const sheets: Sheet[] = [];
  for (const s of elements(workbook, "sheet")) {
    const a = attributes(s.attrs);
    const rid = a.get("r:id") ?? [...a.entries()].find(([k]) => k.endsWith(":id"))?.[1];
    const path = rid ? targets.get(rid) : undefined;
    const xml = path ? part(path) : null;
    if (xml)
      sheets.push({
        name: decodeXml(a.get("name") ?? ""),
        ...readSheet(xml, shared, dateStyles, date1904),
      });
  }
  return sheets;
}

function readSharedStrings(xml: string | null): string[] {
  if (!xml) return [];
  return elements(xml, "si").map((si) => textOf(si.body));
}

/** Which cell styles (indexes into cellXfs) show a date. */
function readDateStyles(xml: string | null): boolean[] {
  if (!xml) return [];
  const custom = new Map<number, string>();
  for (const f of elements(xml, "numFmt")) {
    const a = attributes(f.attrs);
    custom.set(Number(a.get("numFmtId")), decodeXml(a.get("formatCode") ?? ""));
  }
  const cellXfs = elements(xml, "cellXfs")[0];
  if (!cellXfs) return [];
  return elements(cellXfs.body, "xf").map((xf) => {
    const id = Number(attributes(xf.attrs).get("numFmtId") ?? 0);
    return isDateFormat(id, custom.get(id));
  });
}

function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

function readSheet(xml: string, shared: readonly string[], dateStyles: readonly boolean[], date1904: boolean): { rows: string[][]; lines: number[] } {
  const byLine = new Map<number, string[]>();
  let width = 0;
  let maxLine = 0;
  let nextLine = 1;
  for (const row of elements(xml, "row")) {
    const r = Number(attributes(row.attrs).get("r") ?? nextLine);
    nextLine = r + 1;
    const cells: string[] = [];
    let nextCol = 0;
    for (const c of elements(row.body, "c")) {
      const a = attributes(c.attrs);
      const ref = a.get("r");
      const col = ref ? columnIndex(ref) : nextCol;
      nextCol = col + 1;
      cells[col] = cellText(a, c.body, shared, dateStyles, date1904);
    }
    for (let i = 0; i < cells.length; i++) cells[i] ??= "";
    while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
    width = Math.max(width, cells.length);
    maxLine = Math.max(maxLine, r);
    byLine.set(r, cells);
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

function cellText(a: Map<string, string>, body: string, shared: readonly string[], dateStyles: readonly boolean[], date1904: boolean): string {
  const type = a.get("t") ?? "n";
  if (type === "inlineStr") return textOf(elements(body, "is")[0]?.body ?? "");
  const v = elements(body, "v")[0];
  const raw = v ? decodeXml(v.body) : "";
  if (type === "s") return shared[Number(raw)] ?? "";
  if (type === "str" || type === "e") return raw;
  if (type === "b") return raw === "1" ? "TRUE" : raw === "0" ? "FALSE" : raw;
  if (raw === "") return "";
  if (type === "d") return raw.length > 10 && raw.endsWith("T00:00:00") ? raw.slice(0, 10) : raw;
  const style = Number(a.get("s") ?? 0);
  if (dateStyles[style]) return excelSerialToText(Number(raw), date1904) ?? raw;
  return normaliseExcelNumber(raw);
}
