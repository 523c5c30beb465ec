import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeReportText } from "./decode.js";
import { parseReport } from "./index.js";

const CSV = 'Reporting starts,Reporting ends,Campaign name,Amount spent (EUR),Impressions,Link clicks\n2026-02-01,2026-02-28,Été €,"1234.50",1000,10\n';

function utf16(text: string, order: "le" | "be", bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  if (bom) out.set(order === "le" ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const [lo, hi] = [text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8];
    out[(bom ? 2 : 0) + 2 * i] = order === "le" ? lo : hi;
    out[(bom ? 3 : 1) + 2 * i] = order === "le" ? hi : lo;
  }
  return out;
}

test("every encoding a report arrives in decodes to the same rows: UTF-8 (BOM or not), UTF-16LE/BE (BOM or not), Windows-1252", () => {
  const utf8 = new TextEncoder().encode(CSV);
  const ansi = Uint8Array.from(CSV, (c) => (c === "€" ? 0x80 : c === "É" ? 0xc9 : c === "é" ? 0xe9 : c.charCodeAt(0)));
  const cases: [string, Uint8Array, string][] = [
    ["utf-8", utf8, "utf-8"],
    ["utf-8 BOM", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]), "utf-8-bom"],
    ["utf-16le BOM", utf16(CSV, "le", true), "utf-16le"],
    ["utf-16be BOM", utf16(CSV, "be", true), "utf-16be"],
    ["utf-16le", utf16(CSV, "le", false), "utf-16le"],
    ["utf-16be", utf16(CSV, "be", false), "utf-16be"],
    ["windows-1252", ansi, "windows-1252"],
  ];
  for (const [what, bytes, encoding] of cases) {
    assert.equal(decodeReportText(bytes).encoding, encoding, what);
    const r = parseReport(bytes, { fileName: `${what}.csv` });
    assert.deepEqual(r.issues, [], what);
    assert.equal(r.format, "meta:ads-manager", what);
    assert.deepEqual([r.rows[0]?.campaign, r.rows[0]?.cost, r.rows[0]?.impressions, r.rows[0]?.clicks, r.rows[0]?.currency], ["Été €", 1_234_500_000n, 1000, 10, "EUR"], what);
  }
});

test("UTF-16LE decodes as TextDecoder does: a lone surrogate and an odd last byte become U+FFFD", () => {
  const reference = new TextDecoder("utf-16le");
  const cases = [
    [0x61, 0, 0x00, 0xd8, 0x62, 0], // a, lone high surrogate, b
    [0x61, 0, 0x3d, 0xd8, 0x00, 0xde], // a, 😀 as a surrogate pair
    [0x61, 0, 0x00, 0xdc], // a, lone low surrogate
    [0x61, 0, 0x62], // a, half a code unit
  ];
  for (const units of cases) {
    const body = new Uint8Array(units);
    assert.equal(decodeReportText(new Uint8Array([0xff, 0xfe, ...units])).text, reference.decode(body), `bytes ${units.join(",")}`);
  }
  assert.equal(decodeReportText(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x00, 0xd8])).text, "a\ufffd");
});
