// Conformance: every real export in ../shared/fixtures/exports parses, and its sums match what the
// file itself says. Expected figures are read here, independently of the parser, by a naive split
// of the file's own lines: its totals row where it has one, else the sum of its data lines.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { UserError } from "../domain/errors.js";
import type { ParsedReport } from "../domain/spend.js";
import { parseReport } from "./index.js";
import type { ParseOptions } from "./types.js";

const DIR = new URL("../../../shared/fixtures/exports/", import.meta.url);
const present = existsSync(fileURLToPath(DIR));

const bytesOf = (name: string) => readFileSync(new URL(name, DIR));
const textOf = (name: string) => {
  const b = bytesOf(name);
  return b[0] === 0xff && b[1] === 0xfe ? new TextDecoder("utf-16le").decode(b.subarray(2)) : new TextDecoder().decode(b).replace(/^\ufeff/, "");
};

/** A naive quote-aware split of one line (the files' quoted fields hold no line breaks). */
function split(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

interface Sheet {
  header: string[];
  /** Every line below the header, split. */
  body: string[][];
}

function sheet(name: string, headerLine: number): Sheet {
  const lines = textOf(name).split(/\r?\n/);
  const sep = (lines[headerLine - 1] ?? "").includes("\t") ? "\t" : ",";
  return {
    header: split(lines[headerLine - 1] ?? "", sep).map((h) => h.trim()),
    body: lines
      .slice(headerLine)
      .filter((l) => l.trim() !== "")
      .map((l) => split(l, sep)),
  };
}

const num = (cell: string | undefined, decimalComma = false) => {
  const t = (cell ?? "").trim();
  if (t === "" || t === "--") return 0;
  return Number(decimalComma ? t.replace(/\./g, "").replace(",", ".") : t.replace(/,/g, ""));
};

/** The cells of a column, by header name, for the rows `pick` keeps. */
function column(s: Sheet, name: string, pick: (row: string[]) => boolean): string[] {
  const i = s.header.indexOf(name);
  assert.ok(i >= 0, `no column ${name}`);
  return s.body.filter(pick).map((r) => r[i] ?? "");
}

const isTotal = (row: string[]) => row.some((c) => /^(Total:|Search total|Audience total|Performance Max total)/.test(c.trim()));
const data = (row: string[]) => !isTotal(row);
const sum = (cells: string[], decimalComma = false) => cells.reduce((s, c) => s + num(c, decimalComma), 0);

function parsed(name: string, opts: Partial<ParseOptions> = {}): ParsedReport {
  return parseReport(bytesOf(name), { fileName: name, ...opts });
}

function sums(r: ParsedReport) {
  return {
    rows: r.rows.length,
    cost: Number(r.rows.reduce((s, x) => s + x.cost, 0n)) / 1e6,
    impressions: r.rows.reduce((s, x) => s + x.impressions, 0),
    clicks: r.rows.reduce((s, x) => s + x.clicks, 0),
  };
}

const errors = (r: ParsedReport) => r.issues.filter((i) => i.severity === "error");
const cents = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 0.0100001, `${what}: ${a} vs ${b}`);

/** Google Ads: the first totals row (e.g. "Total: Campaigns") against the parsed rows. */
function checkGoogle(name: string, totalLabel: string, clicksColumn: string, opts: Partial<ParseOptions> = {}, rows?: number) {
  const r = parsed(name, opts);
  assert.equal(r.format, "google-ads:ui");
  assert.deepEqual(errors(r), []);
  const s = sheet(name, 3);
  const label = (row: string[]) => row.some((c) => c.trim() === totalLabel);
  const got = sums(r);
  cents(got.cost, num(column(s, "Cost", label)[0]), `${name} cost`);
  assert.equal(got.impressions, num(column(s, "Impr.", label)[0]), `${name} impressions`);
  assert.equal(got.clicks, num(column(s, clicksColumn, label)[0]), `${name} clicks`);
  assert.equal(got.rows, rows ?? s.body.filter(data).length);
  assert.equal(r.fileTotals.find((t) => t.measure === "impressions")?.label, totalLabel);
}

const files = present ? readdirSync(fileURLToPath(DIR)).filter((f) => f.endsWith(".csv")) : [];

test("every real export is covered by this test", {
  skip: !present && "../shared/fixtures/exports is absent",
}, () => {
  assert.equal(files.length, 18);
});

test("Google Ads UI exports add up to their own totals rows", {
  skip: !present && "../shared/fixtures/exports is absent",
}, () => {
  checkGoogle("google_ads__Clinic_Marketing_Agency__Campaign_report.csv", "Total: Campaigns", "Clicks");
  checkGoogle("google_ads__campaign-performance-analyzer__Campaign_report.csv", "Total: Campaigns", "Interactions");
  checkGoogle("google_ads__cp-mktg-google-ads-i__Ad_report-_22nd_Jan.csv", "Total: All but removed ads", "Interactions");
  checkGoogle("google_ads__cp-mktg-google-ads-i__Campaign_report.csv", "Total: Campaigns", "Clicks", { period: { from: "2023-01-01", to: "2026-01-22" } });
  checkGoogle("google_ads__towing-no-1__Search_keyword_report_UTF16.csv", "Total: All but removed keywords", "Clicks");
  checkGoogle("google_ads__towing-no-1__Search_terms_report_UTF16.csv", "Total: Search terms", "Clicks");
});

test("Google Ads: the preamble's date range dates the rows; 'All time' needs --period", {
  skip: !present && "absent",
}, () => {
  const r = parsed("google_ads__Clinic_Marketing_Agency__Campaign_report.csv");
  assert.deepEqual([r.rows[0]?.date_start, r.rows[0]?.date_end, r.rows[0]?.currency], ["2026-03-27", "2026-04-23", "EUR"]);
  const names = sheet("google_ads__Clinic_Marketing_Agency__Campaign_report.csv", 3)
    .body.filter(data)
    .map((row) => row[1]);
  assert.deepEqual(
    r.rows.map((x) => x.campaign),
    names,
  );
  assert.match(r.rows[2]?.campaign ?? "", /^[\u0370-\u03ff ]+$/); // Greek, decoded as UTF-8
  const ca = parsed("google_ads__towing-no-1__Search_keyword_report_UTF16.csv");
  assert.deepEqual([ca.rows[0]?.date_start, ca.rows[0]?.date_end], ["2026-05-01", "2026-05-08"]);
  const name = "google_ads__xcarz__Search_keyword_report_UTF16_head30.csv";
  assert.throws(() => parsed(name), UserError);
  const x = parsed(name, { period: { from: "2024-01-01", to: "2024-12-31" } });
  const s = sheet(name, 3);
  assert.deepEqual(sums(x), {
    rows: 27,
    cost: sum(column(s, "Cost", data)),
    impressions: sum(column(s, "Impr.", data)),
    clicks: sum(column(s, "Interactions", data)),
  });
  assert.equal(x.rows[0]?.ad_group, "ALL SERVICES");
});

test("Meta exports: summary row totals, data sums, dd/mm dates, and the corrupt row", {
  skip: !present && "absent",
}, () => {
  const main = "meta__meta-ads-report-generator__rmoda-studio-bsd-bulan-ini-main-report.csv";
  const m = parsed(main);
  const ms = sheet(main, 1);
  const summary = (row: string[]) => row[0] === "" && row[1] === "";
  assert.deepEqual(sums(m), {
    rows: 10,
    cost: num(column(ms, "Amount spent (IDR)", summary)[0]),
    impressions: num(column(ms, "Impressions", summary)[0]),
    clicks: num(column(ms, "Link clicks", summary)[0]),
  });
  assert.equal(m.reach.length, 11);
  assert.equal(m.rows[0]?.currency, "IDR");

  for (const [name, rows] of [
    ["meta__meta-ads-report-generator__ayyuwa-bulan-lalu.csv", 5],
    ["meta__meta-ads-report-generator__rmoda-workshop-bulan-ini-age-gender.csv", 19],
    ["meta__Meta-Ads-Reporting-and-Analysis-Tool__monthly-jan-final.csv", 29],
  ] as const) {
    const r = parsed(name);
    const s = sheet(name, 1);
    const cost = s.header.find((h) => h.startsWith("Amount spent")) as string;
    assert.deepEqual(errors(r), [], name);
    assert.equal(r.rows.length, rows, name);
    cents(sums(r).cost, sum(column(s, cost, data)), name);
    assert.equal(sums(r).impressions, sum(column(s, "Impressions", data)), name);
    assert.equal(sums(r).clicks, sum(column(s, "Link clicks", data)), name);
  }
  const jan = parsed("meta__Meta-Ads-Reporting-and-Analysis-Tool__monthly-jan-final.csv");
  assert.deepEqual([jan.rows[0]?.date_start, jan.rows[0]?.date_end, jan.rows[0]?.gender, jan.rows[0]?.age], ["2025-01-01", "2025-01-31", "female", "25-34"]);

  const lingerie = parsed("meta__Meta-Ads-Reporting-and-Analysis-Tool__campain_add_data_lingerie.csv");
  assert.deepEqual(
    errors(lingerie).map((i) => [i.line, i.column]),
    [[3, "Amount spent (GBP)"]],
  );
  assert.equal(lingerie.rows.length, 27);
  assert.ok(!lingerie.rowLines.includes(3));
  assert.equal(lingerie.fileTotals.find((t) => t.measure === "cost")?.expected, 141158.75);
});

test("LinkedIn: pt-BR UTF-16 export sums; a preamble with no rows", {
  skip: !present && "absent",
}, () => {
  const name = "linkedin__jbt_campaigns_automation__linkedin_09_ptBR_UTF16.csv";
  const r = parsed(name);
  const s = sheet(name, 1);
  assert.equal(r.format, "linkedin:campaign-manager");
  assert.deepEqual(errors(r), []);
  const got = sums(r);
  assert.equal(got.rows, 5);
  cents(got.cost, sum(column(s, "Total investido", data), true), "cost");
  assert.equal(got.impressions, sum(column(s, "Impressões", data), true));
  assert.equal(got.clicks, sum(column(s, "Cliques", data), true));
  assert.equal(r.rows[0]?.date_start, "2023-09-01");
  const empty = parsed("linkedin__robbytrinidad__creative_performance_report.csv");
  assert.equal(empty.format, "linkedin:campaign-manager");
  assert.deepEqual([empty.rows.length, errors(empty).length], [0, 0]);
});

test("Microsoft Advertising: grid (needs --currency, --period), docs example, hourly API rows", {
  skip: !present && "absent",
}, () => {
  const grid = "bing_ui__jbt_campaigns_automation__bing_08.csv";
  assert.throws(() => parsed(grid), UserError);
  const g = parsed(grid, {
    currency: "USD",
    period: { from: "2023-08-01", to: "2023-08-31" },
  });
  const s = sheet(grid, 1);
  assert.deepEqual(sums(g), {
    rows: 2,
    cost: sum(column(s, "Spend", data)),
    impressions: sum(column(s, "Impr.", data)),
    clicks: sum(column(s, "Clicks", data)),
  });
  assert.equal(g.rows[0]?.campaign_id, "436534626");

  const docs = parsed("bing__MicrosoftDocs-Advertising__guides-reports-md-example.csv");
  assert.equal(docs.format, "microsoft-ads:report");
  assert.deepEqual(
    errors(docs).map((i) => i.line),
    [11],
  );
  assert.match(errors(docs)[0]?.message ?? "", /Spend.*Impressions/);

  const hourly = "bing_api__airbyte__campaign_performance_report_hourly_head.csv";
  const h = parsed(hourly);
  const hs = sheet(hourly, 1);
  assert.deepEqual(sums(h), {
    rows: 1,
    cost: sum(column(hs, "Spend", data)),
    impressions: sum(column(hs, "Impressions", data)),
    clicks: sum(column(hs, "Clicks", data)),
  });
  assert.deepEqual([h.rows[0]?.date_start, h.rows[0]?.currency, h.rows[0]?.campaign], ["2023-11-11", "USD", "Airbyte test"]);
});

test("CM360 excerpt: recognised from its preamble, no data rows", {
  skip: !present && "absent",
}, () => {
  const r = parsed("cm360__googleads-dfa-reporting-samples__issue12-preamble-excerpt.csv");
  assert.equal(r.format, "cm360");
  assert.deepEqual([r.rows.length, errors(r).length], [0, 0]);
});
