// Store migrations: an older store is brought to SCHEMA_VERSION when opened, one numbered step after
// another, each in its own transaction with the version it reaches (a crash leaves a store at a
// whole step). Numbers are reserved per issue (2: canonical source ids, 3: conversions as micros,
// 4: Google Ads account ids); a step applies on top of any earlier version.
import type { DuckDBConnection } from "@duckdb/node-api";

/** A Google Ads customer id stored with dashes (SQL: the account_id column, or a value). */
const dashed = (col: string) => `regexp_full_match(${col}, '\\d{3}-\\d{3}-\\d{4}')`;

/**
 * Step 4: Google Ads customer ids stored as "123-456-7890" (from UI exports) become the 10 digits
 * the API gives (domain/account-ids.ts), in every table that keeps an account id. A campaign status
 * stored under both forms keeps the later one.
 */
const GOOGLE_ACCOUNT_IDS: readonly string[] = [
  `UPDATE spend SET account_id = replace(account_id, '-', '') WHERE source = 'google-ads' AND ${dashed("account_id")}`,
  `UPDATE platform_reach SET account_id = replace(account_id, '-', '') WHERE source = 'google-ads' AND ${dashed("account_id")}`,
  `INSERT INTO campaign_status
     SELECT source, replace(account_id, '-', ''), campaign_id, campaign, state, reported, as_of FROM campaign_status
     WHERE source = 'google-ads' AND ${dashed("account_id")}
     ON CONFLICT (source, account_id, campaign_id) DO UPDATE SET campaign = excluded.campaign, state = excluded.state, reported = excluded.reported, as_of = excluded.as_of
     WHERE excluded.as_of > campaign_status.as_of`,
  `DELETE FROM campaign_status WHERE source = 'google-ads' AND ${dashed("account_id")}`,
  `UPDATE imports SET accounts = regexp_replace(accounts, '\\b(\\d{3})-(\\d{3})-(\\d{4})\\b', '\\1\\2\\3', 'g') WHERE sources LIKE '%google-ads%'`,
];

/** The steps by the version they reach. */
export const MIGRATIONS: ReadonlyMap<number, readonly string[]> = new Map([[4, GOOGLE_ACCOUNT_IDS]]);

/**
 * Brings a store from its stored schema version up to `target`, step by step (a missing number is a
 * step another branch of cpi owns: skipped). Returns the versions applied.
 * @example await migrate(conn, 4) // [4] for a store at version 1
 */
export async function migrate(conn: DuckDBConnection, target: number): Promise<number[]> {
  const reader = await conn.runAndReadAll("SELECT value FROM cpi_meta WHERE key = 'schema_version'");
  const stored = Number(reader.getRows()[0]?.[0] ?? target);
  const applied: number[] = [];
  for (let v = stored + 1; v <= target; v++) {
    const steps = MIGRATIONS.get(v);
    await conn.run("BEGIN TRANSACTION");
    try {
      for (const sql of steps ?? []) await conn.run(sql);
      await conn.run(`UPDATE cpi_meta SET value = '${v}' WHERE key = 'schema_version'`);
      await conn.run("COMMIT");
    } catch (e) {
      await conn.run("ROLLBACK");
      throw e;
    }
    if (steps) applied.push(v);
  }
  return applied;
}
