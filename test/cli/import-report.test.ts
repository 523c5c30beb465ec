import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, cpiProcess, tempDir, write } from "../helpers.js";

const HEADER = "date,source,account,campaign,ad,currency,cost,impressions,clicks,conversions,revenue";
const OCT = [
  HEADER,
  "2026-10-01,meta,acct-1,Launch Q4,Visual A,USD,100.50,10000,50,2,300",
  "2026-10-01,meta,acct-1,Launch Q4,Visual B,USD,99.50,12000,70,3,420.25",
  "2026-10-02,google_ads,g-1,Launch Q4,Text 1,USD,300.00,15000,150,5,0",
  '2026-10-02,google_ads,g-1,"Brand, exact",Text 2,USD,50.00,0,0,0,0',
].join("\n");

test("import then report: totals to the cent, ratio of sums, json and csv", async () => {
  const dir = tempDir();
  write(dir, "oct.csv", OCT);
  const imp = await cpi(dir, "import", "oct.csv", "--format", "json");
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual(JSON.parse(imp.stdout).files.map((f: { file: string; rows: number; skipped: unknown[] }) => [f.file, f.rows, f.skipped.length]), [["oct.csv", 4, 0]]);
  assert.ok(existsSync(join(dir, "cpi.duckdb")));

  const r = await cpi(dir, "report", "--by", "campaign", "--metrics", "cost,impressions,clicks,cpi,cpm,ctr,roas", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.deepEqual(rows, [
    { campaign: "Brand, exact", cost: 50, impressions: 0, clicks: 0, cpi: null, cpm: null, ctr: null, roas: 0 },
    { campaign: "Launch Q4", cost: 500, impressions: 37000, clicks: 270, cpi: 500 / 37000, cpm: 500_000 / 37000, ctr: 270 / 37000, roas: 720.25 / 500 },
  ]);
  const byDay = await cpi(dir, "report", "--by", "campaign,day", "--from", "2026-10-01", "--to", "2026-10-31", "--where", "source=meta", "--metrics", "cpi,cpm,ctr", "--format", "csv");
  assert.equal(byDay.stdout, `campaign,day,cpi,cpm,ctr\nLaunch Q4,2026-10-01,${200 / 22000},${200_000 / 22000},${120 / 22000}\n`);
  const table = await cpi(dir, "report", "--by", "source");
  assert.match(table.stdout, /google-ads\s+\$350\.00\s+15,000/);
  assert.match(table.stdout, /Total\s+\$550\.00\s+37,000\s+270\s+\$0\.0149\s+\$14\.86\s+0\.73 %/);
});

test("importing the same file twice leaves every total unchanged", async () => {
  const dir = tempDir();
  write(dir, "oct.csv", OCT);
  await cpi(dir, "import", "oct.csv");
  const once = (await cpi(dir, "report", "--by", "campaign,source,day", "--metrics", "cost,impressions,clicks,revenue", "--format", "json")).stdout;
  const again = await cpi(dir, "import", "oct.csv", "--format", "json");
  assert.equal(JSON.parse(again.stdout).files[0].replaced_rows, 4);
  assert.equal((await cpi(dir, "report", "--by", "campaign,source,day", "--metrics", "cost,impressions,clicks,revenue", "--format", "json")).stdout, once);
});

test("a bad row rejects the file with file, line, column and reason; the store is untouched", async () => {
  const dir = tempDir();
  write(dir, "oct.csv", OCT);
  await cpi(dir, "import", "oct.csv");
  const before = (await cpi(dir, "report", "--by", "campaign", "--format", "json")).stdout;
  write(dir, "bad.csv", [HEADER, "2026-10-03,meta,acct-1,New,X,USD,10,100,1,0,0", "2026-10-32,meta,acct-1,New,X,USD,10,100,1,0,0", "2026-10-04,meta,acct-1,New,X,USD,ten,100,1,0,0"].join("\n"));
  const r = await cpi(dir, "import", "bad.csv");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.csv:3, column 'date'/);
  assert.match(r.stderr, /bad\.csv:4, column 'cost'/);
  assert.match(r.stderr, /nothing was imported/);
  assert.equal((await cpi(dir, "report", "--by", "campaign", "--format", "json")).stdout, before);

  const skip = await cpi(dir, "import", "bad.csv", "--skip-invalid", "--format", "json");
  assert.equal(skip.code, 0, skip.stderr);
  const f = JSON.parse(skip.stdout).files[0];
  assert.equal(f.rows, 1);
  assert.deepEqual(
    f.skipped.map((s: { line: number }) => s.line),
    [3, 4],
  );
});

test("mixed currencies: an error naming them, then --currency with imported rates", async () => {
  const dir = tempDir();
  write(dir, "a.csv", [HEADER, "2026-10-01,meta,m,A,X,EUR,100,1000,0,0,0", "2026-10-01,google_ads,g,B,Y,USD,100,1000,0,0,0"].join("\n"));
  await cpi(dir, "import", "a.csv");
  const mixed = await cpi(dir, "report", "--by", "campaign");
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /EUR, USD/);
  const noRate = await cpi(dir, "report", "--currency", "USD");
  assert.equal(noRate.code, 2);
  assert.match(noRate.stderr, /no exchange rate for EUR/);
  write(dir, "rates.csv", "date,currency,rate\n2026-10-01,USD,1.25\n");
  assert.equal((await cpi(dir, "fx", "import", "rates.csv")).code, 0);
  const usd = JSON.parse((await cpi(dir, "report", "--currency", "USD", "--metrics", "cost", "--format", "json")).stdout);
  assert.deepEqual(usd, [{ cost: 225 }]);
  write(dir, "ecb.csv", "Date,USD,JPY,GBP,\n2026-10-01,1.20,N/A,0.80,\n");
  assert.equal((await cpi(dir, "fx", "import", "ecb.csv")).code, 0);
  const gbp = JSON.parse((await cpi(dir, "report", "--currency", "GBP", "--metrics", "cost", "--format", "json")).stdout);
  assert.ok(Math.abs(gbp[0].cost - (80 + (100 / 1.2) * 0.8)) < 1e-6);
});

test("compare: the seed case with verdict, budget and a decomposition that adds up", async () => {
  const dir = tempDir();
  write(
    dir,
    "seed.csv",
    [
      HEADER,
      "2026-10-01,direct,pub,Launch Q4,A,USD,3000,350000,0,0,0",
      "2026-10-02,meta,pub,Launch Q4,A,USD,2000,150000,0,0,0",
      "2026-07-01,direct,pub,Launch Q3,A,USD,1500,100000,0,0,0",
      "2026-07-02,meta,pub,Launch Q3,A,USD,3000,200000,0,0,0",
    ].join("\n"),
  );
  await cpi(dir, "import", "seed.csv");
  const r = await cpi(dir, "compare", "--campaign", "Launch Q4", "--vs", "Launch Q3", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j).filter((k) => ["a", "b", "cpi_change", "verdict", "decomposition"].includes(k)).sort(), ["a", "b", "cpi_change", "decomposition", "verdict"]);
  assert.equal(j.a.cpi, 0.01);
  assert.equal(j.b.cpi, 0.015);
  assert.ok(Math.abs(j.cpi_change + 1 / 3) < 1e-12);
  assert.equal(j.verdict, "CPI 33.3 % lower: more cost-efficient");
  assert.ok(Math.abs(j.budget.extra_impressions - 166666.6667) < 1e-3);
  const d = j.decomposition;
  assert.ok(Math.abs(d.mix + d.rate - (0.01 - 0.015)) < 1e-15);
  assert.deepEqual(
    d.segments.map((s: { segment: string }) => s.segment),
    ["direct", "meta"],
  );
  const text = await cpi(dir, "compare", "--campaign", "Launch Q4", "--vs", "Launch Q3");
  assert.match(text.stdout, /CPI 33\.3 % lower: more cost-efficient/);
  assert.match(text.stdout, /\$5,000\.00 buys 500,000 impressions at Launch Q4's CPI and 333,333 at Launch Q3's \(166,667 more\)/);
  const periods = await cpi(dir, "compare", "--period", "2026-10", "--vs", "2026-07", "--format", "json");
  assert.equal(periods.code, 0, periods.stderr);
  assert.equal(JSON.parse(periods.stdout).verdict, "CPI 33.3 % lower: more cost-efficient");
  const none = await cpi(dir, "compare", "--campaign", "Nope", "--vs", "Launch Q3");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Nope has no impressions/);
});

test("reading commands refuse a missing store, bad flags exit 2", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "report");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no cpi store at .*cpi\.duckdb/);
  write(dir, "oct.csv", OCT);
  await cpi(dir, "import", "oct.csv");
  for (const [args, msg] of [
    [["report", "--by", "campaing"], /unknown dimension 'campaing'/],
    [["report", "--metrics", "cpx"], /unknown metric 'cpx'/],
    [["report", "--from", "2026-13-01"], /--from must be a date as YYYY-MM-DD, got '2026-13-01'/],
    [["report", "--where", "source"], /is not DIMENSION=VALUE/],
    [["report", "--from", "2026-10-05", "--to", "2026-10-01"], /is after --to/],
    [["import", "missing.csv"], /missing\.csv: no such file or folder/],
  ] as const) {
    const x = await cpi(dir, ...args);
    assert.equal(x.code, 2, `${args.join(" ")}: ${x.stderr}`);
    assert.match(x.stderr, msg);
  }
});

test("a file past 8 MiB is parsed in a worker thread by the built cpi: same totals, bad rows refused, exit 2", () => {
  const dir = tempDir();
  const lines = [HEADER];
  let cost = 0;
  for (let i = 0; i < 120_000; i++) {
    const c = (i % 1000) + 0.25;
    cost += c;
    lines.push(`2026-${String(1 + (i % 12)).padStart(2, "0")}-15,meta,acct-${i % 3},Campaign number ${i % 250} with a long name,Visual ${i % 40},USD,${c.toFixed(2)},${i},${i % 7},0,0`);
  }
  write(dir, "big.csv", `${lines.join("\n")}\n`);
  const imp = cpiProcess(dir, "import", "big.csv", "--format", "json");
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual(JSON.parse(imp.stdout).files.map((f: { rows: number; source: string }) => [f.rows, f.source]), [[120_000, "meta"]]);
  const total = cpiProcess(dir, "report", "--metrics", "cost,impressions", "--format", "json");
  assert.deepEqual(JSON.parse(total.stdout), [{ cost: Math.round(cost * 100) / 100, impressions: (119_999 * 120_000) / 2 }]);

  lines[100_001] = "2026-02-30,meta,acct-1,X,Y,USD,1,1,0,0,0";
  write(dir, "bad.csv", `${lines.join("\n")}\n`);
  const bad = cpiProcess(dir, "import", "bad.csv");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.csv:100002, column 'date': '2026-02-30' is not a date/);
  assert.deepEqual(JSON.parse(cpiProcess(dir, "report", "--metrics", "cost,impressions", "--format", "json").stdout), JSON.parse(total.stdout));
});
