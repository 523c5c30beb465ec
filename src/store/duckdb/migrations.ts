// Schema migrations of a DuckDB store, applied in order when an older store is opened. Each step
// runs in one transaction with the version it brings the store to, so a failed step leaves the store
// as it was. Numbers are reserved across issues (2: canonical source ids; 3: conversions as
// micro-units; 4: other issues).
import type { DuckDBConnection } from "@duckdb/node-api";

type Run = (sql: string, values?: string[]) => Promise<{ [k: string]: unknown }[]>;

export interface Migration {
  version: number;
  /** What it changes, for the log and for the reader. */
  what: string;
  apply: (run: Run) => Promise<void>;
}

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

/** Every migration, in order. */
export const DUCKDB_MIGRATIONS: readonly Migration[] = [conversionsMicros];

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
