// Every export the project's fixtures and ../shared hold reads the same whichever way it goes: rows
// kept or streamed in column batches (a large file's import), and, for a delimited file, its records
// read as spans of the text (the fast scan) or split into cells. Platforms opt into streaming and the
// fast scan in their plans; this test holds them to it, file by file.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../domain/errors.js";
import type { ParsedReport, PlatformReachRow } from "../domain/spend.js";
import { type SpendColumns, spendRowsOf } from "../domain/spend-columns.js";
import { assertSame, readBoth } from "../test-support/platform-reads.js";
import { decodeReportText, isZipArchive } from "./decode.js";
import { sniffDelimitedText } from "./header.js";
import { parseReport } from "./index.js";
import { isKnownHeader } from "./known-headers.js";
import { PlatformRowBuilder } from "./platform-row-builder.js";
import { amazonAds } from "./platforms/amazon.js";
import { findPlatform } from "./platforms/registry.js";
import type { ParseOptions } from "./types.js";

const PROJECT = join(import.meta.dirname, "../../test/fixtures/ingest");
const SHARED = join(import.meta.dirname, "../../../shared/fixtures/exports");

type Extra = Omit<ParseOptions, "fileName">;

/**
 * The report and the options it parses with: none, or what it asks for as a user would give it
 * (--currency for a file that states none, --period for one without dates).
 */
function parsedWith(
  name: string,
  bytes: Uint8Array,
  onColumns?: (b: SpendColumns) => void,
  onReach?: (r: PlatformReachRow) => void,
): { report: ParsedReport; extra: Extra } {
  const extra: Extra = {};
  for (;;) {
    try {
      return { report: parseReport(bytes, { fileName: name, ...extra }, onColumns, onReach), extra };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      if (e.code === "missing_currency" && !extra.currency) extra.currency = "USD";
      else if (!extra.period && e.code !== "currency_mismatch") extra.period = { from: "2026-01-01", to: "2026-01-31" };
      else throw e;
    }
  }
}

function filesIn(dir: string): { name: string; bytes: Uint8Array }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(csv|tsv|xlsx)$/.test(f))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

function sortedReach(rows: readonly PlatformReachRow[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Records read as spans of the text (the fast scan) while `fn` runs. */
function fastRecordsIn<T>(fn: () => T): { value: T; fast: number } {
  const original = PlatformRowBuilder.prototype.spans;
  let fast = 0;
  PlatformRowBuilder.prototype.spans = function (this: PlatformRowBuilder, ...args: Parameters<typeof original>) {
    const taken = original.apply(this, args);
    if (taken) fast++;
    return taken;
  };
  try {
    return { value: fn(), fast };
  } finally {
    PlatformRowBuilder.prototype.spans = original;
  }
}

/**
 * One file: streamed equals kept through parseReport, and, when delimited, fast equals general.
 * Returns the rows read and how many records of the kept parse were read as spans.
 */
function checkFile(name: string, bytes: Uint8Array): { rows: number; fast: number } {
  const { value: kept, fast: fastRecords } = fastRecordsIn(() => parsedWith(name, bytes));
  const batches: SpendColumns[] = [];
  const reach: PlatformReachRow[] = [];
  const streamed = parsedWith(
    name,
    bytes,
    (b) => batches.push(b),
    (r) => reach.push(r),
  );
  assert.deepEqual(batches.flatMap(spendRowsOf), kept.report.rows, `${name}: streamed rows differ from kept rows`);
  // Reach rows come out as they are made, the row builder's first, then those a parser kept.
  assert.deepEqual(sortedReach(reach), sortedReach(kept.report.reach), `${name}: streamed reach rows differ from kept ones`);
  assert.deepEqual(streamed.report.reach, [], `${name}: the report keeps no reach rows it handed out`);
  const { rows: _r, rowLines: _l, reach: _h, ...keptRest } = kept.report;
  const { rows: _r2, rowLines: _l2, reach: _h2, ...streamedRest } = streamed.report;
  assert.deepEqual(streamedRest, keptRest, `${name}: streaming changed the report`);

  const parser = findPlatform(kept.report.source);
  if (parser && !isZipArchive(bytes)) {
    const { text } = decodeReportText(bytes);
    const { delimiter, headerIndex } = sniffDelimitedText(text, isKnownHeader);
    const fast = assertSame(parser, text, delimiter, headerIndex, kept.extra);
    assert.deepEqual(fast.rows, kept.report.rows, `${name}: the parser on its own reads other rows than parseReport`);
    const stream = readBoth(parser, text, delimiter, headerIndex, true, kept.extra).fast;
    assert.deepEqual(stream.rows, fast.rows, `${name}: the parser's streamed rows differ from its kept rows`);
  }
  return { rows: kept.report.rows.length, fast: fastRecords };
}

test("every project fixture reads the same streamed or kept, as spans or as cells", () => {
  const files = filesIn(PROJECT);
  assert.ok(files.length >= 23, `fixtures found: ${files.length}`);
  const read = new Map(files.map((f) => [f.name, checkFile(f.name, f.bytes)]));
  for (const [name, r] of read) assert.ok(r.rows > 0, `${name}: no rows`);
  // Records the fast scan reads, file by file (all but the first data record and totals rows), and
  // the files it cannot read: a plan with endOfData or cleanText, or no fastTotals.
  // The fixtures hold two or three data rows: the first is always read as cells.
  assert.deepEqual(Object.fromEntries([...read].map(([n, r]) => [n, r.fast])), {
    "adwords-api-campaign.csv": 2, // cost in micros, a "Total" row of " --"
    "amazon-ads-india.csv": 2, // "Rs.201.68": the sign read apart, on the spans too
    "amazon-sponsored-products.csv": 1,
    "cm360-report.csv": 0, // endOfData ("No data returned")
    "dv360-report.csv": 0, // endOfData (the blank row before the totals)
    "generic.xlsx": 0, // not a platform table
    "google-ads-api.csv": 2,
    "google-ads-campaign-report.csv": 2,
    "google-ads-campaign-report.xlsx": 0, // XLSX: cells
    "google-ads-day-segmented.tsv": 2,
    "google-ads-excel-utf16.csv": 1,
    "google-ads-month-segmented.csv": 1,
    "google-ads-pt-BR.csv": 2, // Portuguese names, "1.234,56"
    "linkedin-campaign-performance-en.csv": 1,
    "meta-day-age-gender.csv": 2,
    "meta-export.xlsx": 0,
    "meta-title-case.csv": 2,
    "microsoft-ads-report.csv": 0, // endOfData and cleanText
    "reddit-ads-api.csv": 1,
    "tiktok-ads-dash-totals.csv": 2, // a totals row of "-" where the ids and the time belong
    "tiktok-ads.csv": 2, // "Total of 2 campaigns" in the date column: told by its shape
    "tiktok-ads.xlsx": 0,
    "x-ads-api.csv": 2,
  });
});

const shared = filesIn(SHARED);

test("every shared real export reads the same streamed or kept, as spans or as cells", { skip: shared.length === 0 && "../shared/fixtures/exports is absent" }, () => {
  let rows = 0;
  for (const f of shared) rows += checkFile(f.name, f.bytes).rows;
  assert.ok(rows > 0);
});

test("a standard plan tells totals rows the same way fast as in cells (Amazon Ads CSV)", () => {
  const header = "Start Date,End Date,Campaign Name,Ad Group Name,Currency,Impressions,Clicks,Spend";
  const lines = [header];
  for (let i = 0; i < 30; i++) lines.push(`01/0${1 + (i % 9)}/2026,01/0${1 + (i % 9)}/2026,Camp ${i % 4},AG ${i % 3},USD,"${(1000 + i * 37).toLocaleString("en-US")}",${i},${(i * 1.25).toFixed(2)}`);
  lines.splice(5, 0, "Total,,,,USD,10,1,1.00"); // first cell
  lines.splice(9, 0, ",,Grand Total,,USD,10,1,1.00"); // first filled cell, later column
  lines.splice(12, 0, " -- ,Totals,,,USD,10,1,1.00"); // after a placeholder
  lines.push("01/09/2026,01/09/2026,Totally new,AG 1,USD,5,1,2.00"); // a name, not a totals row
  lines.push(",,,,USD,99,9,9.99"); // no label, no identity: a totals row by its shape
  lines.push(",,Total Wine,AG 1,USD,5,1,2.00"); // a name that starts with the word: a data row without dates
  const text = `${lines.join("\n")}\n`;
  const fast = assertSame(amazonAds, text, ",", 0);
  assert.equal(fast.rows.length, 31, "30 rows and 'Totally new'");
  assert.equal(fast.rows.at(-1)?.campaign, "Totally new");
  assert.deepEqual([...new Set(fast.issues.filter((i) => i.severity === "error").map((i) => i.line))], [37]);
  // Every totals row is checked against the rows' sum, the one told by its shape too.
  assert.deepEqual(
    [...new Set(fast.fileTotals.map((t) => `${t.line} ${t.label}`))],
    ["6 Total", "10 Grand Total", "13 Totals", "36 totals row"],
  );
});

test("Amazon, Reddit, TikTok, X, CM360, DV360, LinkedIn and Microsoft exports hand their rows out while they are read", () => {
  // A batch handed out from inside the row builder (not after the parse, from the kept rows) is
  // streamed: the store writes it while the rest of the file is parsed.
  const fromBuilder: Record<string, boolean[]> = {};
  for (const f of filesIn(PROJECT).filter((x) => /^(amazon|reddit|tiktok|x-ads|cm360|dv360|linkedin|microsoft)/.test(x.name))) {
    const seen: boolean[] = [];
    parsedWith(f.name, f.bytes, () => seen.push((new Error().stack ?? "").includes("PlatformRowBuilder")));
    fromBuilder[f.name] = seen;
  }
  assert.deepEqual(Object.keys(fromBuilder), [
    "amazon-ads-india.csv",
    "amazon-sponsored-products.csv",
    "cm360-report.csv",
    "dv360-report.csv",
    "linkedin-campaign-performance-en.csv",
    "microsoft-ads-report.csv",
    "reddit-ads-api.csv",
    "tiktok-ads-dash-totals.csv",
    "tiktok-ads.csv",
    "tiktok-ads.xlsx",
    "x-ads-api.csv",
  ]);
  for (const [name, seen] of Object.entries(fromBuilder)) assert.deepEqual(seen, [true], `${name}: one batch, from the builder`);
});
