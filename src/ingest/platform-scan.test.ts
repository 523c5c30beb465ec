// The fast scan of delimited platform exports (platform-scan.ts, span-cells.ts) must read exactly
// what the general way (each record split into cells) reads: the same rows, lines, reach rows, file
// totals and issues, in row objects and in streamed column batches, for every awkward cell.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ParsedReport } from "../domain/spend.js";
import { assertSame } from "../test-support/platform-reads.js";
import { mulberry32 } from "../test-support/random-spend.js";
import { parseReport } from "./index.js";
import { delimitedBody, scanDelimited } from "./platform-scan.js";
import { amazonAds } from "./platforms/amazon.js";
import { googleAds } from "./platforms/google-ads.js";
import { linkedin } from "./platforms/linkedin.js";
import { meta } from "./platforms/meta.js";
import { tiktok } from "./platforms/tiktok.js";

const GOOGLE_HEADER = ["Day", "Campaign", "Campaign ID", "Ad group", "Currency code", "Impr.", "Clicks", "Cost", "Conversions", "Conv. value"];

test("Google Ads: the fast scan reads awkward cells, quotes, line ends and totals rows as the general way does", () => {
  const rows = [
    ["2026-03-01", "Brand", "101", "AG 1", "USD", "1,234", "12", "1,234.56", "2.00", " --"],
    ["2026-03-01", "Brand", "101", "AG 1b", "USD", "2,345", '"1,002"', '"2,345.60"', "1.50", "3"],
    ["2026-03-01", '"Brand, EU"', "102", '"AG ""quoted"""', "USD", '"12,345"', '"1,001"', '"12,345.67"', "0.50", '"1,000.25"'],
    ["2026-03-02", '"multi\nline"', "103", "AG 3", "USD", "5", "--", "-", "", "7"],
    ["2026-03-02", "Stray\rCR", "104", "AG 4", "USD", "5", "1", "1.00", "0", "0"],
    ["2026-03-03", "\u00a0Padded\u00a0", " 105 ", " AG 5 ", " usd ", " 7 ", "1", "0.1234567", "1234567890123456", "007.5"],
    ["2026-03-03", "Bucket", "106", "AG 6", "USD", "<5", "12.5", "-3.00", "abc", "012,345"],
    ["31/02/2026", "Bad date", "107", "AG 7", "EUR", "10", "1", "1.00", "1", "1"],
    ["2026-03-04", "Short row", "108", "AG 8", "USD", "10"],
    ["2026-03-04", "Long row", "109", "AG 9", "USD", "10", "1", "1.00", "1", "1", "extra"],
    ["2026-03-04", "Blank tail", "110", "AG 10", "USD", "10", "1", "1.00", "1", "1", "", " "],
    [],
    ["", "", "", "", "", "", "", "", "", ""],
    [" ", "\u00a0", "", "", "", "", "", "", "", ""],
    ["2026-03-05", "(not set)", "111", "n/a", "", "1,23", "1,234,567,890,123,456", "1,234,567,890.00", "1.5", "2"],
    ["", "No day", "112", "AG 12", "USD", "1", "1", "1.00", "1", "1"],
    ["2026-03-05", "Total", "113", "AG 13", "USD", "1", "1", "1.00", "1", "1"],
    ["2026-03-06", "Last", "114", "AG 14", "USD", "1", "0", "0.00", "0", "0"],
    [" --", "Total: All but removed ad groups", " --", " --", "USD", '"13,621"', '"1,029"', '"13,586.35"', "3.00", '"1,007.25"'],
    ["", "Total: Account", "", "", "USD", '"13,621"', '"1,029"', '"13,586.35"', "3.00", '"1,007.25"'],
  ];
  for (const [delimiter, eol] of [
    ["\t", "\r\n"],
    [",", "\n"],
    ["\t", "\n"],
  ] as const) {
    const lines = ["Ad group report", "1 March 2026 - 6 March 2026", GOOGLE_HEADER.join(delimiter), ...rows.map((r) => r.join(delimiter))];
    // Tabs and LF: without the stray CR too, so the text is read line by line (see scanDelimited).
    const joined = `${lines.join(eol)}${eol}`;
    const text = delimiter === "\t" && eol === "\n" ? joined.replaceAll("\r", "") : joined;
    const fast = assertSame(googleAds, text, delimiter, 2);
    assert.ok(fast.rows.length >= 5, `some rows are read (${fast.rows.length})`);
    assert.ok(fast.issues.some((i) => i.message.includes("is not a date")));
    assert.ok(fast.fileTotals.length > 0, "the first totals row is checked");
    // An unterminated quote at the end is reported once, on its line, either way.
    assertSame(googleAds, `${text}2026-03-07${delimiter}"never closed${delimiter}1${eol}`, delimiter, 2);
  }
});

test("Meta Ads Manager: the summary row, quoted names and reach rows are the same read fast", () => {
  const header = ["Campaign name", "Ad set name", "Day", "Reach", "Impressions", "Frequency", "Amount spent (USD)", "Link clicks", "Reporting starts", "Reporting ends"];
  const lines = [header.join(","), ",,,900,2000,2.22222222,30.50,40,2026-03-01,2026-03-02"];
  const rnd = mulberry32(3);
  for (let i = 0; i < 400; i++) {
    const day = `2026-03-0${1 + (i % 2)}`;
    const impressions = 1 + Math.floor(rnd() * 3000);
    const reach = Math.max(1, Math.floor(impressions / (1 + rnd())));
    lines.push(
      [`"Spring, EU ${i % 3}"`, `Set ${i % 7}`, day, reach, impressions, (impressions / reach).toFixed(8), (rnd() * 50).toFixed(2), Math.floor(rnd() * 40), day, day].join(","),
    );
  }
  const fast = assertSame(meta, `\ufeff${lines.join("\n")}\n`.slice(1), ",", 0);
  assert.equal(fast.rows.length, 400);
  assert.equal(fast.reach?.length, 401, "one reach row per ad set row, and the summary row's");
  assert.deepEqual(
    fast.fileTotals.map((t) => t.measure),
    ["cost", "impressions", "clicks"],
  );
});

const TOKENS = ["1", "12", "1,234", '"1,234"', "1,234.5", '"1,234.56"', "0.5", "", " ", " --", "-", "--", "<5", "abc", "1.1234567", "12.", ".5", "-2", "007",
  "1,23", "9999999999", "123456789012345678", '"a""b"', '"x\ny"', "a\rb", "(not set)", "\u00a0v\u00a0", "USD", "eur", "2026-03-01", "03/01/2026",
  '"$1,234.56"', "$0.5", "$12", "$", "$ 12", "$-3", "$--", '"$01,234"', "€12.50", "£7", "12$", "US$5", "$.5", "$1.", "¥1234567890123456"];

test("a thousand random Google Ads records of awkward cells read the same fast and as cells", () => {
  const rnd = mulberry32(42);
  const pick = () => TOKENS[Math.floor(rnd() * TOKENS.length)] as string;
  const lines = ["Campaign report", "1 March 2026 - 31 March 2026", GOOGLE_HEADER.join("\t")];
  for (let i = 0; i < 1000; i++) {
    const cells = ["2026-03-01", `Camp ${i % 9}`, String(i % 9), `AG ${i % 4}`, "USD", String(i), "1", "1.00", "0", "0"];
    // One to three cells replaced by awkward ones, now and then a field more or less.
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) cells[Math.floor(rnd() * cells.length)] = pick();
    if (rnd() < 0.03) cells.pop();
    if (rnd() < 0.03) cells.push(pick());
    lines.push(cells.join("\t"));
  }
  // Text with CRs is read character by character, text without line by line with indexOf: both ways.
  for (const eol of ["\r\n", "\n"]) {
    const text = `${lines.join(eol)}${eol}`;
    const fast = assertSame(googleAds, eol === "\n" ? text.replaceAll("\r", "") : text, "\t", 2);
    assert.ok(fast.rows.length > 300, `most records make rows (${fast.rows.length})`);
    assert.ok(fast.issues.length > 100, `and many make issues (${fast.issues.length})`);
  }
});

test("a thousand random Meta records of awkward cells read the same fast and as cells", () => {
  const rnd = mulberry32(7);
  const pick = () => TOKENS[Math.floor(rnd() * TOKENS.length)] as string;
  const header = ["Campaign name", "Ad set name", "Day", "Age", "Reach", "Impressions", "Frequency", "Amount spent (USD)", "Link clicks", "Reporting starts", "Reporting ends"];
  const lines = [header.join(","), ",,,,900,2000,2.22,30.50,40,2026-03-01,2026-03-01"];
  for (let i = 0; i < 1000; i++) {
    const cells = [`"C, ${i % 4}"`, `S ${i % 6}`, "2026-03-01", i % 5 === 0 ? "25-34" : "", "10", "20", "2.00000000", "1.25", "1", "2026-03-01", "2026-03-01"];
    for (let k = Math.floor(rnd() * 3); k > 0; k--) cells[Math.floor(rnd() * cells.length)] = pick();
    if (rnd() < 0.02) cells.fill("");
    lines.push(cells.join(","));
  }
  for (const eol of ["\n", "\r\n"]) {
    const text = `${lines.join(eol)}${eol}`;
    const fast = assertSame(meta, eol === "\n" ? text.replaceAll("\r", "") : text, ",", 0);
    assert.ok(fast.rows.length > 300, `most records make rows (${fast.rows.length})`);
    assert.ok((fast.reach?.length ?? 0) > 200, `and reach rows (${fast.reach?.length})`);
  }
});

test("a thousand random Amazon Ads records ($ money, either decimal mark) read the same fast and as cells", () => {
  const header = ["Start Date", "End Date", "Campaign Name", "Ad Group Name", "Currency", "Impressions", "Clicks", "Spend", "7 Day Total Sales"];
  const EU = ['"1.234,56"', '"12,5"', '"0,50"', '"€12,50"', "€7", "1.234", "12.5", '"1,234.56"'];
  for (const [seed, money, extra] of [
    [11, ['"$1,234.56"', "$0.50", "$12"], [] as string[]],
    [12, ['"1.234,56"', '"12,50"', '"€0,99"'], EU],
  ] as const) {
    const rnd = mulberry32(seed);
    const tokens = [...TOKENS, ...extra];
    const pick = () => tokens[Math.floor(rnd() * tokens.length)] as string;
    const lines = [header.join(",")];
    for (let i = 0; i < 1000; i++) {
      const day = `03/0${1 + (i % 9)}/2026`;
      const cells = [day, day, `Camp ${i % 5}`, `AG ${i % 3}`, seed === 11 ? "USD" : "EUR", String(100 + i), String(i % 7), money[i % 3] as string, money[(i + 1) % 3] as string];
      for (let k = Math.floor(rnd() * 3); k > 0; k--) cells[Math.floor(rnd() * cells.length)] = pick();
      lines.push(cells.join(","));
    }
    const fast = assertSame(amazonAds, `${lines.join("\n")}\n`, ",", 0);
    assert.ok(fast.rows.length > 300, `most records make rows (${fast.rows.length}, seed ${seed})`);
    // Money as written in each locale, 1,234.56 and 0.50 or 0.99, in micros.
    const costs = new Set(fast.rows.map((r) => r.cost));
    assert.ok(costs.has(1_234_560_000n) && (costs.has(500_000n) || costs.has(990_000n)), `seed ${seed}: ${[...costs].slice(0, 5)}`);
  }
});

test("a thousand random TikTok records with totals rows of '-', currency signs and no-break spaces read the same fast and as cells", () => {
  // Totals rows are told by their shape (labels or placeholders where identities belong), and money
  // cells carry signs ("Rs.", "₹", "R$", "US$", trailing "zł") checked against the row's currency.
  const header = ["Campaign name", "Campaign ID", "Time", "Currency", "Cost", "Impressions", "Clicks (destination)", "Conversions"];
  const awkward = ["-", "--", "", "Total", "Total of 3 campaigns", "Totally new", "Rs.201.68", '"Rs.1,034.50"', "₹12", "R$ 5", '"1\u00a0234"', '"1\u202f234,56"', "12,50 €", "US$5", "5 zł", "INR", "USD", "<5"];
  for (const [seed, currency] of [
    [31, "INR"],
    [32, "USD"],
  ] as const) {
    const rnd = mulberry32(seed);
    const pick = () => (rnd() < 0.5 ? awkward : TOKENS)[Math.floor(rnd() * (rnd() < 0.5 ? awkward.length : TOKENS.length))] ?? "-";
    const lines = [header.join(",")];
    for (let i = 0; i < 1000; i++) {
      const cells = [`Camp ${i % 6}`, String(1700 + (i % 6)), `2026-05-0${1 + (i % 9)}`, currency, currency === "INR" ? `Rs.${i % 40}.50` : (i % 40).toFixed(2), String(100 + i), String(i % 9), "0"];
      for (let k = Math.floor(rnd() * 3); k > 0; k--) cells[Math.floor(rnd() * cells.length)] = pick();
      // Now and then a totals row as TikTok writes it: "-" where the ids and the time belong.
      if (rnd() < 0.02) cells.splice(0, 3, "Total", "-", "-");
      lines.push(cells.join(","));
    }
    const fast = assertSame(tiktok, `${lines.join("\n")}\n`, ",", 0);
    assert.ok(fast.rows.length > 300, `most records make rows (${fast.rows.length}, seed ${seed})`);
    assert.ok(fast.fileTotals.length > 0, `totals rows are told by their shape (seed ${seed})`);
    assert.ok(fast.issues.some((i) => /is written in/.test(i.message)), `a sign of another currency is refused (seed ${seed})`);
  }
});

test("plans with row hooks read the same fast: Google Ads by month with ads named by headline, LinkedIn start dates, Meta Platform and Placement", () => {
  const rnd = mulberry32(21);
  const pick = () => TOKENS[Math.floor(rnd() * TOKENS.length)] as string;
  const spoil = (cells: string[]) => {
    for (let k = Math.floor(rnd() * 3); k > 0; k--) cells[Math.floor(rnd() * cells.length)] = pick();
    return cells;
  };
  // Google Ads: rowRange from the Month column, derive naming the ad by its first headline.
  const google = ["Ad report", '"January 1, 2026 - March 31, 2026"', ["Month", "Campaign", "Ad group", "Ad", "Headline 1", "Currency code", "Impr.", "Clicks", "Cost"].join("\t")];
  const months = ["January 2026", "February 2026", "March 2026", "Jan 2026", "2026-02", "13/2026", ""];
  for (let i = 0; i < 1000; i++) {
    const ad = i % 3 === 0 ? "" : ` --`;
    google.push(spoil([months[i % months.length] as string, `C ${i % 4}`, `AG ${i % 3}`, i % 5 === 0 ? `Ad ${i}` : ad, i % 7 ? `Headline ${i % 11}` : " --", "USD", String(i), "1", "1.00"]).join("\t"));
  }
  const g = assertSame(googleAds, `${google.join("\r\n")}\r\n`, "\t", 2);
  assert.ok(g.rows.some((r) => r.ad.startsWith("Headline")) && g.rows.some((r) => r.date_end.endsWith("-31")), "headline names and month ranges are read");

  // LinkedIn: rowRange from the start dates (monthly when every start is a first of month).
  const linkedinLines = [["Start Date (in UTC)", "Account Name", "Currency", "Campaign Name", "Campaign ID", "Total Spent", "Impressions", "Clicks"].join("\t")];
  for (let i = 0; i < 1000; i++) {
    linkedinLines.push(spoil([`${1 + (i % 3)}/1/2026`, "Acme", "USD", `Camp ${i % 6}`, String(500 + (i % 6)), (i % 50).toFixed(2), String(i * 3), String(i % 9)]).join("\t"));
  }
  const l = assertSame(linkedin, `${linkedinLines.join("\n")}\n`, "\t", 0);
  assert.ok(l.rows.length > 300 && l.rows.some((r) => r.date_end === "2026-01-31"), `monthly rows are read (${l.rows.length})`);
  // Without a CR anywhere, records are cut at line ends first (readLine), in the pre-pass too; a quote
  // that never closes at the end is reported once.
  const lfOnly = linkedinLines.map((x) => x.replaceAll("\r", " "));
  const lf = assertSame(linkedin, `${lfOnly.join("\n")}\n3/1/2026\tAcme\tUSD\t"Camp open\t1\t1\t1\t1\n`, "\t", 0);
  assert.ok(lf.rows.length > 300, `LF-only records are read (${lf.rows.length})`);
  assert.equal(lf.unterminated.length, 1, "the open quote is reported once");

  // Meta: derive names the placement with its platform.
  const metaLines = [["Campaign name", "Platform", "Placement", "Impressions", "Amount spent (USD)", "Reporting starts", "Reporting ends"].join(",")];
  const platforms = ["Facebook", "Instagram", "(not set)", "", "Audience Network"];
  for (let i = 0; i < 1000; i++) {
    metaLines.push(spoil([`C ${i % 4}`, platforms[i % platforms.length] as string, ["Feed", "Stories", "Instagram Stories", ""][i % 4] as string, String(i), "1.25", "2026-03-01", "2026-03-01"]).join(","));
  }
  const m = assertSame(meta, `${metaLines.join("\n")}\n`, ",", 0);
  assert.ok(m.rows.some((r) => r.placement === "Instagram Feed"), "platform and placement are joined");
});

test("parseReport reads a Google Ads export fast from the file's bytes: rows, lines and totals as stated", () => {
  const lines = ["Ad group report", "1 March 2026 - 2 March 2026", GOOGLE_HEADER.join("\t")];
  for (let i = 0; i < 3000; i++) lines.push(["2026-03-01", `C ${i % 5}`, String(i % 5), `AG ${i}`, "USD", '"1,000"', "10", '"1,000.50"', "1.00", " --"].join("\t"));
  lines.push([" --", "Total: Ad groups", " --", " --", "USD", '"3,000,000"', '"30,000"', '"3,001,500.00"', "3,000.00", " --"].join("\t"));
  const bytes = new Uint8Array(Buffer.from(`\ufeff${lines.join("\r\n")}\r\n`, "utf16le"));
  const report: ParsedReport = parseReport(bytes, { fileName: "ad-groups.csv" });
  assert.equal(report.format, "google-ads:ui");
  assert.equal(report.rows.length, 3000);
  assert.equal(report.rowLines[2999], 3003);
  assert.equal(
    report.rows.reduce((s, r) => s + r.cost, 0n),
    3_001_500_000_000n,
  );
  assert.equal(
    report.rows.reduce((s, r) => s + r.impressions, 0),
    3_000_000,
  );
  assert.deepEqual(report.fileTotals, [
    { label: "Total: Ad groups", line: 3004, measure: "cost", expected: 3_001_500 },
    { label: "Total: Ad groups", line: 3004, measure: "impressions", expected: 3_000_000 },
    { label: "Total: Ad groups", line: 3004, measure: "clicks", expected: 30_000 },
  ]);
  assert.deepEqual(report.issues, []);
});

test("the scan searches the text for CRs once, before its loop, not once per record", () => {
  // V8's optimizing compiler may move a search written before the loop into it: done per record, it
  // read the rest of a 1M-row file for every row. The body knows whether it has CRs; the scan only reads that.
  const lines = Array.from({ length: 2000 }, (_, i) => `2026-01-${String((i % 28) + 1).padStart(2, "0")},"C ${i % 7}",${i}`);
  for (const text of [`date,campaign,n\n${lines.join("\n")}\n`, `date,campaign,n\r\n${lines.join("\r\n")}\r\n`]) {
    const start = text.indexOf("\n") + 1;
    const body = delimitedBody(text, ",", start, 2, () => {});
    assert.equal(body.crFree, !text.includes("\r"));
    const original = String.prototype.indexOf;
    let crSearches = 0;
    String.prototype.indexOf = function (this: string, search: string, from?: number) {
      if (search === "\r") crSearches++;
      return original.call(this, search, from);
    };
    let records = 0;
    try {
      scanDelimited(
        body,
        3,
        () => ++records > 0,
        () => ++records > 0,
      );
    } finally {
      String.prototype.indexOf = original;
    }
    assert.equal(records, 2000);
    assert.equal(crSearches, 0);
  }
});
