// Where a store's import lock lives. On a cluster the commit log and the small tables are on the
// first shard (Distributed tables sharded by 0); the lock must be one per store too, whichever server
// an importer's URL names: `cpi init --cluster` records that server's endpoint in cpi_meta
// (`lock_server`), and every importer takes the lock there (forwarded from any other server).
// Without the record (a store made by an older cpi), only the first shard's own server may import.
import { UserError } from "../../domain/errors.js";
import { ClickHouseConnection } from "./connection.js";
import { type ClickHouseTarget, describeTarget } from "./store-url.js";

/** The meta key naming the lock's server. */
export const LOCK_SERVER_KEY = "lock_server";

/** The connection an importer takes the lock through, and whether it was opened for that (to close). */
export interface LockConnection {
  conn: ClickHouseConnection;
  own: boolean;
}

/**
 * The lock's connection for a store opened through `conn`: `conn` itself on one server or when it
 * talks to the lock's server, else a connection to the recorded server (same user and database).
 */
export async function lockConnection(conn: ClickHouseConnection): Promise<LockConnection> {
  const meta = await conn.query(`SELECT key, value FROM cpi_meta WHERE key IN ('cluster', '${LOCK_SERVER_KEY}')`);
  const last = (k: string) => meta.filter((r) => r.key === k).map((r) => String(r.value)).pop() ?? "";
  const cluster = last("cluster");
  if (!cluster) return { conn, own: false };
  const server = last(LOCK_SERVER_KEY);
  if (server) {
    if (server === conn.target.endpoint) return { conn, own: false };
    return { conn: new ClickHouseConnection({ ...conn.target, endpoint: server, inProcess: undefined }), own: true };
  }
  const name = cluster.replace(/'/g, "");
  const first = await conn.query(`SELECT is_local AS local FROM system.clusters WHERE cluster = '${name}' ORDER BY shard_num, replica_num LIMIT 1`);
  if (Number(first[0]?.local ?? 0) === 1) return { conn, own: false };
  throw new UserError(
    "lock_elsewhere",
    `ClickHouse at ${describeTarget(conn.target)} is not the server of shard 1 of cluster '${cluster}', where this store's import lock and commit log live: import through that server, or run 'cpi init --store URL --cluster ${cluster}' with the store URL of that server to record it so that every server forwards to it`,
  );
}

/** The endpoint of the first shard's server among those `cpi init` reached. */
export function lockServerOf(servers: readonly { target: ClickHouseTarget; shard: number | null }[]): string | null {
  const first = [...servers].filter((s) => s.shard !== null).sort((a, b) => (a.shard as number) - (b.shard as number))[0];
  return first ? first.target.endpoint : null;
}
