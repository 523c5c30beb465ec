// The store-wide import lock on ClickHouse (18.16 has no transactions): imports, and anything else
// that restates windows, run one at a time across every process and machine writing to a store.
//
// The lock is ONE token table on the server of the store URL. Free, it is `<db>.import_lock`; held, it
// is `<db>.import_lock_held_<random>`. Every transition is a RENAME of a named table, which one server
// performs atomically and which fails when that name no longer exists — a compare-and-swap:
//   acquire  RENAME import_lock            TO import_lock_held_<mine>
//   release  RENAME import_lock_held_<mine> TO import_lock             (fails only if it was broken)
//   break    RENAME import_lock_held_<old>  TO import_lock_held_<mine> (one of many waiters wins)
// Free is also `<db>.import_lock_free_<random>` after a server died half-way through a RENAME (see
// `free` below); a waiter takes any free token.
// A holder inserts heartbeat rows (holder, host, pid, start, server time, the import ids it reserved)
// into the token; a holder silent for `staleAfterMs` has crashed or hung and its lock is taken over.
// The reserved ids travel with the token, so an importer that took a lock over never reuses the
// import ids (and so the segment ids) of the holder it replaced, and a broken holder's next heartbeat
// or commit check fails (its table name is gone) so it never commits.
// A server killed half-way through a RENAME can move the token's data directory to the new name without
// the table (see `free`); every RENAME to a new random name is therefore first noted in `lock_renames`,
// and a new holder adopts the directories of noted names that became no table (see `adoptStrays`).
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { ClickHouseConnection } from "./connection.js";
import { adoptStrays, attempt, COLUMNS, noSuchTable, renameNoted } from "./lock-renames.js";

const q = clickhouseDialect.quoteString;
const FREE = "import_lock";
const HELD = "import_lock_held_";
/** A free token's name when `import_lock` cannot be used (a killed server left a directory of that name). */
const FREE_ELSEWHERE = "import_lock_free_";
const isFree = (table: string) => table === FREE || table.startsWith(FREE_ELSEWHERE);
/**
 * The `holder` of rows waiters write into token `table` while it has no heartbeat (markSeen). Named
 * after the token, so that a token taken over carries no sighting of its former name into its new one.
 */
const seenBy = (table: string) => `seen:${table}`;

/** Who holds the lock, as its heartbeat rows say. */
export interface LockHolder {
  table: string;
  host: string;
  pid: number;
  started: string;
  /** Seconds since its last heartbeat (server clock), or null when it wrote none yet. */
  silentFor: number | null;
  /** With no heartbeat: seconds since a waiter first saw the token (server clock), or null. */
  unheardFor?: number | null;
}

export interface ImportLockOptions {
  /** A holder silent this long is taken over (default 10 minutes). */
  staleAfterMs?: number;
  /**
   * A token with no heartbeat row at all this long after a waiter first saw it is taken over
   * (default 2 minutes, at most staleAfterMs): a holder beats right after taking the lock and, when
   * the server restarted and its Memory table lost the rows, again within `heartbeatMs`.
   */
  unheardAfterMs?: number;
  /** How often a holder writes a heartbeat (default 30 s). */
  heartbeatMs?: number;
  /** Hears each holder this process waits for (once per holder); default: a line on stderr. */
  onWait?: (holder: LockHolder) => void;
  /** Hears a stale lock being taken over, and why; default: a line on stderr. */
  onBreak?: (holder: LockHolder, why: string) => void;
  /** Names the store in the default messages. */
  store?: string;
  /** Stops waiting (acquire rejects with the signal's reason). */
  signal?: AbortSignal;
  /** The command that frees this store's lock, for the waiting message (`cpi store unlock --store …`). */
  unlockCommand?: string;
}

/** The lock was taken over while this process held it: nothing of the operation may be committed. */
export class ImportLockLost extends Error {}

/** What a waiter can do about a lock whose holder is gone. */
function unlockHint(staleAfter: number, command: string | undefined): string {
  const free = command ? `if that process is gone, '${command}' frees it now` : "if that process is gone, 'cpi store unlock --store URL' frees it now";
  return `it is taken over after ${Math.round(staleAfter / 60)} min without a heartbeat; ${free}`;
}

function describeHolder(h: LockHolder): string {
  const who = h.host ? `${h.host} pid ${h.pid}, started ${h.started}` : "an unknown process";
  return `${who}${h.silentFor === null ? ", no heartbeat yet" : `, last heartbeat ${h.silentFor} s ago`}`;
}

/**
 * The lock's token tables. Listing system.tables can fail with "Table … doesn't exist" on 18.16 when
 * a table it is reading about is renamed meanwhile (another process taking or freeing the lock: seen
 * once in CI as "Table <db>.import_lock doesn't exist"), so that error is a reason to look again.
 */
async function tokens(conn: ClickHouseConnection): Promise<string[]> {
  for (let tries = 1; ; tries++) {
    try {
      const rows = await conn.query(
        `SELECT name FROM system.tables WHERE database = currentDatabase() AND (name = '${FREE}' OR substring(name, 1, ${HELD.length}) = '${HELD}' OR substring(name, 1, ${FREE_ELSEWHERE.length}) = '${FREE_ELSEWHERE}') ORDER BY name`,
      );
      return rows.map((r) => String(r.name));
    } catch (e) {
      if (!noSuchTable(e) || tries >= 20) throw e;
      await sleep(10 * tries);
    }
  }
}

async function holderOf(conn: ClickHouseConnection, table: string): Promise<LockHolder | null> {
  try {
    const r = await conn.query(
      `SELECT countIf(holder = ${q(table)}) AS n, argMaxIf(host, heartbeat, holder = ${q(table)}) AS host, argMaxIf(pid, heartbeat, holder = ${q(table)}) AS pid,
        argMaxIf(started, heartbeat, holder = ${q(table)}) AS started, toInt64(now()) - toInt64(maxIf(heartbeat, holder = ${q(table)})) AS silent,
        countIf(holder = ${q(seenBy(table))}) AS seen_rows, toInt64(now()) - toInt64(minIf(heartbeat, holder = ${q(seenBy(table))})) AS seen_for FROM ${table}`,
    );
    const row = r[0] ?? {};
    const n = Number(row.n ?? 0);
    const seen = Number(row.seen_rows ?? 0) ? Number(row.seen_for) : null;
    return { table, host: n ? String(row.host) : "", pid: Number(row.pid ?? 0), started: n ? String(row.started) : "", silentFor: n ? Number(row.silent) : null, unheardFor: seen };
  } catch (e) {
    if (noSuchTable(e)) return null;
    throw e;
  }
}

/**
 * Marks a token without heartbeat rows as seen (server time), once: every waiter, in any process,
 * then times the silence from the first sighting instead of each from its own.
 */
async function markSeen(conn: ClickHouseConnection, table: string): Promise<void> {
  await attempt(() => conn.command(`INSERT INTO ${table} (holder, host, pid, started, heartbeat, reserved) SELECT ${q(seenBy(table))}, '', 0, '', now(), 0`));
}

/** True when the holder ran on this machine and its process is gone (killed, crashed). */
export function deadHere(h: LockHolder): boolean {
  if (!h.host || h.host !== hostname() || h.pid <= 0 || h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

// Locks this process holds. An interrupt (Ctrl-C) or SIGTERM would end the process with its lock held
// and make the next importer wait out the stale limit, so while a lock is held a handler frees it
// first and then ends the process by the same signal. Only where nothing else handles the signal: a
// process with its own handlers (cpi serve drains and releases in its own time) is left to them.
const held = new Set<ImportLock>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
let watching = false;

function onSignal(sig: NodeJS.Signals): void {
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  watching = false;
  // A lock whose commit is in flight is freed once that commit has ended; any other is marked lost
  // first, so an import between its last check and its commit cannot commit after the lock is free.
  const freed = Promise.allSettled([...held].map((l) => l.interrupt()));
  void Promise.race([freed, sleep(3_000)]).finally(() => process.kill(process.pid, sig));
}

function watchSignals(lock: ImportLock, holding: boolean): void {
  if (holding) {
    held.add(lock);
    if (!watching && SIGNALS.every((s) => process.listenerCount(s) === 0)) {
      for (const s of SIGNALS) process.once(s, onSignal);
      watching = true;
    }
    return;
  }
  held.delete(lock);
  if (held.size === 0 && watching) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    watching = false;
  }
}

/** A held import lock; `release()` it in a `finally`. */
export class ImportLock {
  private timer: NodeJS.Timeout | null = null;
  private lost = false;
  private constructor(
    private readonly conn: ClickHouseConnection,
    readonly table: string,
    private readonly started: string,
  ) {}

  private before = 0;

  /** The largest import id any holder of this lock reserved (0 when none did). */
  get reservedBefore(): number {
    return this.before;
  }

  /**
   * Waits (with backoff, saying for whom) until this process holds the store's import lock.
   * @example const lock = await ImportLock.acquire(conn); try { … } finally { await lock.release(); }
   */
  static async acquire(conn: ClickHouseConnection, o: ImportLockOptions = {}): Promise<ImportLock> {
    const staleAfter = (o.staleAfterMs ?? 600_000) / 1000;
    const store = o.store ? ` of ${o.store}` : "";
    const onWait = o.onWait ?? ((h) => process.stderr.write(`cpi: waiting for the import lock${store}, held by ${describeHolder(h)}; ${unlockHint(staleAfter, o.unlockCommand)}\n`));
    const onBreak = o.onBreak ?? ((h, why) => process.stderr.write(`cpi: taking over the import lock${store} from ${describeHolder(h)}: ${why}\n`));
    const started = new Date().toISOString();
    const unheardAfter = Math.min(o.unheardAfterMs ?? 120_000, o.staleAfterMs ?? 600_000) / 1000;
    const announced = new Set<string>();
    let delay = 50;
    for (;;) {
      o.signal?.throwIfAborted();
      const found = await tokens(conn);
      // A name of its own for each attempt: an attempt cut short by a killed server may have left a
      // directory under it, which the next holder adopts, and which a later attempt must not reuse.
      const mine = `${HELD}${randomBytes(8).toString("hex")}`;
      let got = false;
      if (found.length === 0) {
        // No token yet (a new store): create one already held. Two processes doing this at once each
        // see the other's token below and give theirs up.
        got = await attempt(() => conn.command(`CREATE TABLE ${mine} (${COLUMNS}) ENGINE = Log`));
      } else if (found.some(isFree)) {
        const token = found.find(isFree) as string;
        got = await renameNoted(conn, token, mine);
      } else {
        const holder = await holderOf(conn, found[0] as string);
        if (holder) {
          // A holder with no heartbeat row (killed right after taking the lock, or the server restarted
          // and the Memory table lost its rows) is timed from the first waiter's sighting, shared by all.
          if (holder.silentFor === null && holder.unheardFor === null) await markSeen(conn, holder.table);
          const dead = deadHere(holder);
          const stale = holder.silentFor !== null ? holder.silentFor >= staleAfter : (holder.unheardFor ?? 0) >= unheardAfter;
          if (dead || stale) {
            got = await renameNoted(conn, holder.table, mine);
            if (got) onBreak(holder, dead ? "its process is gone" : `silent longer than ${holder.silentFor !== null ? staleAfter : unheardAfter} s`);
          } else if (!announced.has(holder.table)) {
            announced.add(holder.table);
            onWait(holder);
          }
        }
      }
      if (got) {
        const lock = new ImportLock(conn, mine, started);
        await lock.beat(0);
        if ((await tokens(conn)).length === 1) {
          // Only once it is the one token: the strays' rows are copied into it and their directories go.
          await adoptStrays(conn, mine);
          lock.before = await maxReserved(conn, mine);
          await lock.beat(lock.reservedBefore);
          lock.startHeartbeat(o.heartbeatMs ?? 30_000);
          watchSignals(lock, true);
          return lock;
        }
        await attempt(() => conn.command(`DROP TABLE ${mine}`));
      }
      await sleep(Math.round(delay * (0.5 + Math.random())));
      delay = Math.min(1_000, delay * 2);
    }
  }

  /**
   * Records that this holder uses import ids up to `id` and proves the lock is still held (the
   * insert fails once the token was renamed away). Throws ImportLockLost when it was taken over.
   */
  async reserve(id: number): Promise<void> {
    await this.beat(id);
  }

  private commit: Promise<void> | null = null;

  /**
   * Runs an operation's commit after proving the lock is still held (throws ImportLockLost
   * otherwise); an interrupt (Ctrl-C, SIGTERM) that arrives meanwhile frees the lock only after it.
   */
  async committing(fn: () => Promise<void>): Promise<void> {
    await this.beat(this.reserved);
    const run = fn();
    this.commit = run.then(
      () => {},
      () => {},
    );
    try {
      await run;
    } finally {
      this.commit = null;
    }
  }

  /** On an interrupt: let a commit in flight end, or make sure none starts; then free the lock. */
  async interrupt(): Promise<void> {
    if (this.commit) await this.commit;
    else this.interrupted = true;
    await this.release();
  }

  private interrupted = false;

  private reserved = 0;

  private async beat(reserved: number): Promise<void> {
    if (this.interrupted) throw new ImportLockLost("interrupted before the commit: nothing was committed");
    if (this.lost) throw new ImportLockLost(`the import lock was taken over by another process while this one was silent; nothing was committed`);
    this.reserved = Math.max(this.reserved, reserved);
    try {
      await this.conn.command(
        `INSERT INTO ${this.table} (holder, host, pid, started, heartbeat, reserved) SELECT ${q(this.table)}, ${q(hostname())}, ${process.pid}, ${q(this.started)}, now(), ${this.reserved}`,
      );
    } catch (e) {
      if (!noSuchTable(e)) throw e;
      this.lost = true;
      throw new ImportLockLost(`the import lock was taken over by another process while this one was silent; nothing was committed`);
    }
  }

  private startHeartbeat(everyMs: number): void {
    this.timer = setInterval(() => {
      this.beat(this.reserved).catch(() => {});
    }, everyMs);
    this.timer.unref();
  }

  /** Frees the lock (a no-op when it was taken over). */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    watchSignals(this, false);
    if (this.lost) return;
    this.lost = true;
    await free(this.conn, this.table);
  }
}

/** ClickHouse's words for rename(2)'s ENOTEMPTY: the RENAME's new name has a data directory already. */
function directoryInTheWay(e: unknown): boolean {
  return e instanceof Error && /Directory not empty/.test(e.message);
}

/**
 * Frees the lock held under `table`: RENAME to `import_lock`; false when `table` no longer holds it.
 *
 * 18.16 renames a table's data directory first and its metadata file after: a server killed between
 * the two (16 of 40 SIGKILLs during a loop of renames) restarts with the table under its old name over
 * an empty directory, and the data directory under the new name, belonging to no table. When that
 * name is `import_lock`, every later RENAME to it fails with "Directory not empty: …/<table>" (code
 * 1000: rename(2) does not replace a non-empty directory) and leaves the table as it was. The stray
 * directory is then taken up by a table of its name (CREATE over an existing directory keeps its
 * files), its rows (the former token's reservations) copied into ours, and dropped with it; then the
 * release is tried again. While it lives that table is a free token: a waiter that takes it finds two
 * tokens and gives its own up, as for any two. Should another process create `import_lock` first, the
 * token goes free under a name of its own, `import_lock_free_<random>`, which waiters take as well
 * (an older cpi does not see that name and creates a token of its own, which newer ones count: two
 * tokens, so no second holder).
 */
async function free(conn: ClickHouseConnection, table: string): Promise<boolean> {
  const rename = (to: string) => attempt(() => conn.command(`RENAME TABLE ${table} TO ${to}`));
  try {
    return await rename(FREE);
  } catch (e) {
    if (!directoryInTheWay(e)) throw e;
  }
  if (!(await attempt(() => conn.command(`CREATE TABLE ${FREE} (${COLUMNS}) ENGINE = Log`)))) return renameNoted(conn, table, `${FREE_ELSEWHERE}${randomBytes(8).toString("hex")}`);
  // Best effort: files the kill left half-written may not read, and must not keep the lock held.
  await conn.command(`INSERT INTO ${table} SELECT * FROM ${FREE}`).catch(() => {});
  await attempt(() => conn.command(`DROP TABLE ${FREE}`));
  return rename(FREE);
}

async function maxReserved(conn: ClickHouseConnection, table: string): Promise<number> {
  const r = await conn.query(`SELECT max(reserved) AS m FROM ${table}`);
  return Number(r[0]?.m ?? 0);
}

/**
 * Runs `fn` holding the store's import lock, and frees it after, whatever happens.
 * @example await withImportLock(conn, (lock) => importSpend(conn, lock), { store: "http://db:8123/cpi" })
 */
export async function withImportLock<T>(conn: ClickHouseConnection, fn: (lock: ImportLock) => Promise<T>, o: ImportLockOptions = {}): Promise<T> {
  const lock = await ImportLock.acquire(conn, o);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

/** Who holds the store's import lock now, or null when it is free (or was never taken). */
export async function lockHolder(conn: ClickHouseConnection): Promise<LockHolder | null> {
  for (const t of await tokens(conn)) {
    if (isFree(t)) continue;
    const h = await holderOf(conn, t);
    if (h) return h;
  }
  return null;
}

/**
 * Frees the lock held under `table` (`cpi store unlock`), for a holder that is gone and not yet taken
 * over. The same rename as a release, so it frees exactly that holder's lock: false when `table`
 * no longer holds it. A holder still running fails its next check and commits nothing.
 */
export async function forceUnlock(conn: ClickHouseConnection, table: string): Promise<boolean> {
  if (!table.startsWith(HELD) || !/^[A-Za-z0-9_]+$/.test(table)) return false;
  return free(conn, table);
}
