// Platform tables are read a chunk of records at a time (table-records.ts): the records, their lines
// and the problems found must be exactly those of splitting the whole text, across chunk boundaries.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenizeDelimited } from "./delimited.js";
import { parseReport } from "./index.js";
import { delimitedRecords } from "./table-records.js";

/** 10,000 records: quoted fields with line breaks (LF and CRLF) and quotes, blank lines, short records. */
function awkwardText(): string {
  const out: string[] = ["name,value,note"];
  for (let i = 0; i < 10_000; i++) {
    if (i % 997 === 0) out.push("");
    const name = i % 7 === 0 ? `"multi\nline ${i}"` : i % 11 === 0 ? `"crlf\r\nline ${i}"` : i % 13 === 0 ? `"say ""hi"" ${i}"` : `n${i}`;
    out.push(i % 101 === 0 ? `${name},${i}` : `${name},${i},x`);
  }
  return `${out.join("\r\n")}\r\n`;
}

test("records read a chunk at a time are the records of the whole text, with their lines, from any record on", () => {
  const text = awkwardText();
  const whole = tokenizeDelimited(text, ",");
  const chunked = [...delimitedRecords(text, ",", 0, 1, () => assert.fail("no unterminated quote here"))].map((r) => [r.record, r.line]);
  assert.equal(chunked.length, whole.rows.length);
  assert.deepEqual(
    chunked,
    whole.rows.map((r, k) => [r, whole.lines[k]]),
  );
  // From record 5,000 on (its offset and line as the whole split found them).
  const from = [...delimitedRecords(text, ",", whole.offsets[5000] as number, whole.lines[5000] as number, () => {})].map((r) => [r.record, r.line]);
  assert.deepEqual(
    from,
    whole.rows.slice(5000).map((r, k) => [r, whole.lines[5000 + k]]),
  );
  const appended = `${text}"never closed,1,x\nmore\n`;
  const wholeOpen = tokenizeDelimited(appended, ",");
  let unterminated = 0;
  const open = [...delimitedRecords(appended, ",", 0, 1, (line) => {
    unterminated = line;
  })];
  assert.equal(open.length, wholeOpen.rows.length);
  assert.ok(unterminated > 10_000);
  assert.equal(unterminated, wholeOpen.unterminatedQuoteLine);
});

test("a platform export past a chunk boundary: totals, and a bad row's line after multi-line names", () => {
  const lines = ['\ufeff"Campaign name",Day,Impressions,"Amount spent (EUR)","Link clicks","Reporting starts","Reporting ends"'];
  let physical = 1;
  let badLine = 0;
  let impressions = 0;
  for (let i = 0; i < 9000; i++) {
    const name = i % 500 === 0 ? `"Launch\nwave ${i}"` : `Launch ${i % 40}`;
    const bad = i === 8000;
    lines.push(`${name},2026-04-0${1 + (i % 9)},${bad ? "12x" : 100 + i},1.50,3,2026-04-01,2026-04-09`);
    physical += 1 + (i % 500 === 0 ? 1 : 0);
    if (bad) badLine = physical - (i % 500 === 0 ? 1 : 0);
    else impressions += 100 + i;
  }
  const report = parseReport(new TextEncoder().encode(`${lines.join("\n")}\n`), { fileName: "meta.csv" });
  assert.equal(report.format, "meta:ads-manager");
  assert.equal(report.rows.length, 8999);
  assert.equal(
    report.rows.reduce((s, r) => s + r.impressions, 0),
    impressions,
  );
  assert.equal(
    report.rows.reduce((s, r) => s + r.cost, 0n),
    8999n * 1_500_000n,
  );
  const errors = report.issues.filter((x) => x.severity === "error");
  assert.deepEqual(
    errors.map((e) => [e.line, e.column]),
    [[badLine, "Impressions"]],
  );
  assert.equal(report.rows.filter((r) => r.campaign === "Launch\nwave 8500").length, 1);
});
