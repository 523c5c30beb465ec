// Totals rows as each platform writes them (a label, placeholders where identities and dates belong,
// a summary row first, a row after a blank line) are left out and checked: rows that add up land,
// a total that disagrees refuses the file naming both figures and the likely cause (micros, most
// often) unless --accept-totals-mismatch. AdWords API reports are read in micros.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, ROOT, tempDir, write } from "../helpers.js";

/** Rows of every file: 10.50 + 20.25 = 30.75 spent, 3,500 impressions, 42 clicks. */
const SUM = { cost: 30.75, impressions: 3500, clicks: 42 };

/** One export per platform, its totals row stating `total` as cost (30.75 when right). */
const PLATFORMS: Record<string, (total: string) => { text: string; flags?: string[] }> = {
  "google-ads": (t) => ({
    text: `Campaign report\n"March 1, 2026 - March 31, 2026"\nCampaign,Currency code,Impr.,Clicks,Cost\nA,USD,"1,000",12,10.50\nB,USD,"2,500",30,20.25\nTotal: Campaigns,USD,"3,500",42,${t}\n`,
  }),
  meta: (t) => ({
    text: `Campaign name,Impressions,Amount spent (USD),Link clicks,Reporting starts,Reporting ends\n,3500,${t},42,2026-03-01,2026-03-31\nA,1000,10.50,12,2026-03-01,2026-03-31\nB,2500,20.25,30,2026-03-01,2026-03-31\n`,
  }),
  linkedin: (t) => ({
    text: `Start Date (in UTC)\tCampaign Name\tCampaign ID\tCurrency\tTotal Spent\tImpressions\tClicks\n3/1/2026\tA\t501\tUSD\t10.50\t1000\t12\n3/1/2026\tB\t502\tUSD\t20.25\t2500\t30\n-\t-\t-\tUSD\t${t}\t3500\t42\n`,
    flags: ["--period", "2026-03-01..2026-03-31"],
  }),
  tiktok: (t) => ({
    text: `Campaign name,Campaign ID,Time,Currency,Cost,Impressions,Clicks (destination)\nA,1701,2026-03-01,USD,10.50,1000,12\nB,1702,2026-03-02,USD,20.25,2500,30\nTotal,-,-,USD,${t},3500,42\n`,
  }),
  "amazon-ads": (t) => ({
    text: `Start Date,End Date,Campaign Name,Ad Group Name,Currency,Impressions,Clicks,Spend,7 Day Total Sales \n03/01/2026,03/31/2026,A,AG 1,USD,1000,12,$10.50,$0.00\n03/01/2026,03/31/2026,B,AG 2,USD,2500,30,$20.25,$5.00\n03/01/2026,03/31/2026,Total,-,USD,3500,42,$${t},$5.00\n`,
  }),
  reddit: (t) => ({
    text: `Date,Campaign Name,Ad Group Name,Currency,Impressions,Clicks,Amount Spent,eCPM\n2026-03-01,A,AG 1,USD,1000,12,10.50,10.50\n2026-03-02,B,AG 2,USD,2500,30,20.25,8.10\nTotal,,,USD,3500,42,${t},8.79\n`,
  }),
  "x-ads": (t) => ({
    text: `Time period,Campaign name,Funding instrument name,Currency,Spend,Impressions,Clicks\n2026-03-01,A,Card,USD,10.50,1000,12\n2026-03-02,B,Card,USD,20.25,2500,30\n--,--,--,USD,${t},3500,42\n`,
  }),
  cm360: (t) => ({
    text: `Report Time Zone,America/New_York\nDate Range,3/1/26 - 3/31/26\n\nReport Fields\nDate,Campaign,Placement,Impressions,Clicks,Media Cost\n2026-03-01,A,P1,1000,12,10.50\n2026-03-02,B,P2,2500,30,20.25\nGrand Total:,,,3500,42,${t}\n`,
    flags: ["--currency", "USD"],
  }),
  dv360: (t) => ({
    text: `Date,Advertiser,Advertiser Currency,Insertion Order,Line Item,Impressions,Clicks,Revenue (Adv Currency)\n2026/03/01,Adv,USD,IO A,LI 1,1000,12,10.50\n2026/03/02,Adv,USD,IO B,LI 2,2500,30,20.25\n\n,,,,,3500,42,${t}\nReport Time:,2026/04/01\n`,
  }),
};

test("every platform's totals row, told by its label or its shape, is checked: rows that add up land to the cent", async () => {
  for (const [platform, make] of Object.entries(PLATFORMS)) {
    const dir = tempDir();
    const { text, flags = [] } = make("30.75");
    write(dir, "export.csv", text);
    const imp = await cpi(dir, "import", "export.csv", ...flags, "--format", "json");
    assert.equal(imp.code, 0, `${platform}: ${imp.stderr}`);
    const file = JSON.parse(imp.stdout).files[0];
    assert.equal(file.source, platform);
    assert.deepEqual([file.rows, file.skipped, file.warnings], [2, [], []], `${platform}: ${JSON.stringify(file)}`);
    const r = await cpi(dir, "report", "--by", "source", "--metrics", "cost,impressions,clicks", "--format", "json");
    assert.deepEqual(JSON.parse(r.stdout), [{ source: platform, ...SUM }], platform);
  }
});

test("every platform's totals row that disagrees refuses the file, naming both figures; --accept-totals-mismatch imports it with a warning", async () => {
  for (const [platform, make] of Object.entries(PLATFORMS)) {
    const dir = tempDir();
    const { text, flags = [] } = make("29.75");
    write(dir, "export.csv", text);
    const imp = await cpi(dir, "import", "export.csv", ...flags);
    assert.equal(imp.code, 2, `${platform}: ${imp.stderr}`);
    assert.match(imp.stderr, /^error: nothing was imported: 1 problem found:\nexport\.csv: the '[^']+' row \(line \d+\) says cost 29\.75, but its rows add up to 30\.75: the file lists rows its total leaves out/, platform);
    assert.match(imp.stderr, /\(or pass --accept-totals-mismatch to import the rows as read\)/);
    const accepted = await cpi(dir, "import", "export.csv", ...flags, "--accept-totals-mismatch");
    assert.equal(accepted.code, 0, `${platform}: ${accepted.stderr}`);
    assert.match(accepted.stderr, /warning: export\.csv: the '[^']+' row \(line \d+\) says cost 29\.75, but its rows add up to 30\.75: .*\(accepted with --accept-totals-mismatch\)/, platform);
  }
});

test("Microsoft Advertising grid totals cover the account's campaigns of a type, not the rows shown: not checked", async () => {
  const dir = tempDir();
  write(dir, "grid.csv", "\ufeffCampaign ID,Status,Campaign,Spend,Clicks,Impr.,Bid Strategy Type\n[1],Active,A,10.50,12,1000,MaxClicks\n[2],Active,B,20.25,30,2500,MaxClicks\nSearch total,-,-,99.00,99,9999,-\n");
  const imp = await cpi(dir, "import", "grid.csv", "--currency", "USD", "--period", "2026-03", "--format", "json");
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual(JSON.parse(imp.stdout).files[0].warnings, []);
});

const ADWORDS = readFileSync(join(ROOT, "test/fixtures/ingest/adwords-api-campaign.csv"), "utf8");

test("an AdWords API report is read in micros: 6,910,000 is 6.91 EUR, whether its Total row writes micros or units", async () => {
  for (const total of ["6910000", "6.91"]) {
    const dir = tempDir();
    write(dir, "adwords.csv", ADWORDS.replace(/,6910000\n$/, `,${total}\n`));
    const imp = await cpi(dir, "import", "adwords.csv", "--format", "json");
    assert.equal(imp.code, 0, imp.stderr);
    assert.deepEqual(JSON.parse(imp.stdout).files[0].format, "google-ads:adwords-api");
    const r = await cpi(dir, "report", "--by", "currency,campaign", "--metrics", "cost,impressions", "--format", "json");
    assert.deepEqual(JSON.parse(r.stdout), [
      { currency: "EUR", campaign: "Display Campaign", cost: 0, impressions: 5000 },
      { currency: "EUR", campaign: "Search Campaign", cost: 6.91, impressions: 1800 },
    ]);
  }
});

test("a micros cost column cpi cannot tell by its format: refused as 'cost looks like micros', read right with --money-unit micros", async () => {
  const dir = tempDir();
  // The same report without its title line: nothing says it is the AdWords API's.
  write(dir, "campaigns.csv", `${ADWORDS.split("\n").slice(1).join("\n").replace(/,6910000\n$/, ",6.91\n")}`);
  write(dir, "earlier.csv", "date,campaign,currency,cost,impressions\n2013-04-30,Search Campaign,EUR,1.00,100\n");
  assert.equal((await cpi(dir, "import", "earlier.csv")).code, 0);
  const before = await cpi(dir, "report", "--by", "campaign", "--format", "json");
  const refused = await cpi(dir, "import", "campaigns.csv", "--source", "google-ads", "--period", "2013-05");
  assert.equal(refused.code, 2);
  assert.equal(
    refused.stderr,
    "error: nothing was imported: 1 problem found:\ncampaigns.csv: the 'Total' row (line 5) says cost 6.91, but its rows add up to 6910000: cost looks like micros: pass --money-unit micros (or pass --accept-totals-mismatch to import the rows as read)\n",
  );
  assert.equal((await cpi(dir, "report", "--by", "campaign", "--format", "json")).stdout, before.stdout, "the store is as it was");
  const micros = await cpi(dir, "import", "campaigns.csv", "--source", "google-ads", "--period", "2013-05", "--money-unit", "micros");
  assert.equal(micros.code, 0, micros.stderr);
  const r = await cpi(dir, "report", "--by", "campaign", "--metrics", "cost", "--from", "2013-05-01", "--to", "2013-05-31", "--format", "json");
  assert.deepEqual(JSON.parse(r.stdout), [
    { campaign: "Display Campaign", cost: 0 },
    { campaign: "Search Campaign", cost: 6.91 },
  ]);
  const bad = await cpi(dir, "import", "campaigns.csv", "--money-unit", "cents");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--money-unit must be units or micros, got 'cents'/);
});

test("masked counts ('<5' read as 0) let the file's total exceed the rows by what they may have held", async () => {
  const dir = tempDir();
  write(dir, "tiktok.csv", "By Day,Campaign name,Currency,Cost,Impressions,Clicks (destination)\n2026-05-01,A,USD,10.50,1000,12\n2026-05-01,B,USD,0.40,<5,0\nTotal,-,USD,10.90,1003,12\n");
  const imp = await cpi(dir, "import", "tiktok.csv", "--format", "json");
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual(JSON.parse(imp.stdout).files[0].warnings, ["line 3: '<5' is a range the platform printed instead of a value: read as 0 (the true value is unknown)"]);
});
