// The table and CSV `cpi report` prints, from a report built by hand: column widths in code points,
// money and counts as en-US writes them, untrusted campaign names defused (table) or quoted (CSV), and
// the chunks a long report is written in adding up to the same text as one string.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Report, ReportRow } from "../../src/app/report.js";
import { reportCsv, reportTable, writeReportCsv, writeReportTable } from "../../src/cli/commands/report.js";
import { withoutControls } from "../../src/cli/io.js";
import type { MetricName } from "../../src/domain/metrics.js";

const METRICS: MetricName[] = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr"];
const TOTALS = { cost: 0n, revenue: 0n, impressions: 0, clicks: 0, conversions: 0, viewable_impressions: 0, measurable_impressions: 0 };

/** A row with these metric values (cost in currency units; cpi, cpm and ctr follow from them). */
function row(keys: string[], cost: number, impressions: number, clicks: number): ReportRow {
  const per = (n: number) => (impressions ? n / impressions : null);
  return { keys, totals: TOTALS, values: { cost, impressions, clicks, cpi: per(cost), cpm: per(1000 * cost), ctr: per(clicks) } };
}

function report(rows: ReportRow[]): Report {
  const sum = (m: "cost" | "impressions" | "clicks") => rows.reduce((t, r) => t + (r.values[m] ?? 0), 0);
  return {
    query: { metrics: METRICS, dimensions: ["campaign", "day"], filters: [] },
    dimensions: ["campaign", "day"],
    metrics: METRICS,
    currency: "USD",
    rows,
    total: row(["", ""], sum("cost"), sum("impressions"), sum("clicks")),
    warnings: [],
  };
}

test("a report's table and CSV, cell by cell: widths, money, counts, percentages and hostile names", () => {
  const r = report([
    row(["Brand, \"Q4\"", "2026-10-01"], 1234.5, 100_000, 1234),
    row(["Café 😀", "2026-10-01"], 0.5, 0, 0),
    row(["Evil\u001b[31mRED\nline", "2026-10-02"], 1_000_000.125, 123_456_789, 98_765),
  ]);
  const table = [
    "campaign           day                  Cost  Impressions  Clicks      CPI     CPM     CTR",
    "─────────────────  ──────────  ─────────────  ───────────  ──────  ───────  ──────  ──────",
    'Brand, "Q4"        2026-10-01      $1,234.50      100,000   1,234  $0.0123  $12.35  1.23 %',
    `Café 😀${" ".repeat(11)}  2026-10-01          $0.50            0       0        —       —       —`,
    "Evil\uFFFD[31mRED line  2026-10-02  $1,000,000.13  123,456,789  98,765  $0.0081   $8.10  0.08 %",
    "─────────────────  ──────────  ─────────────  ───────────  ──────  ───────  ──────  ──────",
    "Total                          $1,001,235.13  123,556,789  99,999  $0.0081   $8.10  0.08 %",
    "",
  ].join("\n");
  assert.equal(reportTable(r), table);
  const csv = [
    "campaign,day,cost,impressions,clicks,cpi,cpm,ctr",
    '"Brand, ""Q4""",2026-10-01,1234.5,100000,1234,0.012345,12.345,0.01234',
    "Café 😀,2026-10-01,0.5,0,0,,,",
    `"Evil\u001b[31mRED\nline",2026-10-02,1000000.125,123456789,98765,${1_000_000.125 / 123_456_789},${1_000_000_125 / 123_456_789},${98_765 / 123_456_789}`,
    "",
  ].join("\n");
  assert.equal(reportCsv(r), csv);
  // What the process prints: the CSV keeps the line break inside its quotes, the ESC becomes U+FFFD.
  assert.equal(withoutControls(reportCsv(r), false), csv.replace("\u001b", "\uFFFD"));
});

test("a long report is written in chunks of whole lines that add up to the one-string text", () => {
  const rows: ReportRow[] = [];
  for (let i = 0; i < 2500; i++) rows.push(row([`Campaign ${i % 37}${i % 500 === 0 ? " 😀" : ""}`, `2026-${String(1 + (i % 12)).padStart(2, "0")}-01`], (i * 7919) % 100_000, (i * 31) % 50_000, (i * 17) % 700));
  const r = report(rows);
  for (const [write, whole] of [
    [writeReportTable, reportTable(r)],
    [writeReportCsv, reportCsv(r)],
  ] as const) {
    const chunks: string[] = [];
    write(r, (c) => chunks.push(c));
    assert.ok(chunks.length >= 3, "more than one chunk of rows");
    for (const c of chunks) assert.ok(c.endsWith("\n"), "each chunk ends a line");
    assert.equal(chunks.join(""), whole);
  }
  // Every row of the table as wide as the header (the widest cell of each column sets it).
  const lines = reportTable(r).trimEnd().split("\n");
  assert.equal(lines.length, 2500 + 4);
  const width = (s: string) => [...s].length;
  const header = lines[0] as string;
  for (const l of lines.slice(2, -2)) assert.equal(width(l), width(header), l);
});
