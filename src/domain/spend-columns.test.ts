import assert from "node:assert/strict";
import { test } from "node:test";
import { ReplaceWindowCollector, replacementWindows } from "./replace-window.js";
import { blankSpendRow, type SpendRow } from "./spend.js";
import { SPEND_TEXT_FIELDS, spendColumnBuffers, spendColumnsOf, spendRowsOf } from "./spend-columns.js";

function rows(): SpendRow[] {
  const out: SpendRow[] = [];
  for (let i = 0; i < 500; i++) {
    const r = blankSpendRow();
    SPEND_TEXT_FIELDS.forEach((f, k) => {
      // Every field distinct from the others, so a column written into its neighbour shows.
      r[f] = i % (k + 2) === 0 ? "" : `${f}:${i % (k + 3)}${k === 6 ? " — Café ✓ a name longer than twelve bytes" : ""}`;
    });
    r.date_start = `2026-0${1 + (i % 9)}-0${1 + (i % 9)}`;
    r.date_end = i % 4 ? r.date_start : `2026-0${1 + (i % 9)}-28`;
    r.cost = BigInt(i) * 1_234_567n + 9_007_199_254_740_993n; // beyond 2^53: exact as bigint
    r.revenue = BigInt(i * 3);
    r.impressions = i === 7 ? 2 ** 53 - 1 : i * 1000 + 1;
    r.clicks = i % 13;
    r.viewable_impressions = 2 ** 32 + i; // crosses the 32-bit halves
    r.measurable_impressions = i;
    r.conversions = i / 8;
    out.push(r);
  }
  return out;
}

test("rows → columns → rows gives the same rows: text, date ranges, micros beyond 2^53, counts past 2^32", () => {
  const input = rows();
  const cols = spendColumnsOf(input);
  assert.equal(cols.length, 500);
  assert.deepEqual(spendRowsOf(cols), input);
  // Each text column's dictionary holds its distinct values once, "" first.
  assert.equal(cols.text[0]?.values[0], "");
  assert.equal(new Set(cols.text[6]?.values).size, cols.text[6]?.values.length);
  // Every array has its own buffer: the batch can be transferred.
  const buffers = spendColumnBuffers(cols);
  assert.equal(new Set(buffers).size, buffers.length);
});

test("replacement windows from column batches equal the windows from the rows", () => {
  const input = rows();
  const c = new ReplaceWindowCollector();
  for (let i = 0; i < input.length; i += 128) c.addColumns(spendColumnsOf(input.slice(i, i + 128)));
  const sort = (ws: ReturnType<typeof replacementWindows>) => [...ws].sort((a, b) => `${a.source}|${a.account_id}`.localeCompare(`${b.source}|${b.account_id}`));
  assert.deepEqual(sort(c.windows()), sort(replacementWindows(input)));
});

test("a row without a valid date is refused, first row or not (a parser bug must not land as 1970-01-01)", () => {
  for (const bad of ["", "2026-02-30", "yesterday"]) {
    const first = blankSpendRow();
    first.date_start = bad;
    first.date_end = bad;
    assert.throws(() => spendColumnsOf([first]), /invalid date/, `first row '${bad}'`);
    const ok = blankSpendRow();
    ok.date_start = "2026-03-01";
    ok.date_end = "2026-03-01";
    assert.throws(() => spendColumnsOf([ok, first]), /invalid date/, `second row '${bad}'`);
  }
});
