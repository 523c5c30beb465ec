import assert from "node:assert/strict";
import { test } from "node:test";
import { csvField, csvText } from "./csv.js";

test("CSV fields: numbers as given, text quoted when it must be, formulas defused", () => {
  assert.equal(csvField(0.019412345678), "0.019412345678");
  assert.equal(csvField(-3), "-3");
  assert.equal(csvField(null), "");
  assert.equal(csvField(Number.NaN), "");
  assert.equal(csvField("Search - Brand"), "Search - Brand");
  assert.equal(csvField('Say "hi", now'), '"Say ""hi"", now"');
  assert.equal(csvField("line\nbreak"), '"line\nbreak"');
  assert.equal(csvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  assert.equal(csvField("+1"), "'+1");
  assert.equal(csvField("@sum"), "'@sum");
});

test("a CSV document ends each line with CRLF", () => {
  assert.equal(csvText(["campaign", "cost"], [["A", 1.5], ["Total", 1.5]]), "campaign,cost\r\nA,1.5\r\nTotal,1.5\r\n");
});
