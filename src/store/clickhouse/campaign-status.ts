// Campaign statuses on ClickHouse: versions in a small MergeTree table, read through argMax by version
// (the as-of day first, then the time of the insert), created on first use like the API tokens.
import { type CampaignStatus, campaignStatusOfRow } from "../../domain/campaign-status.js";
import { isoToEpochDay } from "../../domain/dates.js";
import type { ClickHouseConnection } from "./connection.js";
import { tsvString } from "./tsv.js";

const COLUMNS = ["source", "account_id", "campaign_id", "campaign", "state", "reported", "as_of", "version"];
const ensured = new WeakSet<ClickHouseConnection>();

async function ensureTable(conn: ClickHouseConnection): Promise<void> {
  if (ensured.has(conn)) return;
  await conn.command(
    "CREATE TABLE IF NOT EXISTS campaign_status_versions (source String, account_id String, campaign_id String, campaign String, state String, reported String, as_of Date, version UInt64) ENGINE = MergeTree ORDER BY (source, account_id, campaign_id, version)",
  );
  ensured.add(conn);
}

/** Records statuses: a version per row, ordered by its as-of day, then by when it was written. */
export async function recordCampaignStatusesClickHouse(conn: ClickHouseConnection, rows: readonly CampaignStatus[]): Promise<void> {
  if (rows.length === 0) return;
  await ensureTable(conn);
  const now = BigInt(Date.now());
  const lines = rows.map((r) => {
    const version = BigInt(isoToEpochDay(r.as_of) ?? 0) * 10n ** 13n + now;
    return `${[r.source, r.account_id, r.campaign_id, r.campaign, r.state, r.reported].map(tsvString).join("\t")}\t${r.as_of}\t${version}\n`;
  });
  await conn.insertTsv("campaign_status_versions", COLUMNS, lines);
}

/** The latest status of every campaign. */
export async function campaignStatusesClickHouse(conn: ClickHouseConnection): Promise<CampaignStatus[]> {
  await ensureTable(conn);
  const rows = await conn.query(
    "SELECT source, account_id, campaign_id, argMax(campaign, version) AS campaign, argMax(state, version) AS state, argMax(reported, version) AS reported, toString(argMax(as_of, version)) AS as_of FROM campaign_status_versions GROUP BY source, account_id, campaign_id ORDER BY source, account_id, campaign_id",
  );
  return rows.map(campaignStatusOfRow);
}
