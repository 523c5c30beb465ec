// The pieces of an XLSX workbook cpi reads, as text: its sheets' names and parts, its date styles, its
// shared strings, and the rows of sheet XML. Shared by the whole read (xlsx.ts) and the read in parts
// (xlsx-stream.ts), so both give the same cells.
import { excelSerialToText, isDateFormat, normaliseExcelNumber } from "./xlsx-values.js";
import { ATTRIBUTE_PATTERN, attributes, decodeXml, elementPattern, elements, textOf } from "./xml-scan.js";

/** What a cell's value needs besides the cell: the shared strings, which styles show dates, the date system. */
export interface CellContext {
  shared: readonly string[];
  dateStyles: readonly boolean[];
  date1904: boolean;
}

/** A row of a sheet: its spreadsheet row number and its cells (trailing empty cells left out). */
export interface SheetRow {
  line: number;
  cells: string[];
}

/** The workbook's sheets in order: name and the archive path of its part. */
export function workbookSheets(workbook: string, rels: string): { name: string; path: string }[] {
  const targets = new Map<string, string>();
  for (const rel of elements(rels, "Relationship")) {
    const a = attributes(rel.attrs);
    const id = a.get("Id");
    const target = a.get("Target");
    if (id && target) targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target}`);
  }
  const out: { name: string; path: string }[] = [];
  for (const s of elements(workbook, "sheet")) {
    const a = attributes(s.attrs);
    const rid = a.get("r:id") ?? [...a.entries()].find(([k]) => k.endsWith(":id"))?.[1];
    const path = rid ? targets.get(rid) : undefined;
    if (path) out.push({ name: decodeXml(a.get("name") ?? ""), path });
  }
  return out;
}

/** True when the workbook counts dates from 1904 (old Mac Excel). */
export const isDate1904 = (workbook: string) => /date1904="(1|true)"/.test(workbook);

/** The strings of whole <si> items in `xml` (a piece of the shared strings part), in order. */
export function sharedStringItems(xml: string): string[] {
  return elements(xml, "si").map((si) => textOf(si.body));
}

/** Which cell styles (indexes into cellXfs) show a date. */
export function readDateStyles(xml: string | null): boolean[] {
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

/**
 * Where the last whole element named `tag` (any prefix) ends in `xml`: just past its end tag, or -1.
 * @example lastElementEnd("<row r=\"1\"></row><row r=\"2\">", "row") // 17
 */
export function lastElementEnd(xml: string, tag: string): number {
  const close = `${tag}>`;
  for (let i = xml.lastIndexOf(close); i >= 0; i = i === 0 ? -1 : xml.lastIndexOf(close, i - 1)) {
    let j = i - 1;
    if (xml[j] === ":") for (j--; j >= 0 && /[\w.-]/.test(xml[j] as string); j--);
    if (j >= 1 && xml[j] === "/" && xml[j - 1] === "<") return i + close.length;
  }
  return -1;
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

/** A start tag's attribute (the last of that name, as attributes() keeps it), still escaped. */
function attributeOf(attrs: string, name: string): string | undefined {
  if (!attrs.includes(name)) return undefined;
  let value: string | undefined;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attrs); m !== null; m = ATTRIBUTE.exec(attrs)) if (m[1] === name) value = m[2] ?? m[3] ?? "";
  return value;
}

// The scanner's patterns (xml-scan.ts), run with exec: a sheet has millions of rows and cells, and
// no array of matches or Map of attributes is made for each.
const ATTRIBUTE = new RegExp(ATTRIBUTE_PATTERN.source, "g");
const ROW = elementPattern("row");
const CELL = elementPattern("c");
const VALUE = elementPattern("v");

/**
 * The rows of a piece of sheet XML holding whole <row> elements, in document order; a row without
 * its number (r) is the one after the previous (`nextLine` for the first). Cells become strings as a
 * CSV would show them: numbers in plain decimal, dates as YYYY-MM-DD, booleans TRUE/FALSE.
 * @example sheetRows('<row r="2"><c t="b"><v>1</v></c></row>', { shared: [], dateStyles: [], date1904: false }, 1) // [{ line: 2, cells: ["TRUE"] }]
 */
export function sheetRows(xml: string, ctx: CellContext, nextLine: number): SheetRow[] {
  const out: SheetRow[] = [];
  let next = nextLine;
  ROW.lastIndex = 0;
  for (let row = ROW.exec(xml); row !== null; row = ROW.exec(xml)) {
    const r = Number(attributeOf(row[1] ?? "", "r") ?? next);
    next = r + 1;
    const cells: string[] = [];
    let nextCol = 0;
    const body = row[2] ?? "";
    CELL.lastIndex = 0;
    for (let c = CELL.exec(body); c !== null; c = CELL.exec(body)) {
      const a = cellAttributes(c[1] ?? "");
      const col = a.r ? columnIndex(a.r) : nextCol;
      nextCol = col + 1;
      cells[col] = cellText(a, c[2] ?? "", ctx);
    }
    for (let i = 0; i < cells.length; i++) cells[i] ??= "";
    while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
    out.push({ line: r, cells });
  }
  return out;
}

/** A cell's reference, type and style attributes (the last of each name, as attributes() keeps them), read in one pass. */
function cellAttributes(attrs: string): { r?: string; t?: string; s?: string } {
  const out: { r?: string; t?: string; s?: string } = {};
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attrs); m !== null; m = ATTRIBUTE.exec(attrs)) {
    const name = m[1];
    if (name === "r" || name === "t" || name === "s") out[name] = m[2] ?? m[3] ?? "";
  }
  return out;
}

/** Date cells' text by serial: a sheet repeats its days on every row. */
const dateTexts = new Map<string, string | null>();

function dateText(raw: string, date1904: boolean): string {
  const key = date1904 ? `${raw}/1904` : raw;
  let text = dateTexts.get(key);
  if (text === undefined) {
    if (dateTexts.size >= 4096) dateTexts.clear();
    text = excelSerialToText(Number(raw), date1904);
    dateTexts.set(key, text);
  }
  return text ?? raw;
}

function cellText(a: { t?: string; s?: string }, body: string, ctx: CellContext): string {
  const type = a.t ?? "n";
  if (type === "inlineStr") return textOf(elements(body, "is")[0]?.body ?? "");
  VALUE.lastIndex = 0;
  const v = VALUE.exec(body);
  const raw = v ? decodeXml(v[2] ?? "") : "";
  if (type === "s") return ctx.shared[Number(raw)] ?? "";
  if (type === "str" || type === "e") return raw;
  if (type === "b") return raw === "1" ? "TRUE" : raw === "0" ? "FALSE" : raw;
  if (raw === "") return "";
  if (type === "d") return raw.length > 10 && raw.endsWith("T00:00:00") ? raw.slice(0, 10) : raw;
  const style = Number(a.s ?? 0);
  if (ctx.dateStyles[style]) return dateText(raw, ctx.date1904);
  return normaliseExcelNumber(raw);
}
