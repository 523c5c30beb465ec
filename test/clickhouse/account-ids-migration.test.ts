// test:slow
// Schema migration 6 on ClickHouse (18.16 on one server and on a cluster, and ClickHouse 26 through
// chdb): a store an older cpi wrote with Google Ads customer ids "123-456-7890" (UI exports) and
// source aliases in its audit trail gets, at `cpi init`, the 10 digits in its rows, platform reach
// and campaign statuses, and the canonical source ids and account ids in imports.sources/.accounts,
// as DuckDB's migrations 2 and 4 do: the same account is then one account in reports on both engines.
import assert from "node:assert/strict";
import { test } from "node:test";
import { blankSpendRow } from "../../src/domain/spend.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { CLICKHOUSE_SCHEMA_VERSION } from "../../src/store/clickhouse/schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import type { Store } from "../../src/store/store.js";
import { cpiProcess, tempDir, write } from "../helpers.js";
import { chdbSkipReason, chdbTarget } from "./chdb.js";
import { clusterForFile } from "./harness.js";
import { chdbStore, clusterStore, markVersion1, singleStore } from "./stores.js";

const { skip, cluster } = clusterForFile(2);

const DASHED = "123-456-7890";
const DIGITS = "1234567890";

const row = (source: string, account: string, day: string, impressions: number) => ({
  ...blankSpendRow(),
  date_start: day,
  date_end: day,
  source,
  account_id: account,
  currency: "USD",
  campaign: "Brand",
  campaign_id: "17",
  impressions,
  cost: 10_000_000n,
});

/** What an older cpi wrote: a UI export's dashed id under the alias google_ads, a Meta account that only looks like one. */
async function writeOld(store: Store): Promise<void> {
  await store.importSpend([
    {
      file: "ui.csv",
      contentHash: "h1",
      format: "google-ads",
      rows: [row("google_ads", DASHED, "2026-10-01", 1000), row("google_ads", DASHED, "2026-10-02", 900)],
      reach: [{ source: "google_ads", account_id: DASHED, level: "campaign", campaign: "Brand", ad_group: "", ad: "", date_start: "2026-10-01", date_end: "2026-10-02", reach: 700, impressions: 1900, frequency: 2.7 }],
    },
    { file: "meta.csv", contentHash: "h2", format: "meta", rows: [row("meta", DASHED, "2026-10-01", 50)], reach: [] },
  ]);
  await store.recordCampaignStatuses([
    { source: "google-ads", account_id: DIGITS, campaign_id: "17", campaign: "Brand", state: "active", reported: "Enabled", as_of: "2026-10-02" },
    { source: "google-ads", account_id: DASHED, campaign_id: "17", campaign: "Brand", state: "paused", reported: "Paused", as_of: "2026-10-03" },
  ]);
}

const byAccount = async (s: Store) =>
  (await s.query("SELECT source, account_id, toInt64(sum(impressions)) AS n FROM spend GROUP BY source, account_id ORDER BY source, account_id")).map((r) => [r.source, r.account_id, Number(r.n)]);

for (const kind of ["one server", "cluster", "chdb"] as const) {
  const why = kind === "chdb" ? chdbSkipReason() : skip;
  test(`ClickHouse (${kind}): cpi init rewrites dashed Google Ads account ids and the audit trail's lists (migration 6)`, { skip: why ?? false }, async () => {
    const cl = cluster();
    const first = kind === "chdb" ? await chdbStore("acctmig") : kind === "cluster" ? await clusterStore(cl, "acctmig") : await singleStore(cl, "acctmig");
    const database = first.location.split("/").pop() as string;
    await writeOld(first);
    await first.close();
    const target = kind === "chdb" ? chdbTarget(database) : parseClickHouseUrl(cl.servers[0]?.url(database) as string);
    await markVersion1(target, kind === "cluster" ? cl.cluster : null);
    const rest = kind === "cluster" ? cl.servers.slice(1).map((s) => parseClickHouseUrl(s.url(database))) : [];
    await initClickHouseStore(target, { cluster: kind === "cluster" ? cl.cluster : null, nodes: rest });

    const store = await ClickHouseStore.openTarget(target);
    const meta = await store.query("SELECT max(toUInt32(value)) AS v FROM cpi_meta WHERE key = 'schema_version'");
    assert.equal(Number(meta[0]?.v), CLICKHOUSE_SCHEMA_VERSION);
    assert.deepEqual(await byAccount(store), [
      ["google-ads", DIGITS, 1900],
      ["meta", DASHED, 50],
    ]);
    assert.deepEqual((await store.query("SELECT account_id, toInt64(reach) AS r FROM platform_reach")).map((r) => [r.account_id, Number(r.r)]), [[DIGITS, 700]]);
    assert.deepEqual(
      (await store.campaignStatuses()).map((s) => [s.account_id, s.state]),
      [[DIGITS, "paused"]],
      "one status, the later of the two forms",
    );
    assert.deepEqual(
      (await store.query("SELECT file, sources, accounts FROM imports ORDER BY id")).map((r) => [r.file, r.sources, r.accounts]),
      [
        ["ui.csv", "google-ads", DIGITS],
        ["meta.csv", "meta", DASHED],
      ],
    );
    // The account's rows from the API (digits) now replace the migrated ones, not add to them.
    await store.importSpend([{ file: "api.csv", contentHash: "h3", format: "google-ads", rows: [row("google-ads", DIGITS, "2026-10-01", 1000), row("google-ads", DIGITS, "2026-10-02", 900)], reach: [] }]);
    assert.deepEqual((await byAccount(store))[0], ["google-ads", DIGITS, 1900]);
    await store.close();
    // cpi init again: nothing more to do.
    await initClickHouseStore(target, { cluster: kind === "cluster" ? cl.cluster : null, nodes: rest });
    const again = await ClickHouseStore.openTarget(target);
    assert.deepEqual((await byAccount(again))[0], ["google-ads", DIGITS, 1900]);
    await again.close();
  });
}

test("ClickHouse: a UI export's dashed customer id is imported as the 10 digits, one account with the API's in a report, as on DuckDB", { skip }, async () => {
  const cl = cluster();
  const store = await singleStore(cl, "acctimp");
  const url = cl.servers[0]?.url(store.location.split("/").pop() as string) as string;
  await store.close();
  const dir = tempDir("cpi-account-ids-ch-");
  const ui = write(
    dir,
    "google-ui.csv",
    `Campaign report\nOctober 1, 2026 - October 2, 2026\nDay,Customer ID,Account name,Campaign ID,Campaign,Currency code,Cost,Impr.,Clicks\n2026-10-01,${DASHED},Acme,17,Brand,EUR,12.34,1000,10\n2026-10-02,${DASHED},Acme,17,Brand,EUR,10.00,900,9\n`,
  );
  const api = write(dir, "google-api.csv", `segments.date,customer.id,customer.currency_code,campaign.id,campaign.name,metrics.cost_micros,metrics.impressions\n2026-10-03,${DIGITS},EUR,17,Brand,5000000,500\n`);
  const reports: string[] = [];
  for (const where of [["--store", url], ["--db", `${dir}/cpi.duckdb`]]) {
    for (const f of [ui, api]) assert.equal(cpiProcess(dir, "import", f, ...where).code, 0);
    const r = cpiProcess(dir, "report", "--by", "source,account", "--metrics", "cost,impressions", "--format", "csv", ...where);
    assert.equal(r.code, 0, r.stderr);
    reports.push(r.stdout);
  }
  assert.match(reports[0] as string, new RegExp(`google-ads,${DIGITS},27\\.34,2400`));
  assert.equal(reports[0], reports[1]);
});
