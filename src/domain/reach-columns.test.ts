import assert from "node:assert/strict";
import { test } from "node:test";
import { awkwardReachRows } from "../test-support/reach-rows.js";
import { ReachColumnsBuilder, reachColumnBuffers, reachColumnsOf, reachRowsOf } from "./reach-columns.js";
import type { PlatformReachRow } from "./spend.js";

test("reach rows → columns → rows: levels, names, windows, reach, impressions and a missing frequency", () => {
  const rows = awkwardReachRows(300);
  const cols = reachColumnsOf(rows);
  assert.equal(cols.length, 300);
  assert.deepEqual(reachRowsOf(cols), rows);
  assert.equal(reachColumnBuffers(cols).length, 11, "six text columns, two dates, three numbers");
  assert.deepEqual(cols.text[2]?.values, ["", "account", "campaign", "ad_group", "ad"], "each level once, in the dictionary");
  assert.deepEqual(reachRowsOf(reachColumnsOf([])), []);
});

test("the builder grows past its capacity and gives the columns reachColumnsOf gives", () => {
  const rows = awkwardReachRows(5000);
  const b = new ReachColumnsBuilder(1);
  for (const r of rows) b.add(r);
  assert.equal(b.length, 5000);
  const cols = b.finish();
  assert.deepEqual(cols, reachColumnsOf(rows));
  assert.deepEqual(reachRowsOf(cols), rows);
  for (const a of reachColumnBuffers(cols)) assert.equal(a.byteLength % 5000, 0, "every column cut to the rows added");
  assert.deepEqual(new ReachColumnsBuilder().finish().length, 0);
});

test("a reach row with an invalid date is refused", () => {
  const row: PlatformReachRow = { source: "meta", account_id: "", level: "campaign", campaign: "C", ad_group: "", ad: "", date_start: "2026-02-30", date_end: "2026-02-30", reach: 1, impressions: 1, frequency: null };
  assert.throws(() => reachColumnsOf([row]), /invalid date '2026-02-30'/);
});
