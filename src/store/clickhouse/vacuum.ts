// Reclaiming disk on ClickHouse: rows no reader can see — of retired segments (replaced by a later
// import), of segments never committed (a failed import, or one replaced within the same import),
// of aborted event loads, and the rollup rows of loads a compaction rewrote — are deleted by asynchronous mutations on every server's tables.
// Safe at any time: the views already hide these rows, the commit log is kept, and it holds the
// store's import lock while it decides what to delete, so no import is in flight meanwhile.
import { ClickHouseConnection } from "./connection.js";
import { withImportLock } from "./import-lock.js";
import { clusterServers } from "./init-schema.js";
import { lockConnection } from "./lock-server.js";
import { forgetDeleted } from "./rollup-cleanup.js";
import type { ClickHouseTarget } from "./store-url.js";

export interface VacuumOutcome {
  /** Segments whose rows are deleted (retired ones and never-committed ones). */
  segments: number;
  /** Aborted event-load attempts (and killed rollup compactions) whose rows are deleted. */
  abortedBatches: number;
  /** Load batches whose rollup and sample rows a compaction rewrote (deleted; their events stay). */
  retiredBatches: number;
  /** Mutations started, over all servers. */
  mutations: number;
  servers: number;
}

const CHUNK = 20_000;

async function column(conn: ClickHouseConnection, sql: string, name: string): Promise<string[]> {
  return (await conn.query(sql)).map((r) => String(r[name]));
}

/**
 * Starts the mutations that delete invisible rows; does not wait for them (see `pendingMutations`).
 * Waits for the import lock first: an import in progress has rows not committed yet.
 * @example await vacuumClickHouseStore(target, [])
 */
export async function vacuumClickHouseStore(target: ClickHouseTarget, nodes: readonly ClickHouseTarget[]): Promise<VacuumOutcome> {
  const conn = new ClickHouseConnection(target);
  try {
    const lock = await lockConnection(conn);
    try {
      return await withImportLock(lock.conn, () => vacuumUnderLock(conn, lock.conn, target, nodes), { store: `${target.endpoint}/${target.database}` });
    } finally {
      if (lock.own) await lock.conn.close();
    }
  } finally {
    await conn.close();
  }
}

async function vacuumUnderLock(conn: ClickHouseConnection, lockConn: ClickHouseConnection, target: ClickHouseTarget, nodes: readonly ClickHouseTarget[]): Promise<VacuumOutcome> {
  const meta = await conn.query("SELECT value FROM cpi_meta WHERE key = 'cluster'");
  const cluster = String(meta[0]?.value ?? "") || null;
  // The compaction marks of batches an earlier vacuum or compaction deleted (rollup-cleanup.ts).
  await forgetDeleted(conn, lockConn, cluster);
  const global = cluster ? "GLOBAL " : "";
  const retiredSegments = await column(conn, "SELECT segment FROM segment_log GROUP BY segment HAVING sum(delta) <= 0", "segment");
  const newest = Number((await conn.query("SELECT max(import_id) AS m FROM segment_log"))[0]?.m ?? 0);
  const never: string[] = [];
  for (const t of ["spend_rows", "reach_rows"]) {
    never.push(...(await column(conn, `SELECT DISTINCT segment FROM ${t} WHERE import_id <= ${newest} AND segment ${global}NOT IN (SELECT segment FROM segment_log)`, "segment")));
  }
  const segments = [...new Set([...retiredSegments, ...never])];
  const aborted = await column(conn, "SELECT DISTINCT batch FROM event_batches WHERE state = 'aborted'", "batch");
  // Load batches a rollup compaction rewrote: their rollup and sample rows only (their events stay).
  const retiredSet = `batch ${global}IN (SELECT batch FROM event_batches WHERE state = 'retired')`;
  const retired = [
    ...new Set([
      ...(await column(conn, `SELECT DISTINCT batch FROM rollup_rows WHERE ${retiredSet}`, "batch")),
      ...(await column(conn, `SELECT DISTINCT batch FROM reach_sample_rows WHERE ${retiredSet}`, "batch")),
    ]),
  ];
  const servers = await clusterServers(target, { cluster, nodes });
  let mutations = 0;
  for (const s of servers) {
    const c = new ClickHouseConnection(s.target);
    try {
      const local = (t: string) => (cluster ? `${t}_local` : t);
      for (let i = 0; i < segments.length; i += CHUNK) {
        const list = segments.slice(i, i + CHUNK).join(", ");
        for (const t of ["spend_rows", "reach_rows"]) await c.command(`ALTER TABLE ${local(t)} DELETE WHERE segment IN (${list})`);
        mutations += 2;
      }
      for (let i = 0; i < aborted.length; i += CHUNK) {
        const list = aborted.slice(i, i + CHUNK).join(", ");
        for (const t of ["events_rows", "invalid_rows", "rollup_rows", "reach_sample_rows"]) await c.command(`ALTER TABLE ${local(t)} DELETE WHERE batch IN (${list})`);
        mutations += 4;
      }
      for (let i = 0; i < retired.length; i += CHUNK) {
        const list = retired.slice(i, i + CHUNK).join(", ");
        for (const t of ["rollup_rows", "reach_sample_rows"]) await c.command(`ALTER TABLE ${local(t)} DELETE WHERE batch IN (${list})`);
        mutations += 2;
      }
    } finally {
      await c.close();
    }
  }
  return { segments: segments.length, abortedBatches: aborted.length, retiredBatches: retired.length, mutations, servers: servers.length };
}

/** Mutations not finished yet on one server's database (0 when the vacuum is done there). */
export async function pendingMutations(target: ClickHouseTarget): Promise<number> {
  const conn = new ClickHouseConnection(target);
  try {
    return Number((await conn.query("SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0"))[0]?.n ?? 0);
  } finally {
    await conn.close();
  }
}
