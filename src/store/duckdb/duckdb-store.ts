import { chmodSync, existsSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { DOUBLE, type DuckDBConnection, DuckDBDateValue, DuckDBInstance, DuckDBTimestampValue, type DuckDBType, type DuckDBValue, LIST, listValue, VARCHAR } from "@duckdb/node-api";
import type { ApiToken, NewApiToken } from "../../domain/api-token.js";
import type { CampaignStatus } from "../../domain/campaign-status.js";
import { memoEpochDayToIso } from "../../domain/dates.js";
import type { FxRate } from "../../domain/fx.js";
import type { Contract, NewContract } from "../../domain/tracking/contract.js";
import { duckdbDialect } from "../../query/duckdb-dialect.js";
import type { ImportOutcome, ProgressFn, ResultColumns, ResultRow, SpendBatchImport, SpendImport, Store, StoreSetting, TrackedBatch, TrackedBatchOutcome } from "../store.js";
import { API_TOKENS_DDL, deleteApiTokenDuckDb, insertApiTokenDuckDb, listApiTokensDuckDb } from "./api-tokens.js";
import { CAMPAIGN_STATUS_DDL, campaignStatusesDuckDb, recordCampaignStatusesDuckDb } from "./campaign-status.js";
import { appendTrackedBatch, deleteContract, eventLogOffset, insertContract, listContracts } from "./event-tables.js";
import { BUILD_EVENT_ROLLUP, BUILD_REACH_SAMPLE, migrateDuckDb } from "./migrations.js";
import { readColumns, readRowObjects } from "./read-rows.js";
import { RollupCompactor } from "./rollup-compaction.js";
import { DUCKDB_SCHEMA, SCHEMA_VERSION } from "./schema.js";
import { refuseNewerSchema } from "./schema-version.js";
import { importSpendDuckDb } from "./spend-import.js";

// Days as ISO text, kept: a report's 100,000 rows share a few hundred days (a Date per value was most of its JS time).
const isoDay = memoEpochDayToIso();

function toPlain(v: DuckDBValue): string | number | bigint | boolean | null {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return v;
  if (v instanceof DuckDBDateValue) return isoDay(v.days);
  if (v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n)).toISOString();
  return String(v);
}

/** The embedded default store: one DuckDB file (DESIGN §3). */
export class DuckDbStore implements Store {
  readonly dialect = duckdbDialect;
  private readonly compactor: RollupCompactor;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    rollupCompactMinRows?: number,
  ) {
    this.compactor = new RollupCompactor(conn, rollupCompactMinRows);
  }

  /** Opens (creating if needed) a DuckDB file, or ":memory:". @example await DuckDbStore.open("./cpi.duckdb") */
  /**
   * Opens (creating if needed) the store at `path`. The store holds token hashes and all spend data,
   * so it is created readable by its owner only (0600). DuckDB creates its `.wal` (again after every
   * checkpoint) and spill files with the process's umask, so opening a file store also takes group
   * and other bits out of the umask (`umask | 077`) for the rest of the process.
   */
  static async open(path: string, options: { rollupCompactMinRows?: number } = {}): Promise<DuckDbStore> {
    if (path !== ":memory:" && isMainThread) process.umask(process.umask() | 0o077); // workers may not set it
    const created = path !== ":memory:" && !existsSync(path);
    const instance = await DuckDBInstance.create(path);
    if (created) chmodSync(path, 0o600);
    const conn = await instance.connect();
    try {
      await refuseNewerSchema(conn, path);
    } catch (e) {
      conn.closeSync();
      instance.closeSync();
      throw e;
    }
    // A store from before cpi_meta had schema versions holds events but gets the current version: its rollup and visitor sample are built here.
    const tables = async (name: string) => (await conn.runAndReadAll(`SELECT 1 FROM information_schema.tables WHERE table_name = '${name}' AND table_schema = 'main'`)).getRows().length;
    const unversionedEvents = (await tables("events")) > 0 && (await tables("cpi_meta")) === 0;
    for (const stmt of [...DUCKDB_SCHEMA, ...API_TOKENS_DDL, ...CAMPAIGN_STATUS_DDL]) await conn.run(stmt);
    if (unversionedEvents) {
      await conn.run(BUILD_EVENT_ROLLUP);
      await conn.run(BUILD_REACH_SAMPLE);
    }
    await migrateDuckDb(conn, SCHEMA_VERSION);
    return new DuckDbStore(path, instance, conn, options.rollupCompactMinRows);
  }

  /** Runs a query; the store's own statements bind their values (`$1` …, with their types), never quote them. */
  async query(sql: string, values?: DuckDBValue[], types?: DuckDBType[]): Promise<ResultRow[]> {
    return readRowObjects(await this.conn.run(sql, values, types), isoDay, toPlain);
  }

  async queryColumns(sql: string): Promise<ResultColumns> {
    return readColumns(await this.conn.run(sql), isoDay, toPlain);
  }

  /** One read-only transaction on a connection of its own: no write of the store's connection, committed or not, shows in it. */
  async snapshot<T>(read: (queryColumns: (sql: string) => Promise<ResultColumns>) => Promise<T>): Promise<T> {
    const conn = await this.instance.connect();
    try {
      await conn.run("BEGIN TRANSACTION READ ONLY");
      try {
        return await read(async (sql) => readColumns(await conn.run(sql), isoDay, toPlain));
      } finally {
        // Read only: nothing to undo, and closing the connection ends the transaction anyway.
        await conn.run("ROLLBACK").catch(() => {});
      }
    } finally {
      conn.closeSync();
    }
  }

  importSpend(files: readonly SpendImport[], onProgress?: ProgressFn): Promise<ImportOutcome[]> {
    return importSpendDuckDb(this.conn, files, onProgress);
  }

  importSpendBatches(files: readonly (SpendImport | SpendBatchImport)[], onProgress?: ProgressFn): Promise<ImportOutcome[]> {
    return importSpendDuckDb(this.conn, files, onProgress);
  }

  async upsertFxRates(rates: readonly FxRate[]): Promise<number> {
    if (rates.length === 0) return 0;
    await this.conn.run("BEGIN TRANSACTION");
    try {
      // Bound as one list per column (never quoted into the SQL), 10,000 rates a statement.
      for (let i = 0; i < rates.length; i += 10_000) {
        const part = rates.slice(i, i + 10_000);
        const column = <T extends string | number>(f: (r: FxRate) => T) => listValue(part.map(f));
        await this.conn.run(
          "INSERT OR REPLACE INTO fx_rates SELECT CAST(unnest($1) AS DATE), unnest($2), unnest($3), unnest($4), unnest($5)",
          [column((r) => r.date), column((r) => r.base), column((r) => r.currency), column((r) => r.rate), column((r) => r.origin)],
          [LIST(VARCHAR), LIST(VARCHAR), LIST(VARCHAR), LIST(DOUBLE), LIST(VARCHAR)],
        );
      }
      await this.conn.run("COMMIT");
    } catch (e) {
      await this.conn.run("ROLLBACK").catch(() => {}); // a failed write may have ended the transaction already: its error is the one to report
      throw e;
    }
    return rates.length;
  }

  async fxRates(): Promise<FxRate[]> {
    const rows = await this.query("SELECT strftime(date, '%Y-%m-%d') AS date, base, currency, rate, origin FROM fx_rates");
    return rows.map((r) => ({ date: String(r.date), base: String(r.base), currency: String(r.currency), rate: Number(r.rate), origin: String(r.origin) }));
  }

  async appendTrackedEvents(batch: TrackedBatch): Promise<TrackedBatchOutcome> {
    let rows = 0;
    const outcome = await appendTrackedBatch(this.conn, (sql, values, types) => this.query(sql, values, types), batch, (n) => {
      rows = n;
    });
    if (rows > 0) await this.compactor.appended(rows);
    return outcome;
  }

  eventLogOffset(logId: string): Promise<number | null> {
    return eventLogOffset((sql, values, types) => this.query(sql, values, types), logId);
  }

  addContract(contract: NewContract): Promise<Contract> {
    return insertContract(this.conn, (sql, values, types) => this.query(sql, values, types), contract);
  }

  contracts(): Promise<Contract[]> {
    return listContracts((sql, values, types) => this.query(sql, values, types));
  }

  removeContract(id: number): Promise<boolean> {
    return deleteContract(this.conn, id);
  }

  addApiToken(token: NewApiToken): Promise<ApiToken> {
    return insertApiTokenDuckDb(this.conn, (sql, values, types) => this.query(sql, values, types), token);
  }

  apiTokens(): Promise<ApiToken[]> {
    return listApiTokensDuckDb((sql, values, types) => this.query(sql, values, types));
  }

  revokeApiToken(id: number): Promise<boolean> {
    return deleteApiTokenDuckDb(this.conn, id);
  }

  recordCampaignStatuses(rows: readonly CampaignStatus[]): Promise<void> {
    return recordCampaignStatusesDuckDb(this.conn, rows);
  }

  campaignStatuses(): Promise<CampaignStatus[]> {
    return campaignStatusesDuckDb((sql) => this.query(sql));
  }

  async setting(name: StoreSetting): Promise<string | null> {
    const rows = await this.query("SELECT value FROM cpi_meta WHERE key = $1", [name], [VARCHAR]);
    return rows[0] ? String(rows[0].value) : null;
  }

  async setSetting(name: StoreSetting, value: string): Promise<void> {
    await this.conn.run("INSERT INTO cpi_meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [name, value], [VARCHAR, VARCHAR]);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
