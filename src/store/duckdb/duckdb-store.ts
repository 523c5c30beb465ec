import { type DuckDBConnection, DuckDBDateValue, DuckDBInstance, DuckDBTimestampValue, type DuckDBValue } from "@duckdb/node-api";
import type { ApiToken, NewApiToken } from "../../domain/api-token.js";
import { epochDayToIso } from "../../domain/dates.js";
import type { FxRate } from "../../domain/fx.js";
import { replacementWindows } from "../../domain/replace-window.js";
import type { PlatformReachRow } from "../../domain/spend.js";
import { duckdbDialect } from "../../query/duckdb-dialect.js";
import type { Contract, NewContract } from "../../domain/tracking/contract.js";
import type { ImportOutcome, ProgressFn, ResultRow, SpendImport, Store, TrackedBatch, TrackedBatchOutcome } from "../store.js";
import { API_TOKENS_DDL, deleteApiTokenDuckDb, insertApiTokenDuckDb, listApiTokensDuckDb } from "./api-tokens.js";
import { appendTrackedBatch, deleteContract, eventLogOffset, insertContract, listContracts } from "./event-tables.js";
import { DUCKDB_SCHEMA } from "./schema.js";
import { appendSpendRows } from "./spend-appender.js";

const q = duckdbDialect.quoteString;

function toPlain(v: DuckDBValue): string | number | bigint | boolean | null {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return v;
  if (v instanceof DuckDBDateValue) return epochDayToIso(v.days);
  if (v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n)).toISOString();
  return String(v);
}

/** The embedded default store: one DuckDB file (DESIGN §3). */
export class DuckDbStore implements Store {
  readonly dialect = duckdbDialect;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) a DuckDB file, or ":memory:". @example await DuckDbStore.open("./cpi.duckdb") */
  static async open(path: string): Promise<DuckDbStore> {
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    for (const stmt of [...DUCKDB_SCHEMA, ...API_TOKENS_DDL]) await conn.run(stmt);
    return new DuckDbStore(path, instance, conn);
  }

  async query(sql: string): Promise<ResultRow[]> {
    const reader = await this.conn.runAndReadAll(sql);
    const names = reader.columnNames();
    return reader.getRows().map((row) => {
      const o: ResultRow = {};
      for (let i = 0; i < names.length; i++) o[names[i] as string] = toPlain(row[i] as DuckDBValue);
      return o;
    });
  }

  async importSpend(files: readonly SpendImport[], onProgress?: ProgressFn): Promise<ImportOutcome[]> {
    const total = files.reduce((s, f) => s + f.rows.length, 0);
    let done = 0;
    const outcomes: ImportOutcome[] = [];
    await this.conn.run("BEGIN TRANSACTION");
    try {
      const idRow = await this.query("SELECT COALESCE(MAX(id), 0) AS id FROM imports");
      let nextId = Number(idRow[0]?.id ?? 0) + 1;
      for (const f of files) {
        const importId = nextId++;
        let replaced = 0;
        const windows = replacementWindows(f.rows);
        for (const w of windows) {
          const where = `source = ${q(w.source)} AND account_id = ${q(w.account_id)} AND campaign_id IN (${w.campaign_ids.map(q).join(", ")})
            AND date_start <= DATE '${w.to}' AND date_end >= DATE '${w.from}'`;
          const res = await this.conn.run(`DELETE FROM spend WHERE ${where}`);
          replaced += Number(res.rowsChanged);
          await this.conn.run(`DELETE FROM platform_reach WHERE source = ${q(w.source)} AND account_id = ${q(w.account_id)}
            AND date_start <= DATE '${w.to}' AND date_end >= DATE '${w.from}'`);
        }
        const appender = await this.conn.createAppender("spend");
        appendSpendRows(appender, f.rows, importId, (n) => {
          done += n;
          onProgress?.(done, total);
        });
        appender.closeSync();
        if (f.reach.length) await this.insertReach(f.reach, importId);
        const from = windows.reduce<string | null>((m, w) => (m === null || w.from < m ? w.from : m), null);
        const to = windows.reduce<string | null>((m, w) => (m === null || w.to > m ? w.to : m), null);
        const sources = [...new Set(windows.map((w) => w.source))].join(",");
        const accounts = [...new Set(windows.map((w) => w.account_id))].join(",");
        await this.conn.run(
          `INSERT INTO imports VALUES (${importId}, ${q(f.file)}, ${q(f.contentHash)}, ${q(f.format)}, ${q(sources)}, ${q(accounts)},
           ${from ? `DATE '${from}'` : "NULL"}, ${to ? `DATE '${to}'` : "NULL"}, ${f.rows.length}, ${replaced}, now())`,
        );
        outcomes.push({ file: f.file, importId, rows: f.rows.length, replacedRows: replaced });
      }
      await this.conn.run("COMMIT");
    } catch (e) {
      await this.conn.run("ROLLBACK");
      throw e;
    }
    return outcomes;
  }

  private async insertReach(rows: readonly PlatformReachRow[], importId: number): Promise<void> {
    const values = rows.map(
      (r) =>
        `(${q(r.source)}, ${q(r.account_id)}, ${q(r.level)}, ${q(r.campaign)}, ${q(r.ad_group)}, ${q(r.ad)}, DATE '${r.date_start}', DATE '${r.date_end}', ${Math.round(r.reach)}, ${Math.round(r.impressions)}, ${r.frequency ?? "NULL"}, ${importId})`,
    );
    for (let i = 0; i < values.length; i += 1000) await this.conn.run(`INSERT INTO platform_reach VALUES ${values.slice(i, i + 1000).join(", ")}`);
  }

  async upsertFxRates(rates: readonly FxRate[]): Promise<number> {
    if (rates.length === 0) return 0;
    await this.conn.run("BEGIN TRANSACTION");
    try {
      for (let i = 0; i < rates.length; i += 2000) {
        const values = rates
          .slice(i, i + 2000)
          .map((r) => `(DATE '${r.date}', ${q(r.base)}, ${q(r.currency)}, ${r.rate}, ${q(r.origin)})`)
          .join(", ");
        await this.conn.run(`INSERT OR REPLACE INTO fx_rates VALUES ${values}`);
      }
      await this.conn.run("COMMIT");
    } catch (e) {
      await this.conn.run("ROLLBACK");
      throw e;
    }
    return rates.length;
  }

  async fxRates(): Promise<FxRate[]> {
    const rows = await this.query("SELECT strftime(date, '%Y-%m-%d') AS date, base, currency, rate, origin FROM fx_rates");
    return rows.map((r) => ({ date: String(r.date), base: String(r.base), currency: String(r.currency), rate: Number(r.rate), origin: String(r.origin) }));
  }

  appendTrackedEvents(batch: TrackedBatch): Promise<TrackedBatchOutcome> {
    return appendTrackedBatch(this.conn, (sql) => this.query(sql), batch);
  }

  eventLogOffset(logId: string): Promise<number | null> {
    return eventLogOffset((sql) => this.query(sql), logId);
  }

  addContract(contract: NewContract): Promise<Contract> {
    return insertContract(this.conn, (sql) => this.query(sql), contract);
  }

  contracts(): Promise<Contract[]> {
    return listContracts((sql) => this.query(sql));
  }

  removeContract(id: number): Promise<boolean> {
    return deleteContract(this.conn, id);
  }

  addApiToken(token: NewApiToken): Promise<ApiToken> {
    return insertApiTokenDuckDb(this.conn, (sql) => this.query(sql), token);
  }

  apiTokens(): Promise<ApiToken[]> {
    return listApiTokensDuckDb((sql) => this.query(sql));
  }

  revokeApiToken(id: number): Promise<boolean> {
    return deleteApiTokenDuckDb(this.conn, id);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
