// Store.importSpend on ClickHouse, which has no transactions and no synchronous DELETE (18.16):
// rows are written under a new import id into `*_rows` tables, invisible until ONE insert into
// `segment_log` makes the new segments live and retires the segments the import replaces (DESIGN
// rule 5). Rows of a retired segment that lie outside the replaced window are first copied forward
// into the new import. A reader sees the store before or after an import, never half of it.
// A large file's rows stream in as they are parsed (one insert fed batch by batch, memory bounded):
// its windows are known only at its end, so its replacements run after its rows are written, which
// are not live until the commit and so are never taken for rows to replace.
import { UserError } from "../../domain/errors.js";
import { reachRowsOf } from "../../domain/reach-columns.js";
import { type ReplaceWindow, replacementWindows } from "../../domain/replace-window.js";
import type { PlatformReachRow } from "../../domain/spend.js";
import { spendRowsOf } from "../../domain/spend-columns.js";
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { ImportOutcome, ProgressFn, SpendBatchImport, SpendImport } from "../store.js";
import type { ClickHouseConnection } from "./connection.js";
import type { ImportLock } from "./import-lock.js";
import { REACH_COLUMN_NAMES, SPEND_COLUMN_NAMES } from "./schema.js";
import { reachTsv, SegmentIds, spendTsv } from "./tsv.js";

const q = clickhouseDialect.quoteString;
const d = clickhouseDialect.dateLiteral;

/** Segments live in the committed log, or written by this import so far and not replaced since. */
interface Pending {
  ids: number[];
  retired: Set<string>;
}

function liveCondition(global: string, p: Pending): string {
  const committed = `segment ${global}IN (SELECT segment FROM segment_log GROUP BY segment HAVING sum(delta) > 0)`;
  const mine = p.ids.length ? ` OR import_id IN (${p.ids.join(", ")})` : "";
  const notRetired = p.retired.size ? ` AND segment NOT IN (${[...p.retired].join(", ")})` : "";
  return `((${committed}${mine})${notRetired})`;
}

function overlaps(w: ReplaceWindow): string {
  return `date_start <= ${d(w.to)} AND date_end >= ${d(w.from)}`;
}

function spendMatch(w: ReplaceWindow): string {
  return `(source = ${q(w.source)} AND account_id = ${q(w.account_id)} AND campaign_id IN (${w.campaign_ids.map(q).join(", ")}) AND ${overlaps(w)})`;
}

function reachMatch(w: ReplaceWindow): string {
  return `(source = ${q(w.source)} AND account_id = ${q(w.account_id)} AND ${overlaps(w)})`;
}

/**
 * Retires the live segments of `table` holding rows that `match` selects, copying their other rows
 * forward into `importId`. Returns how many rows were replaced.
 */
async function replaceIn(
  conn: ClickHouseConnection,
  global: string,
  table: string,
  columns: readonly string[],
  match: string,
  importId: number,
  pending: Pending,
): Promise<number> {
  const hit = await conn.query(`SELECT segment, count() AS n FROM ${table} WHERE (${match}) AND ${liveCondition(global, pending)} GROUP BY segment`);
  if (hit.length === 0) return 0;
  const segments = hit.map((r) => String(r.segment));
  const list = segments.join(", ");
  const copied = columns.map((c) => (c === "import_id" ? `toUInt64(${importId})` : c));
  await conn.command(
    `INSERT INTO ${table} (${columns.join(", ")}, segment) SELECT ${copied.join(", ")}, sipHash64(toUInt64(${importId}), segment) FROM ${table} WHERE segment IN (${list}) AND NOT (${match})`,
  );
  for (const s of segments) pending.retired.add(s);
  return hit.reduce((s, r) => s + Number(r.n), 0);
}

/** The largest import id the store has used (0 when none). */
export async function maxImportId(conn: ClickHouseConnection): Promise<number> {
  const r = await conn.query(
    "SELECT (SELECT max(id) FROM imports) AS a, (SELECT max(import_id) FROM spend_rows) AS b, (SELECT max(import_id) FROM reach_rows) AS c, (SELECT max(import_id) FROM segment_log) AS d",
  );
  const row = r[0] ?? {};
  return Math.max(0, ...["a", "b", "c", "d"].map((k) => Number(row[k] ?? 0)));
}

/**
 * Refuses to commit under import ids another import committed: with the store's one lock this never
 * happens, but a process that took another lock (an older cpi on another server of a cluster) would
 * otherwise commit segments sharing ids with that import's, and count its rows twice.
 */
async function refuseTakenIds(conn: ClickHouseConnection, ids: readonly number[]): Promise<void> {
  const list = ids.join(", ");
  const r = await conn.query(`SELECT (SELECT count() FROM imports WHERE id IN (${list})) AS a, (SELECT count() FROM segment_log WHERE import_id IN (${list})) AS b`);
  if (Number(r[0]?.a ?? 0) + Number(r[0]?.b ?? 0) > 0) {
    throw new UserError("import_id_taken", `another import committed under import id ${ids.join(" or ")} meanwhile (it did not take this store's import lock): nothing of this import was committed; run it again`);
  }
}

/** What a file wrote, once its rows are in. */
interface Written {
  rows: number;
  windows: readonly ReplaceWindow[];
  reach: readonly PlatformReachRow[];
  contentHash: string;
  format: string;
}

/** Streams a batched file's rows into spend_rows under `importId` (one insert); throws what its batches threw. */
async function writeBatches(conn: ClickHouseConnection, f: SpendBatchImport, importId: number, segments: SegmentIds, onRows: (n: number) => void): Promise<Written> {
  let rows = 0;
  let failure: { e: unknown } | null = null;
  function* chunks(): Generator<string> {
    for (;;) {
      let batch: ReturnType<SpendBatchImport["batches"]["next"]>;
      try {
        batch = f.batches.next();
      } catch (e) {
        failure = { e };
        throw e;
      }
      if (batch === null) return;
      yield* spendTsv(spendRowsOf(batch), importId, segments);
      rows += batch.length;
      onRows(batch.length);
    }
  }
  try {
    await f.batches.started();
    await conn.insertTsv("spend_rows", [...SPEND_COLUMN_NAMES, "segment"], chunks());
  } catch (e) {
    // The file's own problem (a bad row, found while the rows went in), not the insert's wording of it.
    throw failure ? (failure as { e: unknown }).e : e;
  } finally {
    f.batches.cancel();
  }
  const done = f.finished();
  return { rows, windows: done.windows, reach: reachRowsOf(done.reach), contentHash: done.contentHash, format: done.format };
}

/**
 * Imports files as one commit (see the module comment). `global` is "GLOBAL " on a cluster.
 * The caller holds the store's import lock (two imports at once would each keep the rows the other
 * replaces): the import ids are reserved in it, and it is checked right before the commit.
 */
export async function importSpendClickHouse(
  conn: ClickHouseConnection,
  global: string,
  lock: ImportLock,
  files: readonly (SpendImport | SpendBatchImport)[],
  onProgress?: ProgressFn,
): Promise<ImportOutcome[]> {
  const known = files.reduce((s, f) => s + ("rows" in f ? f.rows.length : 0), 0);
  const total = () => known + files.reduce((s, f) => s + ("rows" in f ? 0 : f.estimatedRows()), 0);
  let done = 0;
  const progress = (n: number) => {
    done += n;
    onProgress?.(done, Math.max(done, total()));
  };
  // Above every id in the tables and every id a former holder of the lock reserved (one that was
  // taken over may still be writing rows under its ids: they must never share a segment id).
  let nextId = Math.max(await maxImportId(conn), lock.reservedBefore) + 1;
  await lock.reserve(nextId + files.length - 1);
  const pending: Pending = { ids: [], retired: new Set() };
  const outcomes: ImportOutcome[] = [];
  const audits: string[] = [];
  const committedBefore = new Set<string>();
  for (const f of files) {
    const importId = nextId++;
    const segments = new SegmentIds(importId);
    // A streamed file's rows first (its windows come at its end); they are not live, so not replaced.
    const whole = "rows" in f ? f : null;
    const streamed = whole ? null : await writeBatches(conn, f as SpendBatchImport, importId, segments, progress);
    if (streamed) progress(0); // the file's row count is now exact
    const w: Written = whole ? { ...whole, rows: whole.rows.length, windows: whole.windows ?? replacementWindows(whole.rows) } : (streamed as Written);
    const { windows } = w;
    let replaced = 0;
    if (windows.length) {
      replaced = await replaceIn(conn, global, "spend_rows", SPEND_COLUMN_NAMES, windows.map(spendMatch).join(" OR "), importId, pending);
      await replaceIn(conn, global, "reach_rows", REACH_COLUMN_NAMES, windows.map(reachMatch).join(" OR "), importId, pending);
    }
    pending.ids.push(importId);
    if (whole?.rows.length) await conn.insertTsv("spend_rows", [...SPEND_COLUMN_NAMES, "segment"], spendTsv(whole.rows, importId, segments, progress));
    if (w.reach.length) await conn.insertTsv("reach_rows", [...REACH_COLUMN_NAMES, "segment"], [reachTsv(w.reach, importId, segments)]);
    const from = windows.reduce<string | null>((m, w) => (m === null || w.from < m ? w.from : m), null);
    const to = windows.reduce<string | null>((m, w) => (m === null || w.to > m ? w.to : m), null);
    const sources = [...new Set(windows.map((w) => w.source))].join(",");
    const accounts = [...new Set(windows.map((w) => w.account_id))].join(",");
    audits.push(
      `(${importId}, ${q(f.file)}, ${q(w.contentHash)}, ${q(w.format)}, ${q(sources)}, ${q(accounts)}, ${from ? d(from) : "NULL"}, ${to ? d(to) : "NULL"}, ${w.rows}, ${replaced}, now())`,
    );
    outcomes.push({ file: f.file, importId, rows: w.rows, replacedRows: replaced });
  }
  if (pending.ids.length) {
    // Segments this call wrote (new rows and copied-forward ones), less those a later file replaced.
    const ids = pending.ids.join(", ");
    const written = await conn.query(
      `SELECT DISTINCT segment FROM spend_rows WHERE import_id IN (${ids}) UNION ALL SELECT DISTINCT segment FROM reach_rows WHERE import_id IN (${ids})`,
    );
    const mine = new Set(written.map((r) => String(r.segment)));
    for (const s of pending.retired) if (!mine.has(s)) committedBefore.add(s);
    const last = pending.ids[pending.ids.length - 1];
    const log = [
      ...[...mine].filter((s) => !pending.retired.has(s)).map((s) => `${s}\t1\t${last}\n`),
      ...[...committedBefore].map((s) => `${s}\t-1\t${last}\n`),
    ];
    // The commit: one insert, one block (max_insert_block_size is far above any import's segment count),
    // made while the lock is provably held; an interrupt meanwhile waits for it before freeing the lock.
    await lock.committing(async () => {
      await refuseTakenIds(conn, pending.ids);
      if (log.length) await conn.insertTsv("segment_log", ["segment", "delta", "import_id"], [log.join("")]);
      if (audits.length) await conn.command(`INSERT INTO imports VALUES ${audits.join(", ")}`);
    });
  } else if (audits.length) await conn.command(`INSERT INTO imports VALUES ${audits.join(", ")}`);
  return outcomes;
}
