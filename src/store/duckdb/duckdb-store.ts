import { type DuckDBConnection, DuckDBDateValue, DuckDBInstance, DuckDBTimestampValue, type DuckDBValue } from "@duckdb/node-api";
import type { ApiToken, NewApiToken } from "../../domain/api-token.js";
import type { CampaignStatus } from "../../domain/campaign-status.js";
import { epochDayToIso } from "../../domain/dates.js";
import type { FxRate } from "../../domain/fx.js";
import type { Contract, NewContract } from "../../domain/tracking/contract.js";
import { duckdbDialect } from "../../query/duckdb-dialect.js";
import type { ImportOutcome, ProgressFn, ResultRow, SpendBatchImport, SpendImport, Store, StoreSetting, TrackedBatch, TrackedBatchOutcome } from "../store.js";
import { API_TOKENS_DDL, deleteApiTokenDuckDb, insertApiTokenDuckDb, listApiTokensDuckDb } from "./api-tokens.js";
import { CAMPAIGN_STATUS_DDL, campaignStatusesDuckDb, recordCampaignStatusesDuckDb } from "./campaign-status.js";
import { appendTrackedBatch, deleteContract, eventLogOffset, insertContract, listContracts } from "./event-tables.js";
import { DUCKDB_SCHEMA } from "./schema.js";
import { importSpendDuckDb } from "./spend-import.js";

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
    for (const stmt of [...DUCKDB_SCHEMA, ...API_TOKENS_DDL, ...CAMPAIGN_STATUS_DDL]) await conn.run(stmt);
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

  recordCampaignStatuses(rows: readonly CampaignStatus[]): Promise<void> {
    return recordCampaignStatusesDuckDb(this.conn, rows);
  }

  campaignStatuses(): Promise<CampaignStatus[]> {
    return campaignStatusesDuckDb((sql) => this.query(sql));
  }

  async setting(name: StoreSetting): Promise<string | null> {
    const rows = await this.query(`SELECT value FROM cpi_meta WHERE key = ${q(name)}`);
    return rows[0] ? String(rows[0].value) : null;
  }

  async setSetting(name: StoreSetting, value: string): Promise<void> {
    await this.conn.run(`INSERT INTO cpi_meta VALUES (${q(name)}, ${q(value)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
