// test:slow
// Issue 20.4 on ClickHouse: a store written with source aliases (google_ads, bing) is migrated to the
// canonical ids by `cpi init` (schema migration 2; opening an older store says to run it) — on one server and on a cluster — its totals unchanged,
// its platform reach and campaign statuses renamed too, and a later import of the same rows replaces them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { blankSpendRow } from "../../src/domain/spend.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { CLICKHOUSE_SCHEMA_VERSION } from "../../src/store/clickhouse/schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import type { Store } from "../../src/store/store.js";
import { clusterForFile } from "./harness.js";
import { clusterStore, markVersion1, singleStore } from "./stores.js";

const { skip, cluster } = clusterForFile(2);

const row = (source: string, campaign: string, impressions: number) => ({ ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-01", source, account_id: "a", currency: "USD", campaign, campaign_id: campaign, impressions, cost: 10_000_000n });

async function writeOld(store: Store): Promise<void> {
  await store.importSpend([
    {
      file: "old.csv",
      contentHash: "h",
      format: "generic",
      rows: [row("google_ads", "A", 1000), row("bing", "B", 200), row("direct", "C", 30)],
      reach: [{ source: "google_ads", account_id: "a", level: "campaign", campaign: "A", ad_group: "", ad: "", date_start: "2026-10-01", date_end: "2026-10-01", reach: 500, impressions: 1000, frequency: 2 }],
    },
  ]);
  await store.recordCampaignStatuses([{ source: "google_ads", account_id: "a", campaign_id: "A", campaign: "A", state: "ended", reported: "Ended", as_of: "2026-10-02" }]);
}

const bySource = async (s: Store) => (await s.query("SELECT source, toInt64(sum(impressions)) AS n FROM spend GROUP BY source ORDER BY source")).map((r) => [r.source, Number(r.n)]);

for (const kind of ["one server", "cluster"] as const) {
  test(`ClickHouse (${kind}): google_ads and bing become google-ads and microsoft-ads at cpi init, totals unchanged`, { skip }, async () => {
    const cl = cluster();
    const first = kind === "cluster" ? await clusterStore(cl, "srcmig") : await singleStore(cl, "srcmig");
    const database = first.location.split("/").pop() as string;
    await writeOld(first);
    await first.close();
    const url = cl.servers[0]?.url(database) as string;
    const target = parseClickHouseUrl(url);
    await markVersion1(target, kind === "cluster" ? cl.cluster : null);

    await assert.rejects(ClickHouseStore.openTarget(target), /schema version 1, this cpi needs \d+: run 'cpi init --store URL/);
    const rest = kind === "cluster" ? cl.servers.slice(1).map((s) => parseClickHouseUrl(s.url(database))) : [];
    await initClickHouseStore(target, { cluster: kind === "cluster" ? cl.cluster : null, nodes: rest });
    const store = await ClickHouseStore.openTarget(target);
    const meta = await store.query("SELECT max(toUInt32(value)) AS v FROM cpi_meta WHERE key = 'schema_version'");
    assert.equal(Number(meta[0]?.v), CLICKHOUSE_SCHEMA_VERSION);
    assert.deepEqual(await bySource(store), [
      ["direct", 30],
      ["google-ads", 1000],
      ["microsoft-ads", 200],
    ]);
    assert.deepEqual((await store.query("SELECT source, toInt64(reach) AS r FROM platform_reach")).map((r) => [r.source, Number(r.r)]), [["google-ads", 500]]);
    assert.deepEqual((await store.campaignStatuses()).map((s) => [s.source, s.campaign_id, s.state]), [["google-ads", "A", "ended"]]);
    // The same rows imported again under the canonical id replace the migrated ones, not add to them.
    await store.importSpend([{ file: "new.csv", contentHash: "n", format: "generic", rows: [row("google-ads", "A", 1000)], reach: [] }]);
    assert.deepEqual((await bySource(store)).find((r) => r[0] === "google-ads"), ["google-ads", 1000]);
    await store.close();
    // Opened again: nothing more to do.
    const again = await ClickHouseStore.openTarget(target);
    assert.deepEqual(await bySource(again), [
      ["direct", 30],
      ["google-ads", 1000],
      ["microsoft-ads", 200],
    ]);
    await again.close();
  });
}
