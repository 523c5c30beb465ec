// Schema migrations of a DuckDB store, applied in order when an older store is opened. Each step
// runs in one transaction with the version it brings the store to, so a failed step leaves the store
// as it was. Numbers are reserved across issues (2: canonical source ids; 3: conversions as micros;
// 4: Google Ads account ids without dashes; 5: tracked-event rollups). A version a build has no step for is passed over.
import type { DuckDBConnection } from "@duckdb/node-api";
import { canonicalSourceList } from "../../domain/audit-lists.js";
import { storedAliases } from "../../domain/sources.js";

type Run = (sql: string, values?: string[]) => Promise<{ [k: string]: unknown }[]>;

export interface Migration {
  version: number;
  /** What it changes, for the log and for the reader. */
  what: string;
  apply: (run: Run) => Promise<void>;
}

/** Tables whose `source` column holds a source id. */
const SOURCE_TABLES = ["spend", "platform_reach"] as const;

/** 2: every platform's source id spelled one way ("google_ads" → "google-ads"), on every table that names it. */
const canonicalSourceIds: Migration = {
  version: 2,
  what: "canonical source ids (issue 20)",
  apply: async (run) => {
    const stored = new Set<string>();
    for (const t of [...SOURCE_TABLES, "campaign_status"]) for (const r of await run(`SELECT DISTINCT source FROM ${t}`)) stored.add(String(r.source));
    for (const [alias, id] of storedAliases([...stored])) {
      for (const t of SOURCE_TABLES) await run(`UPDATE ${t} SET source = $2 WHERE source = $1`, [alias, id]);
      // One status per source × account × campaign: the newer report's wins when both spellings have one.
      const same = "a.source = $1 AND c.source = $2 AND a.account_id = c.account_id AND a.campaign_id = c.campaign_id";
      await run(`DELETE FROM campaign_status WHERE source = $2 AND EXISTS (SELECT 1 FROM campaign_status a, campaign_status c WHERE ${same} AND a.as_of > c.as_of AND c.account_id = campaign_status.account_id AND c.campaign_id = campaign_status.campaign_id)`, [alias, id]);
      await run(`DELETE FROM campaign_status WHERE source = $1 AND EXISTS (SELECT 1 FROM campaign_status a, campaign_status c WHERE ${same} AND a.account_id = campaign_status.account_id AND a.campaign_id = campaign_status.campaign_id)`, [alias, id]);
      await run(`UPDATE campaign_status SET source = $2 WHERE source = $1`, [alias, id]);
    }
    // The audit trail lists each import's sources, comma-separated.
    for (const r of await run("SELECT id, sources FROM imports")) {
      const fixed = canonicalSourceList(String(r.sources));
      if (fixed !== String(r.sources)) await run("UPDATE imports SET sources = $1 WHERE id = CAST($2 AS BIGINT)", [fixed, String(r.id)]);
    }
  },
};

/**
 * 3: conversions as exact integers of micro-units (issue 20.5, 22), like money: a DOUBLE's sum depended
 * on the order of addition (9288.250000000271 on DuckDB, …215 on ClickHouse). The column keeps its
 * place (inserts are positional) and is renamed, so that code still writing fractional conversions
 * into it fails instead of being rounded to whole ones.
 */
const conversionsMicros: Migration = {
  version: 3,
  what: "conversions as micro-units (issue 22)",
  apply: async (run) => {
    const cols = await run("SELECT column_name FROM information_schema.columns WHERE table_name = 'spend' AND column_name IN ('conversions', 'conversions_micros')");
    if (!cols.some((c) => c.column_name === "conversions")) return;
    await run("ALTER TABLE spend ALTER COLUMN conversions TYPE BIGINT USING CAST(round(conversions * 1000000) AS BIGINT)");
    await run("ALTER TABLE spend RENAME COLUMN conversions TO conversions_micros");
  },
};

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

/** 4: Google Ads account ids as the API gives them (issue 18). */
const googleAccountIds: Migration = {
  version: 4,
  what: "Google Ads account ids without dashes (issue 18)",
  apply: async (run) => {
    for (const sql of GOOGLE_ACCOUNT_IDS) await run(sql);
  },
};

/** The rollup of every stored event, as `appendTrackedBatch` writes it batch by batch (one row per key here). */
export const BUILD_EVENT_ROLLUP = `INSERT INTO event_rollup
  SELECT time_bucket(INTERVAL 15 MINUTE, ts) AS b, campaign, placement, creative, COUNT(*),
    COUNT(*) FILTER (WHERE type = 'impression'), COUNT(*) FILTER (WHERE type = 'click')
  FROM events GROUP BY b, campaign, placement, creative`;

/** The 1/64 visitor sample of every stored impression (visitor key's low 6 bits at 0), one row per bucket × campaign × placement × creative × visitor. */
export const BUILD_REACH_SAMPLE = `INSERT INTO reach_sample
  SELECT DISTINCT time_bucket(INTERVAL 15 MINUTE, ts), campaign, placement, creative, visitor
  FROM events WHERE type = 'impression' AND visitor & 63 = 0`;

/** 5: tracked-event rollups and the visitor sample (issue 24), built from the events a store already holds. */
const eventRollups: Migration = {
  version: 5,
  what: "tracked-event rollups and visitor sample (issue 24)",
  apply: async (run) => {
    await run("DELETE FROM event_rollup");
    await run(BUILD_EVENT_ROLLUP);
    await run("DELETE FROM reach_sample");
    await run(BUILD_REACH_SAMPLE);
  },
};

/** Every migration, in order. */
export const DUCKDB_MIGRATIONS: readonly Migration[] = [canonicalSourceIds, conversionsMicros, googleAccountIds, eventRollups];

/** Brings a store whose cpi_meta says an older schema version up to `latest`, step by step. */
export async function migrateDuckDb(conn: DuckDBConnection, latest: number): Promise<number[]> {
  const run: Run = async (sql, values) => (await conn.runAndReadAll(sql, values)).getRowObjectsJS() as { [k: string]: unknown }[];
  const version = Number((await run("SELECT value FROM cpi_meta WHERE key = 'schema_version'"))[0]?.value ?? latest);
  const applied: number[] = [];
  for (const m of DUCKDB_MIGRATIONS) {
    if (m.version <= version || m.version > latest) continue;
    await conn.run("BEGIN TRANSACTION");
    try {
      await m.apply(run);
      await run("UPDATE cpi_meta SET value = $1 WHERE key = 'schema_version'", [String(m.version)]);
      await conn.run("COMMIT");
    } catch (e) {
      await conn.run("ROLLBACK");
      throw e;
    }
    applied.push(m.version);
  }
  return applied;
}
