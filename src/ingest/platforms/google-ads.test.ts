import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { UserError } from "../../domain/errors.js";
import type { ParsedReport } from "../../domain/spend.js";
import { parseReport } from "../index.js";
import type { ParseOptions } from "../types.js";

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/ingest/${name}`, import.meta.url));
const parse = (name: string, opts: Partial<ParseOptions> = {}) => parseReport(fixture(name), { fileName: name, ...opts });
const sums = (r: ParsedReport) => ({
  rows: r.rows.length,
  cost: r.rows.reduce((s, x) => s + x.cost, 0n),
  impressions: r.rows.reduce((s, x) => s + x.impressions, 0),
  clicks: r.rows.reduce((s, x) => s + x.clicks, 0),
});
const errors = (r: ParsedReport) => r.issues.filter((i) => i.severity === "error");

test("UI .csv: preamble range, quoted thousands, ' --', '< 10%', totals rows dropped and checked", () => {
  const r = parse("google-ads-campaign-report.csv");
  assert.equal(r.format, "google-ads:ui");
  assert.equal(r.source, "google-ads");
  assert.deepEqual(errors(r), []);
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 2_500_350_000n,
    impressions: 1_246_912,
    clicks: 3501,
  });
  assert.deepEqual(r.rowLines, [4, 5, 6]);
  const first = r.rows[0];
  assert.equal(first?.campaign, "Brand, exact");
  assert.equal(first?.date_start, "2026-01-01");
  assert.equal(first?.date_end, "2026-01-31");
  assert.equal(first?.currency, "USD");
  assert.equal(r.rows[1]?.conversions, 1234.5);
  // Only "Total: Campaigns" sums the rows listed; Account and Search totals are other sets.
  assert.deepEqual(r.fileTotals, [
    { label: "Total: Campaigns", line: 7, measure: "cost", expected: 2500.35 },
    { label: "Total: Campaigns", line: 7, measure: "impressions", expected: 1246912 },
    { label: "Total: Campaigns", line: 7, measure: "clicks", expected: 3501 },
  ]);
});

test("Day-segmented .tsv: one row per day, conversion value as revenue", () => {
  const r = parse("google-ads-day-segmented.tsv");
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 40_790_000n,
    impressions: 3500,
    clicks: 35,
  });
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.date_end, x.ad_group]),
    [
      ["2026-03-01", "2026-03-01", "Shoes"],
      ["2026-03-02", "2026-03-02", "Shoes"],
      ["2026-03-03", "2026-03-03", "Bags"],
    ],
  );
  assert.equal(r.rows[0]?.revenue, 40_000_000n);
  assert.equal(r.rows[0]?.currency, "EUR");
  assert.deepEqual(r.fileTotals, []); // "Total: Account" covers more than the rows
});

test('\'Excel .csv\': UTF-16LE with BOM, tabs, CRLF, """phrase""" keywords, totals label in column 3', () => {
  const r = parse("google-ads-excel-utf16.csv");
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 164_230_000n,
    impressions: 10_737,
    clicks: 55,
  });
  assert.equal(r.rows[0]?.date_start, "2026-05-01");
  assert.equal(r.rows[0]?.date_end, "2026-05-08");
  assert.equal(r.rows[0]?.currency, "CAD");
  assert.deepEqual(
    r.fileTotals.map((t) => [t.label, t.measure, t.expected]),
    [
      ["Total: All but removed keywords", "cost", 164.23],
      ["Total: All but removed keywords", "impressions", 10737],
      ["Total: All but removed keywords", "clicks", 55],
    ],
  );
});

test(".xlsx download reads like the .csv", () => {
  const r = parse("google-ads-campaign-report.xlsx");
  assert.equal(r.format, "google-ads:ui");
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 300_000_000n,
    impressions: 17_345,
    clicks: 120,
  });
  assert.equal(r.rows[0]?.date_end, "2026-02-28");
  assert.deepEqual(r.rowLines, [4, 5]);
  assert.equal(r.fileTotals.find((t) => t.measure === "cost")?.expected, 300);
});

test("Month segment: each row keeps its month, clipped to the report's range", () => {
  const r = parse("google-ads-month-segmented.csv");
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.date_end]),
    [
      ["2026-01-15", "2026-01-31"],
      ["2026-02-01", "2026-02-10"],
    ],
  );
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 195_500_000n,
    impressions: 13_000,
    clicks: 130,
  });
});

test("API output: cost in micros, currency and time zone from the rows", () => {
  const r = parse("google-ads-api.csv");
  assert.equal(r.format, "google-ads:api");
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 36_802_467n,
    impressions: 3500,
    clicks: 115,
  });
  assert.equal(r.rows[0]?.account_timezone, "America/New_York");
  assert.equal(r.rows[0]?.account_id, "1234567890");
  assert.equal(r.rows[0]?.campaign_id, "111");
  assert.equal(r.rows[0]?.revenue, 99_500_000n);
});

test("a currency in the file that disagrees with --currency is a UserError", () => {
  assert.throws(
    () => parse("google-ads-day-segmented.tsv", { currency: "USD" }),
    (e: unknown) => e instanceof UserError && /EUR/.test(e.message) && /USD/.test(e.message),
  );
});

test("'All time' without a Day column: a UserError asking for the period, or --period", () => {
  const text = "Campaign report\nAll time\nCampaign,Impr.,Clicks,Currency code,Cost\nBrand,100,1,USD,1.00\n";
  const bytes = new TextEncoder().encode(text);
  assert.throws(
    () => parseReport(bytes, { fileName: "a.csv" }),
    (e: unknown) => e instanceof UserError && /--period/.test(e.message),
  );
  const r = parseReport(bytes, {
    fileName: "a.csv",
    period: { from: "2025-01-01", to: "2025-12-31" },
  });
  assert.equal(r.rows[0]?.date_start, "2025-01-01");
  assert.equal(r.rows[0]?.date_end, "2025-12-31");
});

test("--source google-ads forces the parser and explains why a file does not fit", () => {
  const r = parseReport(new TextEncoder().encode("a,b\n1,2\n"), {
    fileName: "x.csv",
    source: "google",
  });
  assert.equal(errors(r).length, 1);
  assert.match(errors(r)[0]?.message ?? "", /Google Ads: no 'Impr\.' column/);
});
