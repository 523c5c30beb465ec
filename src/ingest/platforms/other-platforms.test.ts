import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { ParsedReport } from "../../domain/spend.js";
import { parseReport } from "../index.js";
import type { ParseOptions } from "../types.js";
import { xLocalDate } from "./x-ads.js";

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/ingest/${name}`, import.meta.url));
const parse = (name: string, opts: Partial<ParseOptions> = {}) => parseReport(fixture(name), { fileName: name, ...opts });
const sums = (r: ParsedReport) => ({
  rows: r.rows.length,
  cost: r.rows.reduce((s, x) => s + x.cost, 0n),
  impressions: r.rows.reduce((s, x) => s + x.impressions, 0),
  clicks: r.rows.reduce((s, x) => s + x.clicks, 0),
});
const warnings = (r: ParsedReport) => r.issues.filter((i) => i.severity === "warning").map((i) => [i.line, i.column]);

test("TikTok CSV: '<5' masked counts are warnings and count as 0, never a number; 'Total of' row checked", () => {
  const r = parse("tiktok-ads.csv");
  assert.equal(r.format, "tiktok:ads-manager");
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 30_900_000n,
    impressions: 3500,
    clicks: 42,
  });
  assert.deepEqual(warnings(r), [
    [3, "Impressions"],
    [3, "Reach"],
  ]);
  assert.equal(r.rows[1]?.cost, 400_000n); // the masked row's money is kept
  assert.equal(r.fileTotals.find((t) => t.measure === "cost")?.expected, 30.9);
  assert.deepEqual(
    r.reach.map((x) => [x.ad_group, x.date_start, x.reach]),
    [
      ["Broad", "2026-05-01", 800],
      ["Broad", "2026-05-02", 1900],
    ],
  );
});

test("TikTok XLSX: dates from date cells, float noise (0.1+0.2) read as Excel shows it", () => {
  const r = parse("tiktok-ads.xlsx");
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 11_100_000n,
    impressions: 3500,
    clicks: 42,
  });
  assert.deepEqual(
    r.rows.map((x) => x.date_start),
    ["2026-05-01", "2026-05-01", "2026-05-02"],
  );
  assert.equal(r.rows[2]?.cost, 300_000n);
  assert.deepEqual(warnings(r), [[3, "Impressions"]]);
});

test("CM360: preamble to 'Report Fields', report time zone, Grand Total, Active View", () => {
  const r = parse("cm360-report.csv", { currency: "USD" });
  assert.equal(r.format, "cm360");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 60_000_000n,
    impressions: 15_000,
    clicks: 30,
  });
  const x = r.rows[0];
  assert.equal(x?.account_timezone, "America/New_York");
  assert.equal(x?.placement, "Homepage 300x250");
  assert.equal(x?.ad, "Banner A");
  assert.equal(x?.ad_id, "5");
  assert.equal(x?.viewable_impressions, 6000);
  assert.equal(x?.measurable_impressions, 9000);
  assert.deepEqual(
    r.fileTotals.map((t) => [t.label, t.measure, t.expected]),
    [
      ["Grand Total:", "cost", 60],
      ["Grand Total:", "impressions", 15000],
      ["Grand Total:", "clicks", 30],
    ],
  );
});

test("CM360 without a cost column: impressions kept, cost 0, a warning", () => {
  const text = "Report Fields\nDate,Campaign,Placement,Impressions,Clicks\n2026-03-01,Spring,Home,100,1\nGrand Total:,,,100,1\n";
  const r = parseReport(new TextEncoder().encode(text), { fileName: "c.csv" });
  assert.equal(r.rows[0]?.cost, 0n);
  assert.equal(r.rows[0]?.currency, "XXX");
  assert.equal(r.issues.filter((i) => i.severity === "warning").length, 1);
});

test("DV360: YYYY/MM/DD dates, totals row after a blank row, footer ignored", () => {
  const r = parse("dv360-report.csv");
  assert.equal(r.format, "dv360");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 110_250_000n,
    impressions: 25_000,
    clicks: 65,
  });
  const x = r.rows[0];
  assert.deepEqual([x?.date_start, x?.campaign, x?.ad_group, x?.ad, x?.currency], ["2026-06-01", "Summer IO", "Prospecting", "Video 15s", "EUR"]);
  assert.equal(x?.viewable_impressions, 12000);
  assert.deepEqual(
    r.fileTotals.map((t) => [t.measure, t.expected]),
    [
      ["cost", 110.25],
      ["impressions", 25000],
      ["clicks", 65],
    ],
  );
});

test("Amazon Ads: trailing spaces in headers, $ amounts, Start/End Date range, orders and sales", () => {
  const r = parse("amazon-sponsored-products.csv");
  assert.equal(r.format, "amazon-ads");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 1_334_550_000n,
    impressions: 15_000,
    clicks: 190,
  });
  const x = r.rows[0];
  assert.deepEqual(
    [x?.date_start, x?.date_end, x?.campaign, x?.ad, x?.conversions, x?.revenue],
    ["2026-01-01", "2026-01-31", "Kitchen - Auto", "B000123", 12, 980_000_000n],
  );
});

test("Reddit Ads API: spend in micros", () => {
  const r = parse("reddit-ads-api.csv");
  assert.equal(r.format, "reddit:api");
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 43_750_000n,
    impressions: 18_000,
    clicks: 95,
  });
  assert.equal(r.rows[0]?.campaign, "c1");
  assert.equal(r.rows[0]?.account_id, "t2_abc");
});

test("Reddit UI export: spend in currency units", () => {
  const text = "Date,Campaign Name,Impressions,Clicks,Spend,eCPM,Currency\n2026-07-01,Launch,1000,5,12.50,12.5,USD\n";
  const r = parseReport(new TextEncoder().encode(text), { fileName: "r.csv" });
  assert.equal(r.format, "reddit:ui");
  assert.equal(r.rows[0]?.cost, 12_500_000n);
});

test("X Ads API: billed_charge_local_micro, local-midnight timestamps, placements", () => {
  const r = parse("x-ads-api.csv");
  assert.equal(r.format, "x-ads:api");
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 3_500_000n,
    impressions: 12_000,
    clicks: 95,
  });
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.placement]),
    [
      ["2026-08-01", "ALL_ON_TWITTER"],
      ["2026-08-02", "ALL_ON_TWITTER"],
      ["2026-08-01", "PUBLISHER_NETWORK"],
    ],
  );
  assert.equal(xLocalDate("2026-08-01 22:00:00 UTC", null), "2026-08-02"); // UTC+2 midnight
  assert.equal(xLocalDate("2026-08-01 22:00:00 UTC", "Europe/Berlin"), "2026-08-02");
  assert.equal(xLocalDate("2026-08-01 07:00:00 UTC", "America/Los_Angeles"), "2026-08-01");
});

test("a file in no known format: one error naming every platform tried and why", () => {
  const r = parseReport(new TextEncoder().encode("foo,bar,baz\n1,2,3\n"), {
    fileName: "x.csv",
  });
  assert.equal(r.issues.length, 1);
  const msg = r.issues[0]?.message ?? "";
  for (const name of [
    "generic CSV",
    "Google Ads",
    "Meta Ads Manager",
    "LinkedIn",
    "Microsoft Advertising",
    "TikTok",
    "Campaign Manager 360",
    "Display & Video 360",
    "Amazon Ads",
    "Reddit Ads",
    "X Ads",
  ]) {
    assert.ok(msg.includes(name), `${name} missing from: ${msg}`);
  }
});
