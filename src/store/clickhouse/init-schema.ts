// `cpi init` on ClickHouse: creates the schema on one server, or on every server of a cluster
// (18.16 runs ON CLUSTER DDL only through ZooKeeper, so cpi connects to each server itself).
import { UserError } from "../../domain/errors.js";
import type { ResultRow } from "../store.js";
import { ClickHouseConnection } from "./connection.js";
import { needsConversionsUpgrade, upgradeConversions } from "./conversions-upgrade.js";
import { withImportLock } from "./import-lock.js";
import { LOCK_SERVER_KEY, lockConnection, lockServerOf } from "./lock-server.js";
import { migrateClickHouse } from "./migrations.js";
import { buildReachSampleStatement, buildRollupStatement, CLICKHOUSE_SCHEMA_VERSION, schemaStatements, schemaUpgrades } from "./schema.js";
import { type ClickHouseTarget, describeTarget } from "./store-url.js";

export interface InitOptions {
  /** A cluster from the servers' remote_servers config; null for one server. */
  cluster: string | null;
  /**
   * Every server of the cluster (the store URL's server included or not). When empty, each host the
   * cluster names is reached at the store URL's port with its credentials.
   */
  nodes: readonly ClickHouseTarget[];
}

export interface InitOutcome {
  database: string;
  cluster: string | null;
  /** The servers the schema was created on, with the shard each one is. */
  servers: { endpoint: string; shard: number | null }[];
}

/** The cpi_meta key listing a cluster's servers (endpoints, space-separated), where compactions delete retired rollup rows (rollup-cleanup.ts). */
export const SHARD_SERVERS_KEY = "shard_servers";

interface ClusterHost {
  shard: number;
  host: string;
  isLocal: boolean;
}

async function clusterHosts(conn: ClickHouseConnection, cluster: string): Promise<ClusterHost[]> {
  const rows = await conn.query(
    `SELECT shard_num, host_name, is_local FROM system.clusters WHERE cluster = '${cluster.replace(/'/g, "")}' ORDER BY shard_num, replica_num`,
  );
  return rows.map((r) => ({ shard: Number(r.shard_num), host: String(r.host_name), isLocal: Number(r.is_local) === 1 }));
}

async function withConnection<T>(t: ClickHouseTarget, fn: (c: ClickHouseConnection) => Promise<T>): Promise<T> {
  const conn = new ClickHouseConnection(t, null);
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** The servers a schema lives on: the store URL's alone, or every server of the cluster (each shard covered). */
export async function clusterServers(target: ClickHouseTarget, o: InitOptions): Promise<{ target: ClickHouseTarget; shard: number | null }[]> {
  const servers: { target: ClickHouseTarget; shard: number | null }[] = [];
  if (o.cluster === null) servers.push({ target, shard: null });
  else {
    const cluster = o.cluster;
    const hosts = await withConnection(target, (c) => clusterHosts(c, cluster));
    if (hosts.length === 0) {
      throw new UserError("unknown_cluster", `ClickHouse at ${describeTarget(target)} has no cluster '${cluster}' in its remote_servers config`);
    }
    const port = new URL(target.endpoint).port;
    const scheme = new URL(target.endpoint).protocol;
    const candidates = o.nodes.length
      ? [target, ...o.nodes.filter((n) => n.endpoint !== target.endpoint)]
      : [...new Set(hosts.map((h) => h.host))].map((host) => ({ ...target, endpoint: `${scheme}//${host}:${port}` }));
    // Each server tells which shard it is (is_local); every shard must be covered.
    for (const t of candidates) {
      const mine = await withConnection(t, (c) => clusterHosts(c, cluster));
      const local = mine.find((h) => h.isLocal);
      if (!local) throw new UserError("not_in_cluster", `ClickHouse at ${describeTarget(t)} is not a server of cluster '${cluster}'`);
      if (!servers.some((s) => s.target.endpoint === t.endpoint)) servers.push({ target: { ...t, database: target.database }, shard: local.shard });
    }
    const missing = [...new Set(hosts.map((h) => h.shard))].filter((s) => !servers.some((x) => x.shard === s));
    if (missing.length) {
      throw new UserError("missing_shards", `cluster '${cluster}' has shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} that no --node reaches: pass every server's URL with --node`);
    }
  }
  return servers;
}

/** Every `table.column` of the database's events tables and view, on the server `c` talks to. */
export async function eventColumns(c: ClickHouseConnection, database: string): Promise<Set<string>> {
  const rows = await c.query(
    `SELECT table, name FROM system.columns WHERE database = '${database.replace(/'/g, "")}' AND table IN ('events_rows_local', 'events_rows', 'events')`,
  );
  return new Set(rows.map((r) => `${r.table}.${r.name}`));
}

/**
 * Adds to one server's existing schema what later versions of cpi added (schemaUpgrades); idempotent,
 * and nothing on a server without the schema yet. It runs before the CREATE … IF NOT EXISTS statements:
 * 18.16 checks a view's query even when the view exists, and the new `events` view needs the column.
 */
async function upgradeSchema(c: ClickHouseConnection, database: string, cluster: string | null): Promise<void> {
  const have = await eventColumns(c, database);
  if (![...have].some((x) => x.startsWith("events_rows."))) return;
  for (const stmt of schemaUpgrades(database, cluster, (t, col) => have.has(`${t}.${col}`))) await c.command(stmt);
}

/** The cluster an existing schema was created for ("" for one server), or null when there is none. */
async function existingCluster(target: ClickHouseTarget): Promise<string | null> {
  try {
    const rows = await withConnection(target, (c) => c.query(`SELECT value FROM ${target.database}.cpi_meta WHERE key = 'cluster'`));
    return rows[0] ? String(rows[0].value) : null;
  } catch (e) {
    if (e instanceof UserError && e.code === "store_uninitialised") return null;
    throw e;
  }
}

/**
 * Creates (idempotently) the cpi schema. An existing schema is kept as it is; asking for another
 * cluster than the one it was made for is an error. @example await initClickHouseStore(target, { cluster: null, nodes: [] })
 */
export async function initClickHouseStore(target: ClickHouseTarget, o: InitOptions): Promise<InitOutcome> {
  if (o.cluster !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.cluster)) {
    throw new UserError("bad_cluster", `--cluster '${o.cluster}': a cluster name is letters, digits and underscores`);
  }
  const existing = await existingCluster(target);
  if (existing !== null && o.cluster === null && existing !== "") {
    // A cluster's servers are brought up to date only when it is named (--cluster).
    return { database: target.database, cluster: existing, servers: [{ endpoint: target.endpoint, shard: null }] };
  }
  if (existing !== null && o.cluster !== null && o.cluster !== existing) {
    throw new UserError(
      "store_exists",
      `ClickHouse at ${describeTarget(target)} already holds a cpi schema ${existing ? `on cluster '${existing}'` : "for one server"}, not on cluster '${o.cluster}'`,
    );
  }
  const servers = await clusterServers(target, o);
  // An older store first gets its rows rewritten (migrations.ts: 2, source ids; 6, Google Ads account
  // ids; they take the import lock themselves), then the steps below bring each server to
  // CLICKHOUSE_SCHEMA_VERSION and record it.
  if (existing !== null) {
    // In the store's database (the steps name its tables unqualified, as a store's queries do).
    const conns = servers.map((s) => new ClickHouseConnection(s.target));
    const c = conns[0] as ClickHouseConnection;
    try {
      const meta = await c.query("SELECT key, value FROM cpi_meta");
      const version = Number(meta.filter((r) => r.key === "schema_version").pop()?.value ?? 0);
      if (version < CLICKHOUSE_SCHEMA_VERSION) await migrateClickHouse({ conn: c, cluster: o.cluster, store: describeTarget(target), servers: conns }, version, CLICKHOUSE_SCHEMA_VERSION);
    } finally {
      for (const x of conns) await x.close();
    }
  }
  // On a cluster, every server names the one that holds the import lock (the first shard's, where the
  // commit log is), so that importers through any server take the same lock.
  const lockServer = o.cluster ? lockServerOf(servers) : null;
  const shardServers = o.cluster ? servers.map((s) => s.target.endpoint).join(" ") : null;
  let upgrade = false;
  for (const s of servers) if (existing !== null && (await withConnection(s.target, (c) => needsConversionsUpgrade(c, target.database, o.cluster)))) upgrade = true;
  await underImportLock(target, upgrade, async () => {
    for (const s of servers) await withConnection(s.target, (c) => prepareServer(c, target.database, o.cluster, { lockServer, shardServers }));
  });
  return { database: target.database, cluster: o.cluster, servers: servers.map((s) => ({ endpoint: s.target.endpoint, shard: s.shard })) };
}

/** Runs `fn` holding the store's import lock when `needed` (a schema step that rewrites a table). */
async function underImportLock(target: ClickHouseTarget, needed: boolean, fn: () => Promise<void>): Promise<void> {
  if (!needed) return fn();
  const conn = new ClickHouseConnection(target);
  try {
    const lock = await lockConnection(conn);
    try {
      await withImportLock(lock.conn, fn, { store: describeTarget(target) });
    } finally {
      if (lock.own) await lock.conn.close();
    }
  } finally {
    await conn.close();
  }
}

/** One server's cpi_meta rows, or none when it has no schema yet. */
async function metaOf(c: ClickHouseConnection, database: string): Promise<ResultRow[]> {
  const exists = await c.query(`SELECT count() AS n FROM system.tables WHERE database = '${database.replace(/'/g, "")}' AND name = 'cpi_meta'`);
  return Number(exists[0]?.n ?? 0) > 0 ? c.query(`SELECT key, value FROM ${database}.cpi_meta`) : [];
}

/** One server's schema: earlier versions' tables upgraded, every table and view created, cpi_meta written. */
async function prepareServer(c: ClickHouseConnection, database: string, cluster: string | null, where: { lockServer: string | null; shardServers: string | null }): Promise<void> {
  await upgradeSchema(c, database, cluster);
  await upgradeConversions(c, database, cluster);
  const before = await metaOf(c, database);
  // 5: the rollup and sample views also hide retired batches and unswitched compactions
  // (rollup-compaction.ts): re-created. No compaction ran before 5, so the old views showed the same rows.
  if (before.length && Number(before.filter((r) => r.key === "schema_version").pop()?.value ?? 0) < 5) {
    for (const v of ["event_rollup", "reach_sample"]) await c.command(`DROP TABLE IF EXISTS ${database}.${v}`);
  }
  for (const stmt of schemaStatements(database, cluster)) await c.command(stmt);
  const meta = await metaOf(c, database);
  const last = (k: string) => meta.filter((r) => r.key === k).pop()?.value;
  if (meta.length === 0) {
    await c.command(`INSERT INTO ${database}.cpi_meta VALUES ('schema_version', '${CLICKHOUSE_SCHEMA_VERSION}'), ('cluster', '${cluster ?? ""}')`);
  } else if (Number(last("schema_version") ?? 0) < CLICKHOUSE_SCHEMA_VERSION) {
    // 4: the rollup and the visitor sample of the events already stored, before the version says the store has one (a loader of
    // this cpi refuses the store until then, so no batch is rolled up twice).
    if (Number(last("schema_version") ?? 0) < 4) {
      await c.command(buildRollupStatement(database, cluster));
      await c.command(buildReachSampleStatement(database, cluster));
    }
    // TinyLog cannot update a row: the last row of a key wins (clickhouse-store.ts reads it so).
    await c.command(`INSERT INTO ${database}.cpi_meta VALUES ('schema_version', '${CLICKHOUSE_SCHEMA_VERSION}')`);
  }
  for (const [key, value] of [
    [LOCK_SERVER_KEY, where.lockServer],
    [SHARD_SERVERS_KEY, where.shardServers],
  ] as const) {
    if (value && last(key) !== value) await c.command(`INSERT INTO ${database}.cpi_meta VALUES ('${key}', '${value.replace(/[\\']/g, "")}')`);
  }
}
