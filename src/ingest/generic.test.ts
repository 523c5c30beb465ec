import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../domain/errors.js";
import type { ParsedReport } from "../domain/spend.js";
import { tokenizeDelimited } from "./delimited.js";
import { parseGenericRecords, parseGenericText, planGenericColumns } from "./generic.js";
import { GENERIC_FIELDS } from "./generic-columns.js";
import { FAST_SLOTS } from "./generic-fast.js";
import { ROW_SLOTS } from "./generic-row.js";
import { parseReport } from "./index.js";
import type { ParseOptions } from "./types.js";

const enc = new TextEncoder();
const parse = (text: string, opts: Partial<ParseOptions> = {}): ParsedReport => parseReport(enc.encode(text), { fileName: "spend.csv", ...opts });
const errors = (r: ParsedReport) => r.issues.filter((i) => i.severity === "error");
const totalCost = (r: ParsedReport) => r.rows.reduce((s, x) => s + x.cost, 0n);

test("the seed case: $5,000 for 500,000 impressions, exact micros", () => {
  const r = parse("date,campaign,cost,impressions\n2026-10-01,Banner,5000,500000\n", { currency: "USD" });
  assert.equal(r.format, "generic");
  assert.equal(r.source, "generic");
  assert.deepEqual(r.issues, []);
  assert.equal(r.rows.length, 1);
  const row = r.rows[0];
  assert.ok(row);
  assert.equal(row.cost, 5_000_000_000n);
  assert.equal(row.impressions, 500_000);
  assert.equal(row.date_start, "2026-10-01");
  assert.equal(row.date_end, "2026-10-01");
  assert.equal(row.campaign_id, "Banner");
  assert.equal(row.currency, "USD");
  assert.equal(row.account_timezone, "UTC");
  assert.deepEqual(r.rowLines, [2]);
});

test("every column, case-insensitive headers, ids default to names, source/account from the file", () => {
  const header =
    "Date,Source,Account,Account_Name,Campaign,Campaign_ID,Ad Group,Ad,Ad_ID,Placement,Currency,Cost,Impressions,Clicks,Conversions,Revenue,Timezone,Country,Device,Age,Gender,Viewable_Impressions,Measurable_Impressions";
  const r = parse(
    `${header}\n2026-10-02,meta,act-1,Acme,Launch,c-9,Group A,Visual,,feed,eur,12.345678,1000,10,2.5,99.99,Europe/Paris,FR,mobile,25-34,female,700,900\n`,
  );
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.rows[0], {
    date_start: "2026-10-02",
    date_end: "2026-10-02",
    source: "meta",
    account_id: "act-1",
    account_name: "Acme",
    account_timezone: "Europe/Paris",
    currency: "EUR",
    campaign_id: "c-9",
    campaign: "Launch",
    ad_group_id: "Group A",
    ad_group: "Group A",
    ad_id: "Visual",
    ad: "Visual",
    placement: "feed",
    country: "FR",
    device: "mobile",
    age: "25-34",
    gender: "female",
    cost: 12_345_678n,
    impressions: 1000,
    clicks: 10,
    conversions: 2.5,
    revenue: 99_990_000n,
    viewable_impressions: 700,
    measurable_impressions: 900,
  });
});

test("source falls back to --source, then 'generic'; account to --account; time zone to --timezone", () => {
  const r = parse("date,campaign,cost,impressions\n2026-10-01,A,1,1\n", {
    currency: "USD",
    source: "newsletter",
    account: "acc-7",
    timezone: "America/Chicago",
  });
  assert.equal(r.rows[0]?.source, "newsletter");
  assert.equal(r.source, "newsletter");
  assert.equal(r.rows[0]?.account_id, "acc-7");
  assert.equal(r.rows[0]?.account_timezone, "America/Chicago");
});

test("a missing required column is one error naming it and the header found", () => {
  const r = parse("day,campaign,spend,impressions\n2026-10-01,A,1,1\n", {
    currency: "USD",
  });
  const e = errors(r);
  assert.equal(e.length, 1);
  assert.equal(e[0]?.line, 1);
  assert.match(e[0]?.message ?? "", /date/);
  assert.match(e[0]?.message ?? "", /cost/);
  assert.match(e[0]?.message ?? "", /day, campaign, spend, impressions/);
  assert.equal(r.rows.length, 0);
});

test("bad date, negative cost, fractional impressions: each located by line and column, rows rejected", () => {
  const text = [
    "date,campaign,cost,impressions,clicks",
    "2026-10-01,A,10,100,1",
    "2026-10-32,A,10,100,1",
    "2026-10-03,A,-5,100,1",
    "2026-10-04,A,5,100.5,1",
    "2026-10-05,A,five,100,1",
    "10/06/2026,A,5,100,1.0",
  ].join("\n");
  const r = parse(text, { currency: "USD" });
  assert.deepEqual(
    errors(r).map((i) => [i.line, i.column]),
    [
      [3, "date"],
      [4, "cost"],
      [5, "impressions"],
      [6, "cost"],
      [7, "date"],
    ],
  );
  assert.match(errors(r)[0]?.message ?? "", /2026-10-32/);
  assert.deepEqual(r.rowLines, [2]);
  assert.equal(r.rows.length, 1);
});

test("date ranges: date_start and date_end, end before start is an error", () => {
  const r = parse("date_start,date_end,campaign,cost,impressions\n2026-10-01,2026-10-31,A,300,3000\n2026-10-31,2026-10-01,B,1,1\n", { currency: "USD" });
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0]?.date_end, "2026-10-31");
  assert.deepEqual(
    errors(r).map((i) => [i.line, i.column]),
    [[3, "date_end"]],
  );
});

test("thousands separators, quoted fields with commas and line breaks, BOM, CRLF", () => {
  const text =
    '\ufeffdate,campaign,cost,impressions,clicks\r\n2026-10-01,"Brand, exact",1234567.89,"1,234,567",12\r\n2026-10-01,"Two\r\nlines ""quoted""","1,000.50",10,0\r\n2026-10-02,C,0.01,1,0\r\n';
  const r = parse(text, { currency: "USD" });
  assert.deepEqual(errors(r), []);
  assert.deepEqual(
    r.rows.map((x) => [x.campaign, x.cost, x.impressions]),
    [
      ["Brand, exact", 1_234_567_890_000n, 1_234_567],
      ['Two\r\nlines "quoted"', 1_000_500_000n, 10],
      ["C", 10_000n, 1],
    ],
  );
  assert.deepEqual(r.rowLines, [2, 3, 5]);
  assert.equal(totalCost(r), 1_235_568_400_000n);
});

test("tab and semicolon delimiters; unquoted thousands in a TSV", () => {
  const tsv = parse("date\tcampaign\tcost\timpressions\n2026-10-01\tA, B\t1,000.25\t2,000\n", { currency: "USD" });
  assert.deepEqual(errors(tsv), []);
  assert.equal(tsv.rows[0]?.cost, 1_000_250_000n);
  assert.equal(tsv.rows[0]?.impressions, 2000);
  const ssv = parse("date;campaign;cost;impressions\n2026-10-01;A;7.5;20\n", {
    currency: "USD",
  });
  assert.equal(ssv.rows[0]?.cost, 7_500_000n);
});

test("empty optional numbers are 0; empty required ones are errors; blank lines are skipped", () => {
  const r = parse("date,campaign,cost,impressions,clicks,revenue\n\n2026-10-01,A,1,10,,\n,,,,,\n2026-10-01,B,,10,,\n", { currency: "USD" });
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0]?.clicks, 0);
  assert.equal(r.rows[0]?.revenue, 0n);
  assert.deepEqual(
    errors(r).map((i) => [i.line, i.column]),
    [[5, "cost"]],
  );
});

test("a column named twice is one error on the header line", () => {
  const r = parse("date,campaign,cost,Cost,impressions\n2026-10-01,A,1,2,3\n", { currency: "USD" });
  assert.deepEqual(
    errors(r).map((i) => i.line),
    [1],
  );
  assert.match(errors(r)[0]?.message ?? "", /cost/);
  assert.equal(r.rows.length, 0);
});

test("wrong field counts are row errors", () => {
  const r = parse("date,campaign,cost,impressions\n2026-10-01,A,1\n2026-10-01,A,1,2,3\n2026-10-01,A,1,2,\n", { currency: "USD" });
  assert.deepEqual(
    errors(r).map((i) => i.line),
    [2, 3],
  );
  assert.equal(r.rows.length, 1);
});

test("currency: from the file, from --currency, invalid, disagreeing, or missing", () => {
  const fromFile = parse("date,campaign,currency,cost,impressions\n2026-10-01,A,gbp,1,1\n");
  assert.equal(fromFile.rows[0]?.currency, "GBP");
  const filled = parse("date,campaign,currency,cost,impressions\n2026-10-01,A,,1,1\n", { currency: "usd" });
  assert.equal(filled.rows[0]?.currency, "USD");
  const bad = parse("date,campaign,currency,cost,impressions\n2026-10-01,A,dollars,1,1\n2026-10-01,A,EUR,1,1\n", { currency: "USD" });
  assert.deepEqual(
    errors(bad).map((i) => [i.line, i.column]),
    [
      [2, "currency"],
      [3, "currency"],
    ],
  );
  const empty = parse("date,campaign,currency,cost,impressions\n2026-10-01,A,,1,1\n");
  assert.deepEqual(
    errors(empty).map((i) => i.column),
    ["currency"],
  );
  assert.throws(
    () => parse("date,campaign,cost,impressions\n2026-10-01,A,1,1\n"),
    (e: unknown) => e instanceof UserError && /--currency/.test(e.message),
  );
});

test("a time zone that is not an IANA zone is a row error; a bad --timezone a UserError", () => {
  const r = parse("date,campaign,cost,impressions,timezone\n2026-10-01,A,1,1,Mars/Olympus\n", { currency: "USD" });
  assert.deepEqual(
    errors(r).map((i) => i.column),
    ["timezone"],
  );
  assert.throws(
    () =>
      parse("date,campaign,cost,impressions\n2026-10-01,A,1,1\n", {
        currency: "USD",
        timezone: "Nowhere",
      }),
    UserError,
  );
});

test("a totals row is dropped and kept as a file total", () => {
  const r = parse("date,campaign,cost,impressions,clicks\n2026-10-01,A,1.50,10,1\n2026-10-01,B,2.25,20,2\n,Total,3.75,30,3\n", { currency: "USD" });
  assert.equal(r.rows.length, 2);
  assert.deepEqual(r.fileTotals, [
    { label: "Total", line: 4, measure: "cost", expected: 3.75 },
    { label: "Total", line: 4, measure: "impressions", expected: 30 },
    { label: "Total", line: 4, measure: "clicks", expected: 3 },
  ]);
});

test("money is exact beyond doubles: many decimals round half away from zero at the micro", () => {
  const r = parse("date,campaign,cost,impressions\n2026-10-01,A,0.1234565,1\n2026-10-01,A,123456789012.345678,1\n2026-10-01,A,0.30000000000000004,1\n", {
    currency: "USD",
  });
  assert.deepEqual(
    r.rows.map((x) => x.cost),
    [123_457n, 123_456_789_012_345_678n, 300_000n],
  );
});

test("a quote that never closes is an error", () => {
  const r = parse('date,campaign,cost,impressions\n2026-10-01,"A,1,1\n2026-10-02,B,1,1\n', { currency: "USD" });
  assert.ok(errors(r).some((i) => /never closes/.test(i.message)));
  assert.equal(r.rows.length, 0);
});

test("Windows-1252 and UTF-16 files are decoded", () => {
  const ansi = new Uint8Array([...enc.encode("date,campaign,cost,impressions\n2026-10-01,Caf"), 0xe9, 0x20, 0x80, ...enc.encode(",1,1\n")]);
  const r1 = parseReport(ansi, { fileName: "a.csv", currency: "EUR" });
  assert.equal(r1.rows[0]?.campaign, "Café €");
  const text = "date\tcampaign\tcost\timpressions\n2026-10-01\tÜber\t2\t3\n";
  const le = new Uint8Array(2 + text.length * 2);
  le[0] = 0xff;
  le[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    le[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    le[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  const r2 = parseReport(le, { fileName: "b.csv", currency: "EUR" });
  assert.equal(r2.rows[0]?.campaign, "Über");
  assert.equal(r2.rows[0]?.cost, 2_000_000n);
});

test("the fast path's slot numbers agree with generic-columns.ts", () => {
  for (const [name, slot] of Object.entries({ ...ROW_SLOTS, ...FAST_SLOTS })) {
    if (name === "TEXT_FIELDS") assert.equal(GENERIC_FIELDS[slot], "cost");
    else assert.equal(GENERIC_FIELDS[slot], name.slice(2).toLowerCase().replace("viewable", "viewable_impressions"));
  }
});

test("the fast path and the record path give the same rows and issues on random input", () => {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const cells = ["", "0", "12", "1,234", "-3", "4.5", "0.1234567", "abc", " 7 ", '"8"', "2026-10-01", "2026-02-30", "Camp", "USD", "1e3"];
  const lines = ["date,campaign,cost,impressions,clicks,conversions,currency"];
  for (let i = 0; i < 400; i++) {
    const row = Array.from({ length: 7 }, () => cells[Math.floor(rnd() * cells.length)]);
    if (rnd() < 0.7) row[0] = "2026-10-01";
    if (rnd() < 0.7) row[1] = "Camp";
    for (let c = 2; c < 6; c++) if (rnd() < 0.8) row[c] = ["1", "12", '"1,234"', "0", "33"][Math.floor(rnd() * 5)];
    if (rnd() < 0.8) row[6] = "USD";
    lines.push(row.join(","));
  }
  const csv = `${lines.join("\n")}\n`;
  const sink = () => ({ issues: [], fileTotals: [] });
  const defaults = {
    source: "generic",
    account: "",
    currency: "USD",
    timezone: "UTC",
  };
  const records = tokenizeDelimited(csv, ",");
  const header = records.rows[0] as string[];
  const s1 = sink();
  const plan = planGenericColumns({ header, headerLine: 1 }, s1);
  assert.ok(plan);
  const fast = parseGenericText(csv, records.offsets[1] as number, 2, ",", plan, defaults, s1);
  const s2 = sink();
  const slow = parseGenericRecords(
    records.rows.slice(1).map((record, i) => ({ record, line: records.lines[i + 1] as number })),
    plan,
    defaults,
    s2,
  );
  assert.ok(fast.rows.length > 20 && s1.issues.length > 20, `${fast.rows.length} rows, ${s1.issues.length} issues`);
  assert.deepEqual(fast.rows, slow.rows);
  assert.deepEqual(fast.rowLines, slow.rowLines);
  assert.deepEqual(s1.issues, s2.issues);
});

test("a generic XLSX: date cells, numbers, located errors (spreadsheet row numbers)", async () => {
  const { readFileSync } = await import("node:fs");
  const r = parseReport(readFileSync(new URL("../../test/fixtures/ingest/generic.xlsx", import.meta.url)), { fileName: "g.xlsx" });
  assert.equal(r.format, "generic");
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.campaign, x.cost, x.impressions]),
    [["2026-01-02", "A", 12_500_000n, 100]],
  );
  assert.deepEqual(r.rowLines, [2]);
  assert.deepEqual(
    errors(r).map((i) => [i.line, i.column]),
    [[3, "impressions"]],
  );
});
