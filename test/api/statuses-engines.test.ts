// test:slow
// Campaign statuses behave the same on DuckDB, one ClickHouse server and a two-shard cluster: the
// status of the export covering the latest day wins, an older export imported later does not bring
// an old status back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CampaignStatus } from "../../src/domain/campaign-status.js";
import { skipReason, startClickHouse, type TestCluster } from "../clickhouse/harness.js";
import { engineStores, type NamedStore } from "../clickhouse/stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];

before(async () => {
  if (skip) return;
  cluster = await startClickHouse(2);
  stores = await engineStores(cluster);
});
after(async () => {
  for (const s of stores) await s.store.close();
  await cluster?.stop();
});

const status = (campaign: string, state: CampaignStatus["state"], reported: string, as_of: string): CampaignStatus => ({
  source: "google-ads",
  account_id: "123",
  campaign_id: campaign,
  campaign,
  state,
  reported,
  as_of,
});

test("campaign statuses on every engine: the latest export's word wins", { skip }, async () => {
  for (const { name, store } of stores) {
    assert.deepEqual(await store.campaignStatuses(), [], name);
    await store.recordCampaignStatuses([status("Brand", "active", "Enabled", "2026-10-01"), status("Sale", "active", "Enabled", "2026-10-01")]);
    await store.recordCampaignStatuses([status("Sale", "paused", "Paused", "2026-10-08")]);
    await store.recordCampaignStatuses([status("Sale", "active", "Enabled", "2026-10-03")]); // an older export, imported later
    const got = await store.campaignStatuses();
    assert.deepEqual(
      got.map((s) => [s.campaign, s.state, s.reported, s.as_of]),
      [
        ["Brand", "active", "Enabled", "2026-10-01"],
        ["Sale", "paused", "Paused", "2026-10-08"],
      ],
      name,
    );
  }
});
