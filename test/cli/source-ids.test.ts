// Issue 20.4: one spelling per source. Imports store a platform's canonical id, aliases are accepted
// wherever a source is named, a --where value that matches nothing says what does exist, an unknown
// --source on a platform's export is refused, and a store written with an alias migrates on open.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { closestValues } from "../../src/domain/closest-values.js";
import { canonicalSource, SOURCE_ALIASES, SOURCE_IDS } from "../../src/domain/sources.js";
import { blankSpendRow } from "../../src/domain/spend.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { SCHEMA_VERSION } from "../../src/store/duckdb/schema.js";
import { cpi, ROOT, tempDir, write } from "../helpers.js";

test("every platform has one kebab-case id; its aliases, any case and with _ or -, map to it", () => {
  assert.deepEqual([...SOURCE_IDS], ["google-ads", "microsoft-ads", "amazon-ads", "x-ads", "meta", "linkedin", "tiktok", "reddit", "dv360", "cm360"]);
  for (const id of SOURCE_IDS) {
    assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.equal(canonicalSource(id), id);
    for (const a of SOURCE_ALIASES[id]) assert.equal(canonicalSource(a.toUpperCase()), id, a);
  }
  assert.deepEqual(["google_ads", "GoogleAds", "microsoft", "Bing", "facebook", "twitter"].map(canonicalSource), ["google-ads", "google-ads", "microsoft-ads", "microsoft-ads", "meta", "x-ads"]);
  assert.equal(canonicalSource("direct"), "direct");
  assert.deepEqual(closestValues("google_ads", ["meta", "google-ads", "linkedin"], 2), ["google-ads", "meta"]);
});

test("cpi: google_ads is stored as google-ads, --where takes either spelling, a value that matches nothing names the closest", async () => {
  const dir = tempDir();
  write(dir, "g.csv", "date,source,campaign,currency,cost,impressions\n2026-10-01,google_ads,A,USD,300.00,15000\n2026-10-01,Bing,B,USD,50.00,1000\n2026-10-01,meta,C,USD,20.00,1000\n");
  assert.equal((await cpi(dir, "import", "g.csv")).code, 0);
  const bySource = await cpi(dir, "report", "--by", "source", "--format", "json");
  assert.deepEqual(
    JSON.parse(bySource.stdout).map((r: { source: string }) => r.source),
    ["google-ads", "meta", "microsoft-ads"],
  );
  // The repro: --where source=google_ads silently returned "no rows match".
  for (const spelling of ["google_ads", "google-ads", "googleads"]) {
    const r = await cpi(dir, "report", "--where", `source=${spelling}`, "--format", "json");
    assert.equal(JSON.parse(r.stdout)[0]?.impressions, 15000, spelling);
  }
  const miss = await cpi(dir, "report", "--where", "source=gogle-ads");
  assert.equal(miss.code, 0);
  assert.match(miss.stderr, /--where source=gogle-ads: no stored row has source 'gogle-ads'; closest: google-ads, /);
  assert.match(miss.stderr, /no rows match this query/);
  const campaign = await cpi(dir, "report", "--where", "campaign=a");
  assert.match(campaign.stderr, /no stored row has campaign 'a'; closest: A, /);
});

test("cpi import --source snapchat on a Meta export exits 2 naming the known platforms; --help shows the canonical ids", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "import", join(ROOT, "test/fixtures/ingest/meta-title-case.csv"), "--source", "snapchat");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--source 'snapchat' is not a platform cpi reads, and this is a Meta Ads Manager export: name one of google-ads, microsoft-ads, amazon-ads, x-ads, meta, linkedin, tiktok, reddit, dv360, cm360/);
  assert.equal(existsSync(join(dir, "cpi.duckdb")), false, "nothing imported: no store was made");
  // An alias of the right platform is accepted.
  const fb = await cpi(dir, "import", join(ROOT, "test/fixtures/ingest/meta-title-case.csv"), "--source", "facebook");
  assert.equal(fb.code, 0, fb.stderr);
  const help = await cpi(dir, "import", "--help");
  assert.match(help.stdout.replace(/\s+/g, " "), /google-ads, microsoft-ads, amazon-ads, x-ads, meta, linkedin, tiktok, reddit, dv360, cm360/);
  assert.doesNotMatch(help.stdout, /google_ads/);
});

test("cpi demo stores google-ads, the spelling its own files import as", async () => {
  const dir = tempDir();
  assert.equal((await cpi(dir, "demo")).code, 0);
  const r = await cpi(dir, "report", "--db", "cpi-demo.duckdb", "--by", "source", "--currency", "USD", "--format", "json");
  assert.deepEqual(
    JSON.parse(r.stdout).map((x: { source: string }) => x.source),
    ["direct", "google-ads", "linkedin", "meta"],
  );
});

test("a store written with google_ads and bing migrates to the canonical ids when opened (schema migration 2)", async () => {
  const dir = tempDir();
  const path = join(dir, "old.duckdb");
  const old = await DuckDbStore.open(path);
  const row = (source: string, campaign: string) => ({ ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-01", source, account_id: "a", currency: "USD", campaign, campaign_id: campaign, impressions: 1000, cost: 10_000_000n });
  await old.importSpend([
    {
      file: "old.csv",
      contentHash: "h",
      format: "generic",
      rows: [row("google_ads", "A"), row("bing", "B"), row("direct", "C")],
      reach: [{ source: "google_ads", account_id: "a", level: "campaign", campaign: "A", ad_group: "", ad: "", date_start: "2026-10-01", date_end: "2026-10-01", reach: 500, impressions: 1000, frequency: 2 }],
    },
  ]);
  await old.query("INSERT INTO campaign_status VALUES ('google_ads', 'a', 'A', 'A', 'ended', 'Ended', DATE '2026-10-02'), ('google-ads', 'a', 'A', 'A', 'active', 'Enabled', DATE '2026-10-01')");
  await old.query("UPDATE cpi_meta SET value = '1' WHERE key = 'schema_version'");
  await old.close();

  const store = await DuckDbStore.open(path);
  assert.equal(SCHEMA_VERSION >= 2, true);
  assert.equal((await store.query("SELECT value FROM cpi_meta WHERE key = 'schema_version'"))[0]?.value, String(SCHEMA_VERSION));
  assert.deepEqual(
    (await store.query("SELECT source, sum(impressions)::INTEGER AS n FROM spend GROUP BY source ORDER BY source")).map((r) => [r.source, r.n]),
    [
      ["direct", 1000],
      ["google-ads", 1000],
      ["microsoft-ads", 1000],
    ],
  );
  assert.deepEqual((await store.query("SELECT source, reach::INTEGER AS reach FROM platform_reach")).map((r) => [r.source, r.reach]), [["google-ads", 500]]);
  // One status per campaign: the newer report's (ended on 10-02) wins over the older one.
  assert.deepEqual((await store.query("SELECT source, state FROM campaign_status")).map((r) => [r.source, r.state]), [["google-ads", "ended"]]);
  assert.deepEqual((await store.query("SELECT sources FROM imports")).map((r) => r.sources), ["google-ads,microsoft-ads,direct"]);
  await store.close();
  // Opening again changes nothing more.
  const again = await DuckDbStore.open(path);
  assert.equal((await again.query("SELECT count(*)::INTEGER AS n FROM spend"))[0]?.n, 3);
  await again.close();
});
