// Store.importSpend / importSpendBatches on DuckDB: one transaction, one INSERT per file fed by the
// spend scan (spend-scan.ts), replacement windows deleted after the rows are written (rows of other
// imports only), so a streamed file whose windows are known only at its end follows the same path as
// a file parsed first.
import type { DuckDBConnection } from "@duckdb/node-api";
import { type ReachColumns, reachColumnsOf } from "../../domain/reach-columns.js";
import { type ReplaceWindow, replacementWindows } from "../../domain/replace-window.js";
import { type SpendColumns, spendColumnsOf } from "../../domain/spend-columns.js";
import { duckdbDialect } from "../../query/duckdb-dialect.js";
import type { ImportOutcome, ProgressFn, SpendBatchImport, SpendImport } from "../store.js";
import { insertReachColumns } from "./reach-insert.js";
import { batchesOf, insertSpendBatches, withUnorderedInserts } from "./spend-scan.js";

const q = duckdbDialect.quoteString;
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
        const where = `source = ${q(w.source)} AND account_id = ${q(w.account_id)} AND date_start <= DATE '${w.to}' AND date_end >= DATE '${w.from}'`;
        const res = await conn.run(`DELETE FROM spend WHERE ${where} AND campaign_id IN (${w.campaign_ids.map(q).join(", ")}) AND import_id <> ${importId}`);
        replaced += Number(res.rowsChanged);
        await conn.run(`DELETE FROM platform_reach WHERE ${where}`);
      }
      await insertReachColumns(conn, reach, importId);
      const from = windows.reduce<string | null>((m, w) => (m === null || w.from < m ? w.from : m), null);
      const to = windows.reduce<string | null>((m, w) => (m === null || w.to > m ? w.to : m), null);
      const sources = [...new Set(windows.map((w) => w.source))].join(",");
      const accounts = [...new Set(windows.map((w) => w.account_id))].join(",");
      await conn.run(
        `INSERT INTO imports VALUES (${importId}, ${q(f.file)}, ${q(contentHash)}, ${q(format)}, ${q(sources)}, ${q(accounts)},
         ${from ? `DATE '${from}'` : "NULL"}, ${to ? `DATE '${to}'` : "NULL"}, ${rows}, ${replaced}, now())`,
      );
      outcomes.push({ file: f.file, importId, rows, replacedRows: replaced });
    }
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK");
    throw e;
  }
  return outcomes;
}
