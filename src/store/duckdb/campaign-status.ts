// Campaign statuses on DuckDB: one row per source × account × campaign, the export covering the
// latest day winning (an older export imported later does not bring a status back).
import type { DuckDBConnection } from "@duckdb/node-api";
import { type CampaignStatus, campaignStatusOfRow } from "../../domain/campaign-status.js";
import { duckdbDialect } from "../../query/duckdb-dialect.js";
import type { ResultRow } from "../store.js";

const q = duckdbDialect.quoteString;

/** The table, created with the rest of the schema (stores made before it get it on open). */
export const CAMPAIGN_STATUS_DDL = [
  `CREATE TABLE IF NOT EXISTS campaign_status (
     source VARCHAR NOT NULL, account_id VARCHAR NOT NULL, campaign_id VARCHAR NOT NULL, campaign VARCHAR NOT NULL,
     state VARCHAR NOT NULL, reported VARCHAR NOT NULL, as_of DATE NOT NULL,
     PRIMARY KEY (source, account_id, campaign_id))`,
];

/** Records statuses in one transaction; a stored status as of a later day is kept. */
export async function recordCampaignStatusesDuckDb(conn: DuckDBConnection, rows: readonly CampaignStatus[]): Promise<void> {
  if (rows.length === 0) return;
  await conn.run("BEGIN TRANSACTION");
  try {
    for (const r of rows) {
      await conn.run(
        `INSERT INTO campaign_status VALUES (${q(r.source)}, ${q(r.account_id)}, ${q(r.campaign_id)}, ${q(r.campaign)}, ${q(r.state)}, ${q(r.reported)}, DATE ${q(r.as_of)})
         ON CONFLICT (source, account_id, campaign_id) DO UPDATE SET campaign = excluded.campaign, state = excluded.state, reported = excluded.reported, as_of = excluded.as_of
         WHERE excluded.as_of >= campaign_status.as_of`,
      );
    }
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
}

/** Every stored status. */
export async function campaignStatusesDuckDb(query: (sql: string) => Promise<ResultRow[]>): Promise<CampaignStatus[]> {
  const rows = await query("SELECT source, account_id, campaign_id, campaign, state, reported, strftime(as_of, '%Y-%m-%d') AS as_of FROM campaign_status ORDER BY source, account_id, campaign_id");
  return rows.map(campaignStatusOfRow);
}
