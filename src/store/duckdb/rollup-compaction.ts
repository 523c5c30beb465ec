// Compaction of the tracked-event rollup and its visitor sample (issue 24). A serving store loads its log every 0.2–1 s, and
// each load appends one rollup row per bucket × campaign × placement × creative it touched: left
// alone, the rollup of a quiet site grows about as fast as its events and stops saving the scan it
// exists for. Rows are summed when read, so rewriting a key's rows as one is invisible to reports;
// it runs in one transaction, so a kill -9 leaves either the old rows or the new ones.
import type { DuckDBConnection } from "@duckdb/node-api";
import { COMPACT_MIN_ROWS, CompactionSchedule } from "../../domain/compaction-schedule.js";

/** Each table compacted, with the statement giving its rows once compacted. */
const COMPACTIONS: readonly { table: string; compacted: string }[] = [
  {
    table: "event_rollup",
    compacted: `SELECT ts, campaign, placement, creative, SUM(events)::BIGINT AS events, SUM(impressions)::BIGINT AS impressions,
      SUM(clicks)::BIGINT AS clicks FROM event_rollup GROUP BY ts, campaign, placement, creative`,
  },
  // The visitor sample repeats a bucket × key × visitor once per load that saw it; distinct counts ignore that.
  { table: "reach_sample", compacted: "SELECT DISTINCT ts, campaign, placement, creative, visitor FROM reach_sample" },
];

/** Compacts when the CompactionSchedule says so. */
export class RollupCompactor {
  private readonly schedule: CompactionSchedule;

  constructor(
    private readonly conn: DuckDBConnection,
    minRows = COMPACT_MIN_ROWS,
  ) {
    this.schedule = new CompactionSchedule(minRows);
  }

  /** Called after a committed load with the rollup rows it appended; compacts when due. Returns whether it did. */
  async appended(rows: number): Promise<boolean> {
    if (!(await this.schedule.due(rows, () => this.count()))) return false;
    await this.compact();
    return true;
  }

  /** Rewrites every compacted table's rows, in one transaction. */
  async compact(): Promise<void> {
    await this.conn.run("BEGIN TRANSACTION");
    try {
      for (const c of COMPACTIONS) {
        await this.conn.run(`CREATE TEMP TABLE compacting AS ${c.compacted}`);
        await this.conn.run(`DELETE FROM ${c.table}`);
        await this.conn.run(`INSERT INTO ${c.table} SELECT * FROM compacting`);
        await this.conn.run("DROP TABLE compacting");
      }
      await this.conn.run("COMMIT");
    } catch (e) {
      await this.conn.run("ROLLBACK").catch(() => {});
      throw e;
    }
    this.schedule.compacted(await this.count());
  }

  private async count(): Promise<number> {
    const reader = await this.conn.runAndReadAll("SELECT COUNT(*) FROM event_rollup");
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }
}
