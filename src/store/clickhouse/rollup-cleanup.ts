// After a rollup compaction (rollup-compaction.ts) has retired batches: their rows are deleted on every
// server (one mutation per table and server: the store URL's server alone, or each shard's server of a
// cluster, reached at the endpoints `cpi init --cluster` recorded), and once a retired batch has no row
// left anywhere its marks in `event_batches` are dropped, so that the views' hidden-batch subquery
// holds about one compaction's batches however many loads were compacted. All of it runs under the
// import lock, at the start of each compaction (redoing what a killed one left) and after its switch.
// Safe under kill -9 at any point:
//   - rows are deleted only of batches marked 'retired', which the views already hide;
//   - marks are dropped only of batches with no row left on any shard (read through the Distributed
//     tables), and no row of such a batch is written again (batch ids are never reused: a load's rows
//     are all written before it is 'done', a compaction's before its switch);
//   - a mutation applies part by part, so any subset of a batch's dropped marks may be seen at a time:
//     a switched compaction C ('compacting', 'compacted', 'retired') loses 'compacting' and 'retired'
//     first and 'compacted' at a later compaction, so that no subset looks like a killed compaction
//     ('compacting' alone), which would be marked 'aborted' again;
//   - a stranded deletion (killed before its mutations were sent) is sent again by the next compaction
//     once no mutation is pending.
// Aborted compactions' marks stay (one per killed compaction; a killed client's INSERT may still land).
import { ClickHouseConnection } from "./connection.js";
import { clusterServers, SHARD_SERVERS_KEY } from "./init-schema.js";
import type { ClickHouseTarget } from "./store-url.js";

/** The log id of compaction marks in event_batches (no event log is named so: log ids are hashes). */
export const COMPACTION_LOG_ID = "(rollup compaction)";
/** Batches handled at most at once (their ids travel in the statements' text, 10 MiB at most). */
export const MAX_BATCHES = 200_000;
/** The parser's limits for statements listing that many ids (18.16's default max_ast_elements, 50,000, is too few). */
export const LONG_LIST = { max_ast_elements: 4 * MAX_BATCHES, max_expanded_ast_elements: 4 * MAX_BATCHES };

const ROLLUP_TABLES = ["rollup_rows", "reach_sample_rows"];

/** Where the rollup tables of a store are: their servers' connections and the local table names. */
export interface RollupServers {
  conns: ClickHouseConnection[];
  /** The MergeTree a mutation names on each server: `<t>_local` on a cluster. */
  local(table: string): string;
  close(): Promise<void>;
}

/**
 * The servers holding the store's rollup rows: the store URL's on one server; on a cluster, those
 * `cpi init --cluster` recorded, else each host the cluster names at the URL's port. Null when a
 * cluster's shards cannot all be reached so (a store set up by an older cpi: `cpi init --vacuum`
 * deletes its retired rows, or `cpi init --cluster … --node …` records its servers).
 */
export async function rollupServers(conn: ClickHouseConnection, cluster: string | null): Promise<RollupServers | null> {
  if (!cluster) return { conns: [conn], local: (t) => t, close: async () => {} };
  const meta = await conn.query(`SELECT value FROM cpi_meta WHERE key = '${SHARD_SERVERS_KEY}'`);
  const recorded = String(meta[meta.length - 1]?.value ?? "").split(" ").filter(Boolean);
  let targets: ClickHouseTarget[];
  if (recorded.length) targets = recorded.map((endpoint) => ({ ...conn.target, endpoint, inProcess: undefined }));
  else {
    try {
      targets = (await clusterServers(conn.target, { cluster, nodes: [] })).map((s) => s.target);
    } catch {
      return null;
    }
  }
  const conns = targets.map((t) => new ClickHouseConnection(t));
  return { conns, local: (t) => `${t}_local`, close: async () => void (await Promise.all(conns.map((c) => c.close()))) };
}

/**
 * Starts the deletion of `batches`' rollup and sample rows on every server (one mutation per table and
 * server). `only` (tests) sends the first mutation alone, as a kill right after it would leave it.
 */
export async function deleteRetiredRows(servers: RollupServers, batches: readonly string[], only?: "first"): Promise<void> {
  const conns = only ? servers.conns.slice(0, 1) : servers.conns;
  for (let i = 0; i < batches.length; i += MAX_BATCHES) {
    const list = batches.slice(i, i + MAX_BATCHES).join(", ");
    for (const c of conns) for (const t of only ? ROLLUP_TABLES.slice(0, 1) : ROLLUP_TABLES) await c.command(`ALTER TABLE ${servers.local(t)} DELETE WHERE batch IN (${list})`, LONG_LIST);
  }
}

async function pending(c: ClickHouseConnection, tables: readonly string[]): Promise<number> {
  const names = tables.map((t) => `'${t}'`).join(", ");
  return Number((await c.query(`SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0 AND table IN (${names})`))[0]?.n ?? 0);
}

/**
 * Sends again the deletion of retired batches' rows that a killed compaction left (none is pending
 * and rows of retired batches remain); returns the batches.
 */
export async function redeleteRetiredRows(conn: ClickHouseConnection, servers: RollupServers, cluster: string | null): Promise<string[]> {
  for (const c of servers.conns) if ((await pending(c, ROLLUP_TABLES.map(servers.local))) > 0) return [];
  const global = cluster ? "GLOBAL " : "";
  const retired = `batch ${global}IN (SELECT batch FROM event_batches WHERE state = 'retired')`;
  const left = new Set<string>();
  for (const t of ROLLUP_TABLES) {
    for (const r of await conn.query(`SELECT batch FROM ${t} WHERE ${retired} GROUP BY batch LIMIT ${MAX_BATCHES}`)) left.add(String(r.batch));
  }
  const batches = [...left];
  await deleteRetiredRows(servers, batches);
  return batches;
}

/**
 * Drops the compaction marks of batches whose rollup and sample rows are gone from every server
 * (see the head of this file for the order that keeps it safe); returns the batches. `lockConn` talks
 * to the server holding `event_batches` (the first shard's on a cluster, where its rows all are).
 */
export async function forgetDeleted(conn: ClickHouseConnection, lockConn: ClickHouseConnection, cluster: string | null): Promise<number> {
  const local = cluster ? "event_batches_local" : "event_batches";
  if ((await pending(lockConn, [local])) > 0) return 0;
  const global = cluster ? "GLOBAL " : "";
  const rows = await conn.query(
    `SELECT batch, countIf(state = 'compacting') AS compacting, countIf(state = 'compacted') AS compacted, countIf(state = 'retired') AS retired, countIf(state = 'aborted') AS aborted
     FROM event_batches WHERE log_id = '${COMPACTION_LOG_ID}'
       AND batch ${global}NOT IN (SELECT batch FROM rollup_rows) AND batch ${global}NOT IN (SELECT batch FROM reach_sample_rows)
     GROUP BY batch LIMIT ${MAX_BATCHES}`,
  );
  const whole: string[] = [];
  const firstStep: string[] = [];
  for (const r of rows) {
    const [compacting, compacted, retired, aborted] = [r.compacting, r.compacted, r.retired, r.aborted].map(Number) as [number, number, number, number];
    if (aborted > 0) continue;
    // A switched compaction, retired and deleted: 'compacting' (and 'retired') first.
    if (compacting > 0 && compacted > 0 && retired > 0) firstStep.push(String(r.batch));
    // A load retired and deleted ('retired' alone), or a compaction whose 'compacting' mark is gone.
    else if (compacting === 0 && (retired > 0 || compacted > 0)) whole.push(String(r.batch));
  }
  const which = [
    ...(whole.length ? [`batch IN (${whole.join(", ")})`] : []),
    ...(firstStep.length ? [`(state IN ('compacting', 'retired') AND batch IN (${firstStep.join(", ")}))`] : []),
  ];
  if (which.length) await lockConn.command(`ALTER TABLE ${local} DELETE WHERE log_id = '${COMPACTION_LOG_ID}' AND (${which.join(" OR ")})`, LONG_LIST);
  return whole.length + firstStep.length;
}
