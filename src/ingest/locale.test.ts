import assert from "node:assert/strict";
import { test } from "node:test";
import { inferDateOrder, parseDateRangeText, parseLocaleDate } from "./locale-date.js";
import { inferDecimalMark, readLocaleNumber } from "./locale-number.js";
import { segmentRange } from "./segment-period.js";
import { timeZoneFromLabel } from "./time-zone.js";
import { excelSerialToText, isDateFormat, normaliseExcelNumber } from "./xlsx-values.js";
import { decodeXml, textOf } from "./xml-scan.js";

test("locale numbers: separators, symbols, signs, placeholders and buckets", () => {
  const n = (raw: string, d: "." | "," = ".") => readLocaleNumber(raw, d);
  assert.deepEqual(n("1,234,567.89"), { kind: "number", text: "1234567.89" });
  assert.deepEqual(n("1.234.567,89", ","), {
    kind: "number",
    text: "1234567.89",
  });
  assert.deepEqual(n("1 234,56", ","), { kind: "number", text: "1234.56" });
  assert.deepEqual(n("1\u202f234,56 €", ","), {
    kind: "number",
    text: "1234.56",
    sign: "€",
  });
  assert.deepEqual(n("$1,234.50"), { kind: "number", text: "1234.50", sign: "$" });
  assert.deepEqual(n("R$ 454,06", ","), { kind: "number", text: "454.06", sign: "R$" });
  assert.deepEqual(n("(12.50)"), { kind: "number", text: "-12.50" });
  assert.deepEqual(n("-0"), { kind: "number", text: "0" });
  for (const empty of ["", " --", "--", "-", "(not set)", "N/A"]) assert.deepEqual(n(empty), { kind: "empty" });
  for (const bucket of ["< 10%", "> 90%", "<5", "< 1000"]) assert.equal(n(bucket).kind, "bucket");
  for (const bad of ["1,23", "12abc", "1.234.5", "1,234 567", "ten"]) assert.deepEqual(n(bad), { kind: "invalid" }, bad);
});

test("decimal mark inference", () => {
  assert.equal(inferDecimalMark(["454,06", "3309"], "."), ",");
  assert.equal(inferDecimalMark(["1,234", "2,500"], ","), ",");
  assert.equal(inferDecimalMark(["1,234.5", "12"], ","), ".");
  assert.equal(inferDecimalMark(["1.234.567"], "."), ",");
});

test("locale dates and ranges", () => {
  assert.equal(parseLocaleDate("01/09/2023", "dmy"), "2023-09-01");
  assert.equal(parseLocaleDate("01/09/2023", "mdy"), "2023-01-09");
  assert.equal(parseLocaleDate("4/12/17", "mdy"), "2017-04-12");
  assert.equal(parseLocaleDate("2026/06/01", "mdy"), "2026-06-01");
  assert.equal(parseLocaleDate("2025-11-26 00:00:00", "mdy"), "2025-11-26");
  assert.equal(parseLocaleDate("27 de março de 2026", "dmy"), "2026-03-27");
  assert.equal(parseLocaleDate("27. März 2026", "dmy"), "2026-03-27");
  assert.equal(parseLocaleDate("1er février 2026", "dmy"), "2026-02-01");
  assert.equal(parseLocaleDate("August 18, 2019, 12:00 AM", "mdy"), "2019-08-18");
  assert.equal(parseLocaleDate("31/02/2026", "dmy"), null);
  assert.equal(parseLocaleDate("Ongoing", "dmy"), null);
  assert.deepEqual(parseDateRangeText('"March 27, 2026 - April 23, 2026"', "mdy"), { from: "2026-03-27", to: "2026-04-23" });
  assert.deepEqual(parseDateRangeText("1 May 2026 - 8 May 2026", "mdy"), {
    from: "2026-05-01",
    to: "2026-05-08",
  });
  assert.deepEqual(parseDateRangeText("2/1/2020, 2/7/2020", "mdy"), {
    from: "2020-02-01",
    to: "2020-02-07",
  });
  assert.equal(parseDateRangeText("All time", "mdy"), null);
  assert.equal(inferDateOrder(["17/12/2024", "01/01/2025"], "mdy"), "dmy");
  assert.equal(inferDateOrder(["12/17/2024"], "dmy"), "mdy");
  assert.equal(inferDateOrder(["01/02/2024"], "dmy"), "dmy");
});

test("segments: week, month, quarter, year, clipped", () => {
  assert.deepEqual(segmentRange("week", "2026-01-05", "mdy"), {
    from: "2026-01-05",
    to: "2026-01-11",
  });
  assert.deepEqual(segmentRange("month", "2026-02-01", "mdy"), {
    from: "2026-02-01",
    to: "2026-02-28",
  });
  assert.deepEqual(segmentRange("quarter", "Q2 2026", "mdy"), {
    from: "2026-04-01",
    to: "2026-06-30",
  });
  assert.deepEqual(
    segmentRange("year", "2026", "mdy", {
      from: "2026-03-01",
      to: "2026-03-10",
    }),
    { from: "2026-03-01", to: "2026-03-10" },
  );
});

test("time-zone labels", () => {
  assert.equal(timeZoneFromLabel("(GMT-08:00) Pacific Time (US & Canada); Tijuana"), "America/Los_Angeles");
  assert.equal(timeZoneFromLabel("America/New_York"), "America/New_York");
  assert.equal(timeZoneFromLabel("UTC"), "UTC");
  assert.equal(timeZoneFromLabel("Somewhere"), null);
});

test("XLSX values: date formats, serials, Excel's 15 digits, XML text", () => {
  assert.equal(isDateFormat(14, undefined), true);
  assert.equal(isDateFormat(164, "yyyy-mm-dd"), true);
  assert.equal(isDateFormat(165, '"$"#,##0.00'), false);
  assert.equal(isDateFormat(166, "[$€-407] #,##0.00"), false);
  assert.equal(excelSerialToText(45292, false), "2024-01-01");
  assert.equal(excelSerialToText(1, false), "1900-01-01");
  assert.equal(excelSerialToText(45292.5, false), "2024-01-01 12:00:00");
  assert.equal(excelSerialToText(0, true), "1904-01-01");
  assert.equal(normaliseExcelNumber("0.30000000000000004"), "0.3");
  assert.equal(normaliseExcelNumber("1.2345E-3"), "0.0012345");
  assert.equal(normaliseExcelNumber("1E-7"), "0.0000001");
  assert.equal(normaliseExcelNumber("120.3"), "120.3");
  assert.equal(decodeXml("a &amp; b &#233;_x000D_"), "a & b é\r");
  assert.equal(textOf('<r><t>a</t></r><rPh><t>x</t></rPh><r><t xml:space="preserve"> b</t></r>'), "a b");
});
