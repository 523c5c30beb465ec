import assert from "node:assert/strict";
import { test } from "node:test";
import { reachColumnBuffers, reachColumnsOf, reachRowsOf } from "./reach-columns.js";
import type { PlatformReachRow } from "./spend.js";

test("reach rows → columns → rows: levels, names, windows, reach, impressions and a missing frequency", () => {
  const levels = ["account", "campaign", "ad_group", "ad"] as const;
  const rows: PlatformReachRow[] = Array.from({ length: 300 }, (_, i) => ({
    source: i % 2 ? "meta" : "linkedin",
    account_id: `act_${i % 3}`,
    level: levels[i % 4] as PlatformReachRow["level"],
    campaign: i % 5 ? `Été « ${i % 7} »` : "",
    ad_group: i % 4 >= 2 ? `Set ${i % 6}` : "",
    ad: i % 4 === 3 ? `Ad ${i}` : "",
    date_start: `2026-0${1 + (i % 9)}-01`,
    date_end: `2026-0${1 + (i % 9)}-${i % 2 ? "01" : "28"}`,
    reach: i * 1000 + 7,
    impressions: 2 ** 40 + i,
    frequency: i % 6 === 0 ? null : 1 + i / 64,
  }));
  const cols = reachColumnsOf(rows);
  assert.equal(cols.length, 300);
  assert.deepEqual(reachRowsOf(cols), rows);
  assert.equal(reachColumnBuffers(cols).length, 11, "six text columns, two dates, three numbers");
  assert.deepEqual(cols.text[2]?.values, ["", "account", "campaign", "ad_group", "ad"], "each level once, in the dictionary");
  assert.deepEqual(reachRowsOf(reachColumnsOf([])), []);
});

test("a reach row with an invalid date is refused", () => {
  const row: PlatformReachRow = { source: "meta", account_id: "", level: "campaign", campaign: "C", ad_group: "", ad: "", date_start: "2026-02-30", date_end: "2026-02-30", reach: 1, impressions: 1, frequency: null };
  assert.throws(() => reachColumnsOf([row]), /invalid date '2026-02-30'/);
});
