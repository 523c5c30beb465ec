import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, tempDir } from "../helpers.js";

test("cpi demo builds its own store, prints the seed case, and leaves ./cpi.duckdb alone", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "cpi.duckdb"), "not touched");
  const r = await cpi(dir, "demo");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, "cpi-demo.duckdb")));
  assert.match(r.stdout, /Launch Q4: \$5,000\.00 for 500,000 impressions → CPI \$0\.0100, CPM \$10\.00/);
  assert.match(r.stdout, /Launch Q3: \$4,500\.00 for 300,000 impressions → CPI \$0\.0150/);
  assert.match(r.stdout, /CPI 33\.3 % lower: more cost-efficient: \$5,000 buys 166,667 more impressions/);
  assert.match(r.stdout, /Try next:/);
  // Outside the clone, with no cpi on PATH, the suggestions name the bin itself (invocation.test.ts has the other cases).
  assert.match(r.stdout, /\n {2}node \S+\/bin\/cpi\.js reach --db cpi-demo\.duckdb --by campaign\n/);
  assert.match(r.stdout, /cpi\.js discrepancy --db cpi-demo\.duckdb/);
  assert.match(r.stdout, /cpi\.js report --db cpi-demo\.duckdb --where source=tracked --by placement --metrics impressions,viewable_rate,cpi,reach/);
  const again = await cpi(dir, "demo");
  assert.equal(again.code, 0, again.stderr);
  const seed = JSON.parse((await cpi(dir, "report", "--db", "cpi-demo.duckdb", "--where", "campaign=Launch Q4", "--metrics", "cost,impressions,cpi,cpm", "--format", "json")).stdout);
  assert.deepEqual(seed, [{ cost: 5000, impressions: 500000, cpi: 0.01, cpm: 10 }]);
  const refuse = await cpi(dir, "demo", "--db", "cpi.duckdb");
  assert.equal(refuse.code, 2);
  assert.match(refuse.stderr, /not a demo store/);
});

test("cpi demo counts Launch Q4's last week itself: tracked vs reported, reach, and the days the counts disagree", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "demo");
  assert.equal(r.code, 0, r.stderr);
  // The guided report's fourth section, with the figures the commands below show.
  assert.match(r.stdout, /Reported by the publishers\s+81,418 impressions → CPI \$0\.0100/);
  assert.match(r.stdout, /Counted by the tag\s+78,843 impressions → CPI \$0\.0103 \(-3\.2 % against the publishers\)/);
  assert.match(r.stdout, /Viewable: 57\.3 % of measurable impressions\. Invalid traffic, not counted: 2\.4 % \(bot_user_agent 947, headless 307, prefetch 461, duplicate_id 238\)/);
  assert.match(r.stdout, /Reach: 29,421 visitors \(visitor-days\), 2\.7 impressions each; 11,650 saw it 3 times or more/);
  assert.match(r.stdout, /Discrepancy: 3 of 21 site-days beyond ±10 %/);
  const db = ["--db", "cpi-demo.duckdb", "--format", "json"];
  const json = async (...argv: string[]) => {
    const x = await cpi(dir, ...argv, ...db);
    assert.equal(x.code, 0, x.stderr);
    return JSON.parse(x.stdout);
  };
  // Tracked: the flat $812.50 for the week spread over the tag's own count (close to, not exactly, the reported CPI).
  const [tracked] = await json("report", "--where", "source=tracked", "--metrics", "impressions,viewable_impressions,cost,cpi,reach");
  assert.deepEqual({ ...tracked, cpi: Math.round(tracked.cpi * 1e6) / 1e6 }, { impressions: 78843, viewable_impressions: 43853, cost: 812.5, cpi: 0.010305, reach: 29421 });
  const [reported] = await json("report", "--where", "campaign=Launch Q4", "--from", "2026-11-09", "--to", "2026-11-15", "--metrics", "impressions,cpi");
  assert.equal(reported.impressions, 81418);
  assert.notEqual(Math.round(reported.cpi * 1e4), Math.round(tracked.cpi * 1e4));
  // Spend data is unchanged: tracked events are read only when asked for.
  assert.deepEqual(await json("report", "--where", "campaign=Launch Q4", "--metrics", "impressions"), [{ impressions: 500000 }]);
  const reach = await json("reach", "--by", "campaign");
  assert.deepEqual(reach.tracked.map((x: { keys: string[]; reach: number; impressions: number }) => [x.keys, x.impressions, x.reach]), [[["Launch Q4"], 78843, 29421]]);
  const byPlacement = await json("report", "--where", "source=tracked", "--by", "placement", "--metrics", "impressions,viewable_rate,cpi,reach");
  assert.equal(byPlacement.length, 3);
  for (const p of byPlacement) assert.ok(p.viewable_rate > 0.4 && p.viewable_rate < 0.7, JSON.stringify(p));
  const week = await json("discrepancy", "--from", "2026-11-09", "--to", "2026-11-15");
  assert.equal(week.length, 21);
  assert.deepEqual(
    week.filter((g: { status: string }) => g.status !== "ok").map((g: { placement: string; day: string; status: string }) => [g.placement, g.day, g.status]),
    [
      ["expo-guide.example / banner", "2026-11-14", "under"],
      ["industry-news.example / leaderboard", "2026-11-11", "under"],
      ["trade-journal.example / sidebar", "2026-11-13", "over"],
    ],
  );
  for (const g of week.filter((g: { status: string }) => g.status === "ok")) assert.ok(Math.abs(g.gap) < 0.08, JSON.stringify(g));
  const contracts = await json("contract", "list");
  assert.deepEqual(contracts.map((c: { campaign: string; pricing: string; amount: number; from: string; to: string }) => [c.campaign, c.pricing, c.amount, c.from, c.to]), [["Launch Q4", "flat", 812.5, "2026-11-09", "2026-11-15"]]);
  // The ad server split Visual A and B by visitor: docs/statistics.md's visitor-level test runs on the demo, every
  // visitor a unit of one arm (units add up to the reach), the cost to the contract's $812.50.
  const ab = await json("abtest", "--campaign", "Launch Q4", "--where", "source=tracked", "--arms", "ad", "--unit", "visitor", "--metric", "ctr");
  assert.deepEqual(
    ab.arms.map((a: { name: string; units: number; impressions: number }) => [a.name, a.units, a.impressions]),
    [
      ["Visual A", 13470, 36537],
      ["Visual B", 15951, 42306],
    ],
  );
  assert.equal(ab.arms[0].units + ab.arms[1].units, tracked.reach);
  assert.equal(Math.round((ab.arms[0].cost + ab.arms[1].cost) * 100), 81250);
  assert.ok(!ab.warnings.some((w: string) => /more than one ad/.test(w)), ab.warnings.join("\n"));
  // Readers of two sites saw two placements: a visitor-level test by placement is refused.
  const byPlace = await cpi(dir, "abtest", "--campaign", "Launch Q4", "--where", "source=tracked", "--arms", "placement", "--unit", "visitor", "--metric", "ctr", "--db", "cpi-demo.duckdb");
  assert.equal(byPlace.code, 2);
  assert.match(byPlace.stderr, /3,541 of 29,421 visitors \(12\.0 %\) had impressions or clicks in more than one placement.*--unit day instead/);
});
