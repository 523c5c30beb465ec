// API tokens on ClickHouse: versions of each token in a small ReplacingMergeTree-style table, read
// through argMax by version (a revoke inserts a newer version marked deleted). The table is created on
// first use, so stores initialised before tokens existed need no migration.
import type { ApiToken, NewApiToken } from "../../domain/api-token.js";
import type { ClickHouseConnection } from "./connection.js";
import { tsvString } from "./tsv.js";

const COLUMNS = ["id", "name", "hash", "prefix", "created_at", "deleted", "version"];
const ensured = new WeakSet<ClickHouseConnection>();

async function ensureTable(conn: ClickHouseConnection): Promise<void> {
  if (ensured.has(conn)) return;
  await conn.command(
    "CREATE TABLE IF NOT EXISTS api_token_versions (id UInt64, name String, hash String, prefix String, created_at String, deleted UInt8, version UInt64) ENGINE = MergeTree ORDER BY (id, version)",
  );
  ensured.add(conn);
}

/** Every live token by id. */
export async function apiTokensClickHouse(conn: ClickHouseConnection): Promise<ApiToken[]> {
  await ensureTable(conn);
  const rows = await conn.query(
    "SELECT id, argMax(name, version) AS name, argMax(hash, version) AS hash, argMax(prefix, version) AS prefix, argMax(created_at, version) AS created_at, argMax(deleted, version) AS deleted FROM api_token_versions GROUP BY id ORDER BY id",
  );
  return rows
    .filter((r) => Number(r.deleted) === 0)
    .map((r) => ({ id: Number(r.id), name: String(r.name), hash: String(r.hash), prefix: String(r.prefix), createdAt: String(r.created_at) }));
}

async function insertVersion(conn: ClickHouseConnection, t: ApiToken, deleted: boolean): Promise<void> {
  const r = await conn.query("SELECT max(version) AS v FROM api_token_versions");
  const version = BigInt((r[0]?.v as bigint | undefined) ?? 0n) + 1n;
  const line = `${t.id}\t${tsvString(t.name)}\t${tsvString(t.hash)}\t${tsvString(t.prefix)}\t${tsvString(t.createdAt)}\t${deleted ? 1 : 0}\t${version}\n`;
  await conn.insertTsv("api_token_versions", COLUMNS, [line]);
}

/** Stores a token under the next id. */
export async function addApiTokenClickHouse(conn: ClickHouseConnection, t: NewApiToken): Promise<ApiToken> {
  await ensureTable(conn);
  const r = await conn.query("SELECT max(id) AS id FROM api_token_versions");
  const token: ApiToken = { ...t, id: Number(r[0]?.id ?? 0) + 1 };
  await insertVersion(conn, token, false);
  return token;
}

/** Revokes a token by inserting a deleted version; false when there is no live one with that id. */
export async function revokeApiTokenClickHouse(conn: ClickHouseConnection, id: number): Promise<boolean> {
  const found = (await apiTokensClickHouse(conn)).find((t) => t.id === Math.trunc(id));
  if (!found) return false;
  await insertVersion(conn, found, true);
  return true;
}
