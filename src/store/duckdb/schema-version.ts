import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../../domain/errors.js";
import { SCHEMA_VERSION } from "./schema.js";

/**
 * Refuses a store whose schema version is above what this cpi knows (written by a newer cpi), before
 * anything is created or changed in it: an older cpi must not write tables it does not understand.
 */
export async function refuseNewerSchema(conn: DuckDBConnection, path: string): Promise<void> {
  const table = await conn.runAndReadAll("SELECT 1 FROM information_schema.tables WHERE table_name = 'cpi_meta' AND table_schema = 'main'");
  if (table.getRows().length === 0) return;
  const rows = (await conn.runAndReadAll("SELECT value FROM cpi_meta WHERE key = 'schema_version'")).getRows();
  const version = Number(rows[0]?.[0] ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new UserError("store_newer", `the store ${path} was written by a newer cpi (store schema ${version}, this cpi knows up to ${SCHEMA_VERSION}): upgrade cpi (npm install -g cpi-engine@latest) to open it`);
  }
}
