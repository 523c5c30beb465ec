// Store.importSpend / importSpendBatches on DuckDB: one transaction, one INSERT per file fed by the
// spend scan (spend-scan.ts), replacement windows deleted after the rows are written (rows of other
// imports only), so a streamed file whose windows are known only at its end follows the same path as
// a file parsed first.
import { BIGINT, type DuckDBConnection, INTEGER, LIST, listValue, VARCHAR } from "@duckdb/node-api";
import { UserError } from "../../domain/errors.js";
import { type ReachColumns, reachColumnsOf } from "../../domain/reach-columns.js";
import { type ReplaceWindow, replacementWindows } from "../../domain/replace-window.js";
import { type SpendColumns, spendColumnsOf } from "../../domain/spend-columns.js";
import type { ImportOutcome, ProgressFn, SpendBatchImport, SpendImport } from "../store.js";
import { insertReachColumns } from "./reach-insert.js";
import { batchesOf, insertSpendBatches, withUnorderedInserts } from "./spend-scan.js";

const TEXT4 = [VARCHAR, VARCHAR, VARCHAR, VARCHAR];
/** Rows turned into columns at a time when rows are given whole. */
const ROWS_PER_BATCH = 16_384;

function isBatched(f: SpendImport | SpendBatchImport): f is SpendBatchImport {
  return "batches" in f;
}

/**
 * Imports files in one transaction (see Store.importSpend), one INSERT per file: rows given whole
 * as column batches, streamed files batch by batch as the parse makes them.
 */
export async function importSpendDuckDb(conn: DuckDBConnection, files: readonly (SpendImport | SpendBatchImport)[], onProgress?: ProgressFn): Promise<ImportOutcome[]> {
  const known = files.reduce((s, f) => s + (isBatched(f) ? 0 : f.rows.length), 0);
  const total = () => known + files.reduce((s, f) => s + (isBatched(f) ? f.estimatedRows() : 0), 0);
  let done = 0;
  const progress = (n: number) => {
    done += n;
    onProgress?.(done, Math.max(done, total()));
  };
  return withUnorderedInserts(conn, () => importInTransaction(conn, files, progress));
}

async function importInTransaction(conn: DuckDBConnection, files: readonly (SpendImport | SpendBatchImport)[], progress: (n: number) => void): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  await conn.run("BEGIN TRANSACTION");
  try {
    const idRow = await conn.runAndReadAll("SELECT COALESCE(MAX(id), 0) FROM imports");
    let nextId = Number(idRow.getRows()[0]?.[0] ?? 0) + 1;
    for (const f of files) {
      const importId = nextId++;
      let rows = 0;
      let format: string;
      let contentHash: string;
      let reach: ReachColumns;
      let windows: readonly ReplaceWindow[];
      if (isBatched(f)) {
        // One INSERT for the whole file, reading batches as the parse makes them.
        try {
          await f.batches.started();
          rows = await insertSpendBatches(conn, f.batches.next, importId, progress);
        } finally {
          f.batches.cancel(); // a no-op after the last batch; else the parse is not needed any more
        }
        ({ contentHash, format, reach, windows } = f.finished());
        progress(0); // the file's row count is now exact
      } else {
        windows = f.windows ?? replacementWindows(f.rows);
        const batches: SpendColumns[] = [];
        for (let i = 0; i < f.rows.length; i += ROWS_PER_BATCH) batches.push(spendColumnsOf(f.rows.slice(i, i + ROWS_PER_BATCH)));
        rows = await insertSpendBatches(conn, batchesOf(batches), importId, progress);
        ({ contentHash, format } = f);
        reach = reachColumnsOf(f.reach);
      }
      let replaced = 0;
      for (const w of windows) {
        // Every value bound ($1 …), never quoted into the SQL: names come from files.
        const where = "source = $1 AND account_id = $2 AND date_start <= CAST($3 AS DATE) AND date_end >= CAST($4 AS DATE)";
        const values = [w.source, w.account_id, w.to, w.from];
        const res = await conn.run(`DELETE FROM spend WHERE ${where} AND list_contains($5, campaign_id) AND import_id <> $6`, [...values, listValue(w.campaign_ids), importId], [...TEXT4, LIST(VARCHAR), INTEGER]);
        replaced += Number(res.rowsChanged);
        await conn.run(`DELETE FROM platform_reach WHERE ${where}`, values, TEXT4);
      }
      await insertReachColumns(conn, reach, importId);
      const from = windows.reduce<string | null>((m, w) => (m === null || w.from < m ? w.from : m), null);
      const to = windows.reduce<string | null>((m, w) => (m === null || w.to > m ? w.to : m), null);
      const sources = [...new Set(windows.map((w) => w.source))].join(",");
      const accounts = [...new Set(windows.map((w) => w.account_id))].join(",");
      await conn.run(
        "INSERT INTO imports VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DATE), CAST($8 AS DATE), $9, $10, now())",
        [importId, f.file, contentHash, format, sources, accounts, from, to, rows, replaced],
        [INTEGER, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT],
      );
      outcomes.push({ file: f.file, importId, rows, replacedRows: replaced });
    }
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {}); // a failed write may have ended the transaction already: its error is the one to report
    // DuckDB's buffers are held to a share of the import's memory setting (cpi import --max-memory).
    if (e instanceof Error && /^Out of Memory Error/.test(e.message)) {
      throw new UserError("out_of_memory", `the store ran out of the memory it was given (${e.message.split("\n")[0]}): nothing was imported; raise --max-memory`);
    }
    throw e;
  }
  return outcomes;
}
