// An XLSX workbook read in parts (its sheet inflated a few hundred bytes at a time, its rows parsed
// behind the header) gives what the same workbook read whole gives: rows, issues on the spreadsheet's
// rows, totals rows; and a damaged or cut-short workbook is refused, saying so.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { zipSync } from "fflate";
import { UserError } from "../../domain/errors.js";
import type { ParsedReport } from "../../domain/spend.js";
import { type SpendColumns, spendRowsOf } from "../../domain/spend-columns.js";
import type { ParseOptions } from "../../ingest/index.js";
import { countingSource, parsedWhole } from "../../test-support/parts.js";
import { parseXlsxInParts } from "./xlsx-parts.js";

const whole = parsedWhole;

function inParts(bytes: Uint8Array, opts: ParseOptions, partBytes: number, tailRows: number, maxSharedBytes = 1 << 30) {
  const batches: SpendColumns[] = [];
  const estimates: number[] = [];
  const source = countingSource(bytes);
  try {
    const report = parseXlsxInParts(source, opts, { partBytes, maxSharedBytes, tailRows, onEstimate: (n) => estimates.push(n) }, (b) => batches.push(b));
    return { report, rows: batches.flatMap(spendRowsOf), reads: source.reads, estimates };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { error: e.message, reads: source.reads };
  }
}

const comparable = (r: ParsedReport) => ({ format: r.format, source: r.source, issues: r.issues, fileTotals: r.fileTotals, statuses: r.statuses ?? [] });

const FIXTURES = new URL("../../../test/fixtures/ingest/", import.meta.url);

test("every XLSX fixture read in parts of 64 and 300 bytes of sheet XML gives the rows, issues and totals of the whole", () => {
  const names = readdirSync(FIXTURES).filter((n) => n.endsWith(".xlsx"));
  assert.ok(names.length >= 4);
  for (const name of names) {
    const bytes = new Uint8Array(readFileSync(new URL(name, FIXTURES)));
    for (const opts of [{ fileName: name }, { fileName: name, currency: "USD" }] as ParseOptions[]) {
      for (const [partBytes, tailRows] of [
        [64, 1],
        [300, 3],
        [1 << 20, 1024],
      ] as const) {
        const a = whole(bytes, opts);
        const b = inParts(bytes, opts, partBytes, tailRows);
        if ("error" in a) {
          assert.equal("error" in b ? b.error : "no error", a.error, name);
          continue;
        }
        assert.ok(!("error" in b), `${name}: ${"error" in b ? b.error : ""}`);
        if ("error" in b) continue;
        assert.ok(a.rows.length > 0, name);
        assert.deepEqual(b.rows, a.rows, `${name}: rows`);
        assert.deepEqual(comparable(b.report), comparable(a.report), `${name}: issues, totals`);
        if (partBytes === 64) assert.ok(b.reads > 10, `${name}: read in parts (${b.reads} reads)`);
      }
    }
  }
});

const enc = (s: string) => new TextEncoder().encode(s);
const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** A one-sheet workbook: shared strings for text, numbers as numbers, date-styled serials, a gap of empty rows, a totals row. */
function workbook(rows: number, badAt = -1): { bytes: Uint8Array; cost: number } {
  const shared = ["date", "campaign", "cost", "impressions", "currency", "EUR", "Total"];
  const sheetRows: string[] = [];
  const s = (text: string) => {
    let i = shared.indexOf(text);
    if (i < 0) i = shared.push(text) - 1;
    return `<c t="s"><v>${i}</v></c>`;
  };
  sheetRows.push(`<row r="1"><c t="inlineStr"><is><t>Spend report</t></is></c></row>`);
  sheetRows.push(`<row r="3">${["date", "campaign", "cost", "impressions", "currency"].map(s).join("")}</row>`);
  let cents = 0;
  let imp = 0;
  let line = 4;
  for (let i = 0; i < rows; i++, line++) {
    if (i === 50) line += 3; // rows 54-56 left out: empty rows
    const c = (i * 7919) % 100_000;
    cents += c;
    imp += i * 3;
    const cost = i === badAt ? `<c t="inlineStr"><is><t>12..5</t></is></c>` : `<c><v>${c / 100}</v></c>`;
    sheetRows.push(`<row r="${line}"><c s="1"><v>${46000 + (i % 60)}</v></c>${s(`Camp & ${i % 13} “é” 🚀`)}${cost}<c><v>${i * 3}</v></c>${s("EUR")}</row>`);
  }
  sheetRows.push(`<row r="${line}"><c/>${s("Total")}<c><v>${cents / 100}</v></c><c><v>${imp}</v></c></row>`);
  const files = {
    "[Content_Types].xml": enc("<Types/>"),
    "xl/workbook.xml": enc(
      '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Notes" r:id="rId2"/><sheet name="Report" r:id="rId1"/></sheets></workbook>',
    ),
    "xl/_rels/workbook.xml.rels": enc('<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>'),
    "xl/styles.xml": enc('<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'),
    "xl/worksheets/sheet2.xml": enc('<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>nothing here</t></is></c></row></sheetData></worksheet>'),
    "xl/worksheets/sheet1.xml": enc(`<worksheet><sheetData>${sheetRows.join("")}</sheetData><rowBreaks count="0"/></worksheet>`),
    "xl/sharedStrings.xml": enc(`<sst>${shared.map((t) => `<si><t>${xmlText(t)}</t></si>`).join("")}</sst>`),
  };
  return { bytes: zipSync(files), cost: cents / 100 };
}

test("a workbook's sheet in parts: shared strings, date cells, left-out rows, a second sheet, a bad row on its spreadsheet row", () => {
  for (const badAt of [-1, 700]) {
    const { bytes } = workbook(1000, badAt);
    const a = whole(bytes, { fileName: "w.xlsx" });
    assert.ok(!("error" in a));
    if ("error" in a) continue;
    assert.equal(a.rows.length, badAt < 0 ? 1000 : 999);
    assert.equal(a.rows[0]?.campaign, "Camp & 0 “é” 🚀");
    assert.deepEqual(
      a.report.fileTotals.map((t) => [t.line, t.measure]),
      [
        [1007, "cost"],
        [1007, "impressions"],
      ],
    );
    if (badAt >= 0) assert.deepEqual(a.report.issues.find((i) => i.severity === "error")?.line, 4 + badAt + 3);
    for (const partBytes of [1000, 4096, 1 << 20]) {
      const b = inParts(bytes, { fileName: "w.xlsx" }, partBytes, 5);
      assert.ok(!("error" in b), "error" in b ? String(b.error) : "");
      if ("error" in b) continue;
      assert.deepEqual(b.rows, a.rows, `parts of ${partBytes}`);
      assert.deepEqual(comparable(b.report), comparable(a.report));
      if (partBytes === 4096) {
        assert.ok(b.estimates.length > 5, `the rows are estimated as the sheet is read: ${b.estimates} ${b.reads}`);
        const final = b.estimates.at(-1) as number;
        assert.ok(Math.abs(final - 1006) <= 1, `last estimate ${final}`);
      }
    }
  }
});

test("a damaged, cut-short or too large workbook is refused, saying why", () => {
  const { bytes } = workbook(3000);
  const cut = bytes.slice(0, Math.floor(bytes.length * 0.7));
  assert.match(String(inParts(cut, { fileName: "w.xlsx" }, 4096, 5).error), /cannot be unzipped \(no end of central directory: is the file complete, or was it cut short\?\)/);
  // A byte of the sheet's compressed data changed: the inflate fails or the CRC-32 does not match.
  const at = findEntryData(bytes, "xl/worksheets/sheet1.xml") + 200;
  const damaged = bytes.slice();
  damaged[at] = (damaged[at] as number) ^ 0x5a;
  assert.match(String(inParts(damaged, { fileName: "w.xlsx" }, 4096, 5).error), /cannot be unzipped \(xl\/worksheets\/sheet1\.xml (is damaged|inflates)/);
  assert.match(String(inParts(bytes, { fileName: "w.xlsx" }, 4096, 5, 100).error), /shared strings table inflates to 0.0 MB, over the 0.0 MB .*raise --max-memory, or save the sheet as a CSV/);
});

/**
 * The same archive as ZIP64 writes it: every size and offset in the central directory 0xFFFFFFFF
 * with the real ones in an extra field, and the directory found through a ZIP64 end record.
 */
function asZip64(zip: Uint8Array): Uint8Array {
  const b = Buffer.from(zip);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 5, 6]));
  const count = b.readUInt16LE(eocd + 10);
  const dirOffset = b.readUInt32LE(eocd + 16);
  const entries: Buffer[] = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    const nameLength = b.readUInt16LE(p + 28);
    const extraLength = b.readUInt16LE(p + 30);
    const commentLength = b.readUInt16LE(p + 32);
    const head = Buffer.from(b.subarray(p, p + 46));
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(1, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(head.readUInt32LE(24)), 4); // size
    extra.writeBigUInt64LE(BigInt(head.readUInt32LE(20)), 12); // compressed size
    extra.writeBigUInt64LE(BigInt(head.readUInt32LE(42)), 20); // local header offset
    for (const at of [20, 24, 42]) head.writeUInt32LE(0xffffffff, at);
    head.writeUInt16LE(extraLength + 28, 30);
    head.writeUInt16LE(0, 32);
    entries.push(head, b.subarray(p + 46, p + 46 + nameLength), extra, b.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    p += 46 + nameLength + extraLength + commentLength;
  }
  const dir = Buffer.concat(entries);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(dir.length), 40);
  record.writeBigUInt64LE(BigInt(dirOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(dirOffset + dir.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  for (const at of [8, 10]) end.writeUInt16LE(0xffff, at);
  for (const at of [12, 16]) end.writeUInt32LE(0xffffffff, at);
  return new Uint8Array(Buffer.concat([b.subarray(0, dirOffset), dir, record, locator, end]));
}

test("a ZIP64 workbook (sizes and offsets in extra fields, the directory through a ZIP64 end record) reads as the plain one", () => {
  const { bytes } = workbook(500);
  const a = inParts(bytes, { fileName: "w.xlsx" }, 4096, 5);
  const b = inParts(asZip64(bytes), { fileName: "w.xlsx" }, 4096, 5);
  assert.ok(!("error" in a) && !("error" in b), JSON.stringify(["error" in b && b.error]));
  if ("error" in a || "error" in b) return;
  assert.equal(b.rows.length, 500);
  assert.deepEqual(b.rows, a.rows);
});

/** Where an entry's data starts (just past its local header). */
function findEntryData(zip: Uint8Array, name: string): number {
  const n = enc(name);
  for (let i = 0; i + 30 < zip.length; i++) {
    if (zip[i] !== 0x50 || zip[i + 1] !== 0x4b || zip[i + 2] !== 3 || zip[i + 3] !== 4) continue;
    const nameLength = (zip[i + 26] as number) | ((zip[i + 27] as number) << 8);
    const extra = (zip[i + 28] as number) | ((zip[i + 29] as number) << 8);
    if (Buffer.from(zip.subarray(i + 30, i + 30 + nameLength)).equals(Buffer.from(n))) return i + 30 + nameLength + extra;
  }
  throw new Error(`no ${name}`);
}
