// The import lock's RENAMEs to new random names, noted so that a directory a killed server left under
// such a name (18.16 moves a table's data directory before its metadata) is found and adopted by the
// next holder (import-lock.ts).
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { ClickHouseConnection } from "./connection.js";

const q = clickhouseDialect.quoteString;
/** A lock token's columns. */
export const COLUMNS = "holder String, host String, pid UInt32, started String, heartbeat DateTime, reserved UInt64";
/** The names lock tokens were renamed to (done = 1 once no data directory can be left under that name). */
const RENAMES = "lock_renames";

/** A DDL that lost a race: the table it names is gone, or its new name is taken. */
export function noSuchTable(e: unknown): boolean {
  return e instanceof Error && /Table \S+ (doesn't exist|does not exist|already exists)/.test(e.message);
}

/** Runs a DDL statement; false when it lost the race (the name it needs is gone or taken). */
export async function attempt(fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (noSuchTable(e)) return false;
    throw e;
  }
}

/**
 * RENAME `from` TO `to` (a new random name), noted first in lock_renames: should the server die
 * half-way, the next holder finds the name there and adopts what the directory holds. A RENAME that
 * cleanly lost the race (false) moved nothing, so its name is done at once.
 */
export async function renameNoted(conn: ClickHouseConnection, from: string, to: string): Promise<boolean> {
  await note(conn, to, 0);
  const renamed = await attempt(() => conn.command(`RENAME TABLE ${from} TO ${to}`));
  if (!renamed) await note(conn, to, 1);
  return renamed;
}

async function note(conn: ClickHouseConnection, target: string, done: 0 | 1): Promise<void> {
  const insert = () => conn.command(`INSERT INTO ${RENAMES} (target, done, at) SELECT ${q(target)}, ${done}, now()`);
  try {
    await insert();
  } catch (e) {
    if (!noSuchTable(e)) throw e;
    await conn.command(`CREATE TABLE IF NOT EXISTS ${RENAMES} (target String, done UInt8, at DateTime) ENGINE = Log`);
    await insert();
  }
}

/**
 * Copies into token `mine` the rows of every directory a killed server left under a noted RENAME's
 * new name with no table (an acquire's or a takeover's: the reservations of the holders before), and
 * drops them, as `free` does for `import_lock`: CREATE over the directory keeps its files. A name is
 * done once adopted, or once it is a table (a live token, which moves on by RENAME again).
 */
export async function adoptStrays(conn: ClickHouseConnection, mine: string): Promise<void> {
  // No rename noted yet: no table (ClickHouse 26 names a missing table in words noSuchTable does not know).
  if (Number((await conn.query(`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '${RENAMES}'`))[0]?.n ?? 0) === 0) return;
  const rows = await conn.query(
    `SELECT target FROM ${RENAMES} GROUP BY target HAVING max(done) = 0 AND target NOT IN (SELECT name FROM system.tables WHERE database = currentDatabase())`,
  );
  const names = rows.map((r) => String(r.target)).filter((t) => t !== mine && /^[A-Za-z0-9_]+$/.test(t));
  for (const stray of names) {
    if (await attempt(() => conn.command(`CREATE TABLE ${stray} (${COLUMNS}) ENGINE = Log`))) {
      // Best effort, as in `free`: files the kill left half-written may not read.
      await conn.command(`INSERT INTO ${mine} SELECT * FROM ${stray}`).catch(() => {});
      await attempt(() => conn.command(`DROP TABLE ${stray}`));
    }
    await note(conn, stray, 1);
  }
  await note(conn, mine, 1);
}
