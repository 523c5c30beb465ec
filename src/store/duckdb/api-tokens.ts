// API tokens on DuckDB: one row per token; revoking marks it (ids are never reused). Only the hash of a
// secret is stored.
import { BIGINT, type DuckDBConnection, VARCHAR } from "@duckdb/node-api";
import type { ApiToken, NewApiToken } from "../../domain/api-token.js";
import type { Query } from "./event-tables.js";


/** The table, created with the rest of the schema (revoked_at was added after the first version). */
export const API_TOKENS_DDL = [
  `CREATE TABLE IF NOT EXISTS api_tokens (
     id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, hash VARCHAR NOT NULL, prefix VARCHAR NOT NULL, created_at VARCHAR NOT NULL,
     revoked_at VARCHAR)`,
  "ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS revoked_at VARCHAR",
];

/** Every live token by id. */
export async function listApiTokensDuckDb(query: Query): Promise<ApiToken[]> {
  const rows = await query("SELECT id, name, hash, prefix, created_at FROM api_tokens WHERE revoked_at IS NULL ORDER BY id");
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name), hash: String(r.hash), prefix: String(r.prefix), createdAt: String(r.created_at) }));
}

/** Inserts a token under the next id. */
export async function insertApiTokenDuckDb(conn: DuckDBConnection, query: Query, t: NewApiToken): Promise<ApiToken> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const id = Number((await query("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM api_tokens"))[0]?.id ?? 1);
    await conn.run("INSERT INTO api_tokens VALUES ($1, $2, $3, $4, $5, NULL)", [id, t.name, t.hash, t.prefix, t.createdAt], [BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR]);
    await conn.run("COMMIT");
    return { ...t, id };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
}

/** Marks a live token revoked. */
export async function deleteApiTokenDuckDb(conn: DuckDBConnection, id: number): Promise<boolean> {
  const res = await conn.run("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [new Date().toISOString(), Math.trunc(id)], [VARCHAR, BIGINT]);
  return Number(res.rowsChanged) > 0;
}
