// A report read in parts gives what the same report read whole gives: rows, issues on the file's
// lines, totals rows, statuses; on every fixture export, cut into parts of a few hundred bytes.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import type { ParsedReport } from "../../domain/spend.js";
import { type SpendColumns, spendRowsOf } from "../../domain/spend-columns.js";
import type { ParseOptions } from "../../ingest/index.js";
import { countingSource, parsedWhole } from "../../test-support/parts.js";
import { parseInParts, recordCut } from "./parse-parts.js";

const whole = parsedWhole;

function inParts(bytes: Uint8Array, opts: ParseOptions, partBytes: number, tailBytes = 1) {
  const batches: SpendColumns[] = [];
  const source = countingSource(bytes);
  try {
    const report = parseInParts(source, opts, partBytes, (b) => batches.push(b), undefined, undefined, tailBytes);
    return { report, rows: batches.flatMap(spendRowsOf), reads: source.reads };
  } catch (e) {
    return { error: (e as Error).message, reads: source.reads };
  }
}

const MEASURES = new Set(["cost", "impressions", "clicks", "conversions", "revenue", "viewable_impressions", "measurable_impressions"]);

/**
 * Rows summed by everything but their measures. A Microsoft hourly report's hours are summed to days
 * within what is parsed at once, so read in parts a day cut between two parts is two rows whose sum is
 * the whole file's one row (the same figures in every report; ARCHITECTURE.md, large files).
 */
function summedByKey(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const key = JSON.stringify(Object.entries(r).filter(([k]) => !MEASURES.has(k)), (_k, v) => (typeof v === "bigint" ? String(v) : v));
    const s = out.get(key);
    if (!s) out.set(key, { ...r });
    else for (const m of MEASURES) if (m in r) s[m] = typeof r[m] === "bigint" ? (s[m] as bigint) + (r[m] as bigint) : Math.round(((s[m] as number) + (r[m] as number)) * 1e6) / 1e6;
  }
  return [...out.values()];
}

const comparable = (r: ParsedReport) => ({ format: r.format, source: r.source, issues: r.issues, fileTotals: r.fileTotals, statuses: r.statuses ?? [] });

const FIXTURES = [new URL("../../../test/fixtures/ingest/", import.meta.url), new URL("../../../../shared/fixtures/exports/", import.meta.url)];

test("every fixture export read in parts of 64 and 300 bytes gives the rows, issues and totals of the whole", () => {
  let cut = 0;
  for (const dir of FIXTURES) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => /\.(csv|tsv|txt|xlsx)$/.test(n))) {
      const bytes = new Uint8Array(readFileSync(new URL(name, dir)));
      for (const opts of [{ fileName: name }, { fileName: name, currency: "USD" }] as ParseOptions[]) {
        for (const partBytes of [64, 300]) {
        const a = whole(bytes, opts);
        // A footer read with state (DV360's) is within the last 600 bytes.
        const b = inParts(bytes, opts, partBytes, 600);
        if ("error" in a) {
          assert.equal("error" in b ? b.error : "no error", a.error, name);
          continue;
        }
        assert.ok(!("error" in b), `${name}: ${"error" in b ? b.error : ""}`);
        if ("error" in b) continue;
        if (a.report.format === "microsoft-ads:report" && b.rows.length > a.rows.length) {
          assert.deepEqual(summedByKey(b.rows as unknown as Record<string, unknown>[]), summedByKey(a.rows as unknown as Record<string, unknown>[]), `${name}: hours summed to days`);
        } else assert.deepEqual(b.rows, a.rows, `${name}: rows`);
        assert.deepEqual(comparable(b.report), comparable(a.report), `${name}: issues, totals`);
        if (b.reads > 3) cut++;
        }
      }
    }
  }
  assert.ok(cut >= 5, `files read in several parts: ${cut}`);
});

const enc = (s: string) => new TextEncoder().encode(s);

test("a generic CSV in parts: quoted line breaks, bad rows on their own lines, Windows-1252 found late", () => {
  const lines = ["date,campaign,cost,impressions,currency"];
  for (let i = 0; i < 200; i++) lines.push(i % 37 === 5 ? `2026-10-0${1 + (i % 9)},"Multi\nline ${i}",ten,100,USD` : `2026-10-0${1 + (i % 9)},"Camp, ${i % 7}",${i}.5,${i * 10},USD`);
  const text = `${lines.join("\r\n")}\r\n`;
  for (const partBytes of [64, 301, 4096, 1 << 20]) {
    const a = whole(enc(text), { fileName: "g.csv" });
    const b = inParts(enc(text), { fileName: "g.csv" }, partBytes);
    assert.ok(!("error" in a) && !("error" in b));
    if ("error" in a || "error" in b) continue;
    assert.equal(b.rows.length, a.rows.length);
    assert.deepEqual(b.rows, a.rows);
    assert.deepEqual(b.report.issues, a.report.issues);
    assert.ok(a.report.issues.some((i) => i.line > 100), "issues far into the file");
  }
  // ASCII first, then a Windows-1252 "é" (0xE9) in the last line: the whole file is Windows-1252.
  const ascii = enc(`${lines.filter((l) => !l.includes("ten")).join("\n")}\n`);
  const bytes = new Uint8Array([...ascii, ...enc("2026-10-09,Caf"), 0xe9, ...enc(",1,1,USD\n")]);
  const a = whole(bytes, { fileName: "w.csv" });
  const b = inParts(bytes, { fileName: "w.csv" }, 200);
  assert.ok(!("error" in a) && !("error" in b));
  if (!("error" in a) && !("error" in b)) {
    assert.deepEqual(b.rows, a.rows);
    assert.equal(b.rows[b.rows.length - 1]?.campaign, "Café");
  }
  // UTF-8 beyond ASCII first, then bytes that are not UTF-8: refused, naming the line.
  const mixed = new Uint8Array([...enc("date,campaign,cost,impressions,currency\n2026-10-01,Café,1,1,USD\n"), ...ascii.slice(40), ...enc("2026-10-09,Caf"), 0xe9, ...enc(",1,1,USD\n")]);
  const m = inParts(mixed, { fileName: "m.csv" }, 100);
  assert.match("error" in m ? (m.error ?? "") : "no error", /not UTF-8, but earlier lines are/);
});

test("a part ends after the last line end outside quotes", () => {
  assert.equal(recordCut(enc('a,"x\ny"\nb\n'), 9), 8);
  assert.equal(recordCut(enc('a,"x\ny'), 6), -1);
  assert.equal(recordCut(enc('a,"say ""hi""\nx"\n'), 17), 17);
});

/** Text as UTF-16 bytes: little- or big-endian, with or without a BOM. */
function utf16(text: string, order: "le" | "be", bom: boolean): Uint8Array {
  const le = Buffer.from(`${bom ? "\ufeff" : ""}${text}`, "utf16le");
  if (order === "be") for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return new Uint8Array(le);
}

test("UTF-16 text in parts (transcoded as it is read): the rows and issues of the whole, surrogate pairs cut between parts", () => {
  const lines = ["date,campaign,cost,impressions,currency"];
  // Emoji (surrogate pairs) and accents at every offset, a bad row, a lone surrogate (U+FFFD in both).
  for (let i = 0; i < 300; i++) lines.push(`2026-10-${String(1 + (i % 28)).padStart(2, "0")},${"é".repeat(i % 3)}Camp 🚀${"😀".repeat(i % 4)} ${i % 11},${i % 50 === 7 ? "x" : `${i}.25`},${i * 3},EUR`);
  lines.push("2026-10-30,Lone \ud800 half,1,1,EUR");
  const text = `${lines.join("\r\n")}\r\n`;
  for (const [order, bom] of [["le", true], ["le", false], ["be", true]] as const) {
    const bytes = utf16(text, order, bom);
    const a = whole(bytes, { fileName: "u.csv" });
    assert.ok(!("error" in a), "error" in a ? String(a.error) : "");
    if ("error" in a) continue;
    assert.ok(a.rows.length > 290 && a.report.issues.some((i) => i.severity === "error"));
    for (const partBytes of [64, 301, 4096]) {
      const b = inParts(bytes, { fileName: "u.csv" }, partBytes);
      assert.ok(!("error" in b), `${order} ${partBytes}: ${"error" in b ? b.error : ""}`);
      if ("error" in b) continue;
      assert.ok(b.reads > 3, `${order}, parts of ${partBytes}: read in parts (${b.reads} reads)`);
      assert.deepEqual(b.rows, a.rows, `${order}, parts of ${partBytes}`);
      assert.deepEqual(b.report.issues, a.report.issues);
    }
  }
  // An odd last byte: U+FFFD at the end, as in a whole read.
  const odd = new Uint8Array([...utf16(text, "le", true), 0x41]);
  const a = whole(odd, { fileName: "o.csv" });
  const b = inParts(odd, { fileName: "o.csv" }, 300);
  assert.deepEqual("error" in b ? b.error : b.report.issues, "error" in a ? a.error : a.report.issues);
});
