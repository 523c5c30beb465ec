// Compaction of the tracked-event rollup and its visitor sample on ClickHouse (issue 24; the DuckDB
// counterpart is store/duckdb/rollup-compaction.ts). `cpi serve` loads every 200 ms and each load
// appends rows per key it touched, tagged with its load attempt's batch id, so without compaction the
// rollup grows with the number of loads. ClickHouse 18.16 has no transactions, so a compaction is
// made visible the way loads are hidden, through `event_batches` (schema 5):
//   1. it registers a new batch id C as 'compacting': the `event_rollup` / `reach_sample` views hide
//      a batch with a 'compacting' row and no 'compacted' one;
//   2. it writes the finished batches' rows (S: loads that are 'done', earlier compactions that are
//      'compacted', neither aborted nor retired) summed per key (the sample: distinct) under C;
//   3. ONE insert into event_batches (one block, one part: atomic) adds (C, 'compacted') and
//      (B, 'retired') for every B in S. The views read event_batches once, in one subquery, so a
//      report sees either S's rows or C's, never both or neither. `events` ignores 'retired'.
// Killed before 3, C's rows stay hidden (the next compaction marks C aborted and `cpi init --vacuum`
// deletes them); after 3, mutations delete the retired rows on every server, and once they are gone the
// next compaction drops their marks (rollup-cleanup.ts; it also redoes a cleanup a kill cut short).
// Compactions hold the store's import lock (only tried: a compaction waits for no import), so two never
// overlap, and none runs while vacuum decides what to delete.
import { randomBytes } from "node:crypto";
import { COMPACT_MIN_ROWS, CompactionSchedule } from "../../domain/compaction-schedule.js";
import type { ClickHouseConnection } from "./connection.js";
import { deadHere, lockHolder, withImportLock } from "./import-lock.js";
import { COMPACTION_LOG_ID, deleteRetiredRows, forgetDeleted, LONG_LIST, MAX_BATCHES, type RollupServers, redeleteRetiredRows, rollupServers } from "./rollup-cleanup.js";
import { hiddenRollupBatches, REACH_SAMPLE_COLUMN_NAMES, ROLLUP_COLUMN_NAMES } from "./schema.js";

export interface CompactionOutcome {
  /** Batches whose rows were rewritten (and retired). */
  batches: number;
  /** Visible rollup rows before and after. */
  rowsBefore: number;
  rowsAfter: number;
  sampleRowsBefore: number;
  sampleRowsAfter: number;
}

/** Where a compaction stops early, as a killed process would (tests: the state it leaves must count right). */
export type CompactionStop = "registered" | "rollup-written" | "rows-written" | "switched" | "first-deletion";

export interface CompactionContext {
  conn: ClickHouseConnection;
  /** The connection holding the store's import lock (the first shard's server on a cluster). */
  lockConn: ClickHouseConnection;
  cluster: string | null;
  store: string;
}

async function count(conn: ClickHouseConnection, sql: string): Promise<number> {
  return Number((await conn.query(sql))[0]?.n ?? 0);
}

function newBatchId(): bigint {
  return randomBytes(8).readBigUInt64BE() || 1n;
}

/**
 * Compacts now, or returns null when the import lock is busy (an import or vacuum runs; try later).
 * `stopAfter` ends it early without the switch, as a kill would.
 */
export async function compactRollup(ctx: CompactionContext, stopAfter?: CompactionStop): Promise<CompactionOutcome | null> {
  // A live holder (an import, vacuum, another compaction) is not waited for; a gone one is taken over
  // (at once when it ran here, else once stale); one with no heartbeat yet is waited for briefly (the
  // lock counts its silence from that sighting and takes it over after 2 minutes).
  const holder = await lockHolder(ctx.lockConn);
  if (holder && holder.silentFor !== null && holder.silentFor < 600 && !deadHere(holder)) return null;
  const signal = AbortSignal.timeout(holder ? 300 : 5_000);
  try {
    return await withImportLock(ctx.lockConn, (lock) => compactUnderLock(ctx, (fn) => lock.committing(fn), stopAfter), {
      store: ctx.store,
      signal,
      onWait: () => {},
    });
  } catch (e) {
    if (e === signal.reason) return null;
    throw e;
  }
}

async function compactUnderLock(ctx: CompactionContext, committing: (fn: () => Promise<void>) => Promise<void>, stopAfter?: CompactionStop): Promise<CompactionOutcome> {
  // Null on a cluster whose servers are not known: its retired rows are then left to `cpi init --vacuum`.
  const servers = await rollupServers(ctx.conn, ctx.cluster);
  try {
    return await compactOn(ctx, servers, committing, stopAfter);
  } finally {
    await servers?.close();
  }
}

async function compactOn(
  ctx: CompactionContext,
  servers: RollupServers | null,
  committing: (fn: () => Promise<void>) => Promise<void>,
  stopAfter?: CompactionStop,
): Promise<CompactionOutcome> {
  const { conn } = ctx;
  const global = ctx.cluster ? "GLOBAL " : "";
  const mark = (rows: [bigint | string, string][]) =>
    conn.insertTsv("event_batches", ["log_id", "batch", "from_offset", "to_offset", "state"], [rows.map(([b, s]) => `${COMPACTION_LOG_ID}\t${b}\t0\t0\t${s}\n`).join("")]);
  // Compactions that never switched were killed (none runs now: this one holds the lock): aborted, vacuum deletes their rows.
  const dead = await conn.query(
    `SELECT batch FROM event_batches WHERE state IN ('compacting', 'compacted', 'aborted') GROUP BY batch HAVING countIf(state = 'compacting') > 0 AND countIf(state != 'compacting') = 0`,
  );
  if (dead.length) await mark(dead.map((r) => [String(r.batch), "aborted"]));
  // What earlier compactions left: retired rows a kill kept from being deleted, marks of deleted batches.
  if (servers) await redeleteRetiredRows(conn, servers, ctx.cluster);
  await forgetDeleted(conn, ctx.lockConn, ctx.cluster);
  const rowsBefore = await count(conn, "SELECT count() AS n FROM event_rollup");
  const sampleRowsBefore = await count(conn, "SELECT count() AS n FROM reach_sample");
  // GROUP BY, not DISTINCT: 18.16's DISTINCT … LIMIT returned a batch several times (174,152 rows for 129,600 batches).
  const finished = await conn.query(
    `SELECT batch FROM rollup_rows WHERE batch ${global}IN (SELECT batch FROM event_batches WHERE state IN ('done', 'compacted'))
       AND batch ${global}NOT IN (${hiddenRollupBatches()}) GROUP BY batch LIMIT ${MAX_BATCHES}`,
  );
  const batches = [...new Set(finished.map((r) => String(r.batch)))];
  const same = { batches: 0, rowsBefore, rowsAfter: rowsBefore, sampleRowsBefore, sampleRowsAfter: sampleRowsBefore };
  if (batches.length < 2) return same;
  const c = newBatchId();
  await mark([[c, "compacting"]]);
  if (stopAfter === "registered") return same;
  const list = batches.join(", ");
  const [ts, campaign, placement, creative] = ROLLUP_COLUMN_NAMES;
  const key = `${ts}, ${campaign}, ${placement}, ${creative}`;
  await conn.command(
    `INSERT INTO rollup_rows (${ROLLUP_COLUMN_NAMES.join(", ")}, batch) SELECT ${key}, sum(events), sum(impressions), sum(clicks), toUInt64(${c})
     FROM rollup_rows WHERE batch IN (${list}) GROUP BY ${key}`,
    LONG_LIST,
  );
  if (stopAfter === "rollup-written") return same;
  const sampleColumns = REACH_SAMPLE_COLUMN_NAMES.join(", ");
  await conn.command(`INSERT INTO reach_sample_rows (${sampleColumns}, batch) SELECT DISTINCT ${sampleColumns}, toUInt64(${c}) FROM reach_sample_rows WHERE batch IN (${list})`, LONG_LIST);
  if (stopAfter === "rows-written") return same;
  // The switch: one insert, one block.
  await committing(() => mark([[c, "compacted"], ...batches.map((b): [string, string] => [b, "retired"])]));
  if (stopAfter === "switched") return same;
  // The retired rows are hidden now: mutations delete them on every server, one per table and server
  // (each rewrites the table's parts), whatever the number of batches.
  if (servers) await deleteRetiredRows(servers, batches, stopAfter === "first-deletion" ? "first" : undefined);
  if (stopAfter === "first-deletion") return same;
  return {
    batches: batches.length,
    rowsBefore,
    rowsAfter: await count(conn, "SELECT count() AS n FROM event_rollup"),
    sampleRowsBefore,
    sampleRowsAfter: await count(conn, "SELECT count() AS n FROM reach_sample"),
  };
}

/**
 * Compacts when the CompactionSchedule says so, as on DuckDB. A busy lock or a failed compaction is
 * tried again after the next load.
 */
export class ClickHouseRollupCompactor {
  private readonly schedule: CompactionSchedule;

  constructor(
    private readonly context: () => Promise<CompactionContext>,
    minRows = COMPACT_MIN_ROWS,
  ) {
    this.schedule = new CompactionSchedule(minRows);
  }

  /** Called after a load with the rollup rows it appended; compacts when due. Returns the outcome, or null. */
  async appended(rows: number): Promise<CompactionOutcome | null> {
    const kept = async () => count((await this.context()).conn, "SELECT count() AS n FROM event_rollup");
    return (await this.schedule.due(rows, kept)) ? this.compact() : null;
  }

  /** Compacts now (null when the import lock is busy). */
  async compact(stopAfter?: CompactionStop): Promise<CompactionOutcome | null> {
    const r = await compactRollup(await this.context(), stopAfter);
    if (r && !stopAfter) this.schedule.compacted(r.rowsAfter);
    return r;
  }
}
