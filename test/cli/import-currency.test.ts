// Currency signs and codes inside money cells ("Rs.201.68", "R$ 1.234,56", "1 234,56 zł", "12,50 EUR"):
// they give the currency when the file states none, and a cell that names another currency than
// the file's is refused. Refusals name what is wrong once: an unsupported platform by its name, a
// missing --period once per file, an import whose every row is skipped exits 2 with the store as it was.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cpi, tempDir, write } from "../helpers.js";

const HEADER = "Start Date,End Date,Campaign Name,Ad Group Name,Advertised ASIN,Impressions,Clicks,Spend,7 Day Total Sales ";

/** An Amazon Ads report without a Currency column, its spend written as `a` and `b` (10.50 and 1,234.56 in that currency). */
const amazon = (a: string, b: string) => `${HEADER}\n03/01/2026,03/31/2026,A,AG 1,B001,1000,12,"${a}",0\n03/01/2026,03/31/2026,B,AG 2,B002,2500,30,"${b}",0\n`;

async function currencyAndCost(dir: string, name: string, ...flags: string[]): Promise<{ code: number; stderr: string; rows: { currency: string; cost: number }[] }> {
  const imp = await cpi(dir, "import", name, ...flags);
  if (imp.code !== 0) return { code: imp.code, stderr: imp.stderr, rows: [] };
  const r = await cpi(dir, "report", "--by", "currency", "--metrics", "cost", "--format", "json");
  return { code: 0, stderr: imp.stderr, rows: JSON.parse(r.stdout) };
}

test("the currency of money cells' signs and codes, when the file states none: each lands in its currency to the cent", async () => {
  const cases: [string, string, string, string][] = [
    ["INR", "Rs.10.50", "Rs.1,234.56", "Amazon Ads in India"],
    ["INR", "₹10.50", "₹1,234.56", "the rupee sign"],
    ["BRL", "R$ 10,50", "R$ 1.234,56", "Brazil"],
    ["EUR", "10,50 €", "1.234,56 €", "a trailing euro sign"],
    ["GBP", "£10.50", "£1,234.56", "the pound sign"],
    ["USD", "US$10.50", "US$1,234.56", "US$"],
    ["CAD", "CA$10.50", "CA$1,234.56", "CA$"],
    ["PLN", "10,50 zł", "1\u00a0234,56 zł", "a trailing zł, a no-break space between thousands"],
    ["TRY", "10,50 ₺", "1.234,56 ₺", "a trailing lira sign"],
    ["CHF", "CHF 10.50", "CHF 1'234.56", "an ISO code before"],
    ["SEK", "10,50 SEK", "1\u202f234,56 SEK", "an ISO code after, a narrow no-break space"],
  ];
  for (const [code, a, b, what] of cases) {
    const dir = tempDir();
    write(dir, "report.csv", amazon(a, b));
    const r = await currencyAndCost(dir, "report.csv");
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    assert.deepEqual(r.rows, [{ currency: code, cost: 1245.06 }], what);
  }
});

test("a sign several currencies share asks for --currency, naming them; with it the file lands", async () => {
  const dir = tempDir();
  write(dir, "dollars.csv", amazon("$10.50", "$1,234.56"));
  const asked = await cpi(dir, "import", "dollars.csv");
  assert.equal(asked.code, 2);
  assert.equal(asked.stderr, "error: dollars.csv: the file's amounts are written with '$', which USD, CAD, AUD, NZD… all use, and the file does not say which: pass --currency\n");
  const cad = await currencyAndCost(dir, "dollars.csv", "--currency", "CAD");
  assert.deepEqual(cad.rows, [{ currency: "CAD", cost: 1245.06 }]);
  write(dir, "yen.csv", amazon("¥10.50", "¥1,234.56"));
  assert.match((await cpi(dir, "import", "yen.csv")).stderr, /written with '¥', which JPY, CNY all use/);
});

test("cells that disagree with the file's stated currency are refused with line, column and both currencies", async () => {
  const dir = tempDir();
  // The Currency column says USD, a cell is in euros.
  write(dir, "mixed.csv", `Start Date,End Date,Campaign Name,Advertised ASIN,Currency,Impressions,Clicks,Spend\n03/01/2026,03/31/2026,A,B001,USD,1000,12,$10.50\n03/01/2026,03/31/2026,B,B002,USD,2500,30,€12.00\n`);
  const r = await cpi(dir, "import", "mixed.csv");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /mixed\.csv:3, column 'Spend': '€12\.00' is written in EUR \('€'\), but the row's currency is USD/);
  // --currency states it for a file without a column: a cell in rupees disagrees.
  write(dir, "rupees.csv", amazon("Rs.10.50", "Rs.1,234.56"));
  const stated = await cpi(dir, "import", "rupees.csv", "--currency", "EUR");
  assert.equal(stated.code, 2);
  assert.match(stated.stderr, /rupees\.csv:2, column 'Spend': 'Rs\.10\.50' is written in INR \('Rs\.'\), but the row's currency is EUR/);
  // Two currencies' signs and no column to tell each row's.
  write(dir, "two.csv", amazon("₹10.50", "US$1,234.56"));
  assert.match((await cpi(dir, "import", "two.csv")).stderr, /written in INR \('₹'\) and USD \('US\$'\), and it has no currency column/);
  // The generic format's rows too: its currency column against the cost cell's sign.
  write(dir, "generic.csv", "date,campaign,currency,cost,impressions\n2026-03-01,A,USD,$1.50,100\n2026-03-01,B,USD,£2.50,100\n");
  assert.match((await cpi(dir, "import", "generic.csv")).stderr, /generic\.csv:3, column 'cost': '£2\.50' is written in GBP, but the row's currency is USD/);
  // A Meta header's currency and its cells' signs must agree too.
  write(dir, "meta.csv", "Campaign name,Impressions,Amount spent (GBP),Reporting starts,Reporting ends\nA,100,€1.50,2026-03-01,2026-03-31\n");
  assert.match((await cpi(dir, "import", "meta.csv")).stderr, /meta\.csv:2, column 'Amount spent \(GBP\)': '€1\.50' is written in EUR \('€'\), but the row's currency is GBP/);
});

test("an import with --skip-invalid that skips every row exits 2 and leaves the store as it was", async () => {
  const dir = tempDir();
  write(dir, "good.csv", "date,campaign,currency,cost,impressions\n2026-03-01,Kept,USD,5.00,500\n");
  assert.equal((await cpi(dir, "import", "good.csv")).code, 0);
  const before = (await cpi(dir, "report", "--by", "campaign,currency", "--format", "json")).stdout;
  write(dir, "bad.csv", `${HEADER}\n03/01/2026,03/31/2026,A,AG 1,B001,1000,12,ten,0\n03/01/2026,03/31/2026,B,AG 2,B002,2500,30,n/c,0\n`);
  const r = await cpi(dir, "import", "bad.csv", "--skip-invalid", "--currency", "USD");
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    "error: nothing was imported: 3 problems found:\nbad.csv: every row was skipped (2 problems), so there is nothing to import\nbad.csv:2, column 'Spend': 'ten' is not a number\nbad.csv:3, column 'Spend': 'n/c' is not a number\n",
  );
  assert.equal((await cpi(dir, "report", "--by", "campaign,currency", "--format", "json")).stdout, before);
});

test("an export of a platform cpi does not read is refused by the platform's name", async () => {
  const dir = tempDir();
  write(dir, "snap.csv", "Start time,End time,Campaign Name,Ad Squad Name,Paid Impressions,Swipe Ups,Spend\n2026-03-01,2026-03-31,Spring,Squad A,1000,20,12.50\n");
  const r = await cpi(dir, "import", "snap.csv", "--source", "google-ads");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: nothing was imported: 1 problem found:\nsnap\.csv:1: this looks like a Snapchat Ads export, and Snapchat Ads is not supported yet: name its columns in a --map file/);
  write(dir, "pins.csv", "Date,Campaign name,Pin promotion name,Spend in account currency,Paid impressions,Pin clicks\n2026-03-01,Spring,Pin A,12.50,1000,20\n");
  assert.match((await cpi(dir, "import", "pins.csv")).stderr, /this looks like a Pinterest Ads export, and Pinterest Ads is not supported yet/);
});

test("a missing --period is reported once per file, not once per row; with it the rows land", async () => {
  const dir = tempDir();
  const rows = Array.from({ length: 50 }, (_, i) => `Camp ${i},Broad,USD,1.00,100,1`);
  write(dir, "tiktok.csv", `Campaign name,Ad group name,Currency,Cost,Impressions,Clicks (destination)\n${rows.join("\n")}\n`);
  write(dir, "meta.csv", "Campaign name,Impressions,Amount spent (USD)\nA,100,1.50\nB,200,2.50\n");
  const r = await cpi(dir, "import", "tiktok.csv", "meta.csv");
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    "error: nothing was imported: 2 problems found:\ntiktok.csv:1: the export has no date column ('By Day'): pass the period it covers (--period 2026-05-01..2026-05-31)\nmeta.csv:1: the export has no 'Reporting starts'/'Reporting ends' or 'Day' column: pass the period it covers (--period 2026-05-01..2026-05-31)\n",
  );
  const ok = await cpi(dir, "import", "tiktok.csv", "meta.csv", "--period", "2026-05", "--format", "json");
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(
    JSON.parse(ok.stdout).files.map((f: { rows: number }) => f.rows),
    [50, 2],
  );
});
