// The DuckDB side of first-party tracking: loading event-log batches exactly once, and contracts.
import { BIGINT, type DuckDBConnection, type DuckDBType, type DuckDBValue, VARCHAR } from "@duckdb/node-api";
import type { Contract, NewContract, Pricing } from "../../domain/tracking/contract.js";
import type { TrackedEvent } from "../../domain/tracking/event.js";
import type { ResultRow, TrackedBatch, TrackedBatchOutcome } from "../store.js";
import { appendEventRows, appendInvalidCounts, appendReachSample, appendRollupRows } from "./event-appender.js";

/** A query with bound values ($1 …): no value is ever quoted into the SQL. */
export type Query = (sql: string, values?: DuckDBValue[], types?: DuckDBType[]) => Promise<ResultRow[]>;

/** The loaded offset of a log, or null. */
export async function eventLogOffset(query: Query, logId: string): Promise<number | null> {
  const rows = await query("SELECT log_offset FROM event_log_offsets WHERE log_id = $1", [logId], [VARCHAR]);
  return rows[0] ? Number(rows[0].log_offset) : null;
}

/**
 * Appends a batch and advances the log offset in one transaction (see Store.appendTrackedEvents).
 * `rollupRows` hears how many rollup rows a committed batch appended (the compactor counts them).
 */
export async function appendTrackedBatch(
  conn: DuckDBConnection,
  query: Query,
  batch: TrackedBatch,
  rollupRows: (rows: number) => void = () => {},
): Promise<TrackedBatchOutcome> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const stored = await eventLogOffset(query, batch.logId);
    if (stored !== null && stored >= batch.to) {
      await conn.run("ROLLBACK");
      return { applied: false, events: 0, invalid: 0 };
    }
    if (stored !== null && stored !== batch.from) {
      throw new Error(`event log ${batch.logId}: the store has loaded up to byte ${stored}, but the batch starts at ${batch.from}`);
    }
    const valid: TrackedEvent[] = [];
    const invalid: TrackedEvent[] = [];
    let rolledUp = 0;
    for (const e of batch.events) (e.reason === "" ? valid : invalid).push(e);
    if (valid.length) {
      const appender = await conn.createAppender("events");
      appendEventRows(appender, valid);
      appender.closeSync();
      // The rollup in the same transaction: a batch counts in both or in neither (kill -9, replay).
      const rollup = await conn.createAppender("event_rollup");
      rolledUp = appendRollupRows(rollup, valid);
      rollup.closeSync();
      const sample = await conn.createAppender("reach_sample");
      appendReachSample(sample, valid);
      sample.closeSync();
    }
    if (invalid.length) {
      const appender = await conn.createAppender("invalid_counts");
      appendInvalidCounts(appender, invalid);
      appender.closeSync();
    }
    await conn.run("INSERT OR REPLACE INTO event_log_offsets VALUES ($1, $2, now())", [batch.logId, batch.to], [VARCHAR, BIGINT]);
    await conn.run("COMMIT");
    rollupRows(rolledUp);
    return { applied: true, events: valid.length, invalid: invalid.length };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
}

function contractOf(r: ResultRow): Contract {
  return {
    id: Number(r.id),
    campaign: String(r.campaign),
    placement: String(r.placement),
    pricing: String(r.pricing) as Pricing,
    amount: BigInt(r.amount_micros as bigint),
    currency: String(r.currency),
    from: String(r.date_from),
    to: String(r.date_to),
    timezone: String(r.timezone),
  };
}

/** Every contract by id. */
export async function listContracts(query: Query): Promise<Contract[]> {
  const rows = await query(
    "SELECT id, campaign, placement, pricing, amount_micros, currency, strftime(date_from, '%Y-%m-%d') AS date_from, strftime(date_to, '%Y-%m-%d') AS date_to, timezone FROM contracts ORDER BY id",
  );
  return rows.map(contractOf);
}

/** Inserts a contract with the next id. */
export async function insertContract(conn: DuckDBConnection, query: Query, c: NewContract): Promise<Contract> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const id = Number((await query("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM contracts"))[0]?.id ?? 1);
    await conn.run(
      "INSERT INTO contracts VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DATE), CAST($8 AS DATE), $9, now())",
      [id, c.campaign, c.placement, c.pricing, c.amount, c.currency, c.from, c.to, c.timezone],
      [BIGINT, VARCHAR, VARCHAR, VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
    );
    await conn.run("COMMIT");
    return { ...c, id };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
}

/** Deletes a contract by id. */
export async function deleteContract(conn: DuckDBConnection, id: number): Promise<boolean> {
  const res = await conn.run("DELETE FROM contracts WHERE id = $1", [Math.trunc(id)], [BIGINT]);
  return Number(res.rowsChanged) > 0;
}
