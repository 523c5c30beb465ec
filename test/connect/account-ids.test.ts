// Same identities as files: a Google Ads customer id is stored as the 10 digits the API gives,
// whether a file writes it "123-456-7890" (Customer ID column, --account) or not, so a sync and an
// import of the same account replace each other; a store holding dashed ids from before is
// rewritten when opened (schema migration 4).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { canonicalAccountId } from "../../src/domain/account-ids.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { SCHEMA_VERSION } from "../../src/store/duckdb/schema.js";
import { cpiProcess, tempDir, write } from "../helpers.js";
import { cpiEnv } from "./fakes.js";

test("a Google Ads customer id is stored without dashes, from a Customer ID column or --account; other sources keep theirs", async () => {
  assert.equal(canonicalAccountId("google-ads", "123-456-7890"), "1234567890");
  assert.equal(canonicalAccountId("google-ads", "1234567890"), "1234567890");
  assert.equal(canonicalAccountId("google-ads", "12-3456-7890"), "12-3456-7890", "not a customer id: left as it is");
  assert.equal(canonicalAccountId("meta", "123-456-7890"), "123-456-7890");
  const dir = tempDir("cpi-account-ids-");
  const ui = write(
    dir,
    "google-ui.csv",
    "Campaign report\nOctober 1, 2026 - October 2, 2026\nDay,Customer ID,Account name,Campaign ID,Campaign,Currency code,Cost,Impr.,Clicks\n2026-10-01,123-456-7890,Acme DE,17000000007,Brand,EUR,12.34,1000,10\n2026-10-02,123-456-7890,Acme DE,17000000007,Brand,EUR,10.00,900,9\n",
  );
  const api = write(dir, "google-api.csv", "segments.date,customer.id,customer.currency_code,campaign.id,campaign.name,metrics.cost_micros,metrics.impressions\n2026-10-03,1234567890,EUR,17000000007,Brand,5000000,500\n");
  const noColumn = write(dir, "google-grid.csv", "Campaign report\nOctober 4, 2026 - October 4, 2026\nDay,Campaign ID,Campaign,Currency code,Cost,Impr.\n2026-10-04,17000000007,Brand,EUR,1.00,100\n");
  for (const argv of [["import", ui], ["import", api], ["import", noColumn, "--account", "123-456-7890"]]) {
    const r = await cpiEnv(dir, {}, ...argv);
    assert.equal(r.code, 0, r.stderr);
  }
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  try {
    assert.deepEqual(await store.query("SELECT account_id, count(*) AS n FROM spend GROUP BY ALL"), [{ account_id: "1234567890", n: 4n }]);
  } finally {
    await store.close();
  }
});

test("migration 4: a store at schema version 1 holding dashed Google Ads ids has them rewritten when opened, once", async () => {
  const dir = tempDir("cpi-migration-4-");
  const csv = write(dir, "g.csv", "Campaign report\nOctober 1, 2026 - October 1, 2026\nDay,Customer ID,Campaign ID,Campaign,Currency code,Cost,Impr.,Campaign status\n2026-10-01,1234567890,17000000007,Brand,EUR,12.34,1000,Enabled\n");
  assert.equal((await cpiEnv(dir, {}, "import", csv)).code, 0);
  const db = join(dir, "cpi.duckdb");
  // Make it the store an older cpi left: version 1, ids with dashes (a status stored under both forms, the dashed one later).
  let store = await DuckDbStore.open(db);
  for (const sql of [
    "UPDATE spend SET account_id = '123-456-7890'",
    "INSERT INTO spend SELECT * REPLACE ('meta' AS source, '123-456-7890' AS account_id) FROM spend",
    "INSERT INTO platform_reach VALUES ('google-ads', '123-456-7890', 'campaign', 'Brand', '', '', DATE '2026-10-01', DATE '2026-10-01', 700, 1000, 1.43, 1)",
    "INSERT INTO campaign_status SELECT source, '123-456-7890', campaign_id, campaign, 'paused', 'Paused', as_of + 1 FROM campaign_status",
    "UPDATE imports SET accounts = '123-456-7890'",
    "UPDATE cpi_meta SET value = '1' WHERE key = 'schema_version'",
  ]) {
    await store.query(sql);
  }
  await store.close();
  store = await DuckDbStore.open(db);
  try {
    assert.deepEqual(await store.query("SELECT source, account_id FROM spend ORDER BY ALL"), [
      { source: "google-ads", account_id: "1234567890" },
      { source: "meta", account_id: "123-456-7890" },
    ]);
    assert.deepEqual(await store.query("SELECT account_id, reach FROM platform_reach"), [{ account_id: "1234567890", reach: 700n }]);
    assert.deepEqual(await store.query("SELECT account_id, state FROM campaign_status"), [{ account_id: "1234567890", state: "paused" }], "the later status of the two forms is kept");
    assert.deepEqual(await store.query("SELECT accounts FROM imports"), [{ accounts: "1234567890" }]);
    assert.deepEqual(await store.query("SELECT value FROM cpi_meta WHERE key = 'schema_version'"), [{ value: String(SCHEMA_VERSION) }], "and every later step");
  } finally {
    await store.close();
  }
  // A report by account now shows one Google Ads account.
  const r = cpiProcess(dir, "report", "--by", "source,account", "--metrics", "cost", "--format", "csv");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /google-ads,1234567890,12\.34/);
});
