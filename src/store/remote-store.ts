// A Store whose methods run in another process that holds the real one open (`cpi serve`'s store
// process): the HTTP process's routes (the API, the dashboard) use it like any Store.
import type { ApiToken, NewApiToken } from "../domain/api-token.js";
import type { CampaignStatus } from "../domain/campaign-status.js";
import type { FxRate } from "../domain/fx.js";
import type { Contract, NewContract } from "../domain/tracking/contract.js";
import { clickhouseDialect } from "../query/clickhouse-dialect.js";
import type { Dialect } from "../query/dialect.js";
import { duckdbDialect } from "../query/duckdb-dialect.js";
import type { ImportOutcome, ProgressFn, ResultRow, SpendImport, Store, StoreSetting, TrackedBatch, TrackedBatchOutcome } from "./store.js";

/** Sends one Store method call to the process that holds the store; resolves with its result. */
export type StoreCall = (method: string, args: unknown[]) => Promise<unknown>;

/** The Store interface over a StoreCall. close() does nothing: the owning process closes the store. */
export class RemoteStore implements Store {
  readonly dialect: Dialect;

  constructor(
    private readonly call: StoreCall,
    dialect: "duckdb" | "clickhouse",
    readonly location: string,
  ) {
    // The store process of `cpi serve` holds the store (a DuckDB file, or a ClickHouse connection with
    // `cpi serve --store`): queries are compiled here in its dialect and run there.
    this.dialect = dialect === "clickhouse" ? clickhouseDialect : duckdbDialect;
  }

  query(sql: string): Promise<ResultRow[]> {
    return this.call("query", [sql]) as Promise<ResultRow[]>;
  }
  importSpend(files: readonly SpendImport[], _onProgress?: ProgressFn): Promise<ImportOutcome[]> {
    return this.call("importSpend", [files]) as Promise<ImportOutcome[]>;
  }
  upsertFxRates(rates: readonly FxRate[]): Promise<number> {
    return this.call("upsertFxRates", [rates]) as Promise<number>;
  }
  fxRates(): Promise<FxRate[]> {
    return this.call("fxRates", []) as Promise<FxRate[]>;
  }
  appendTrackedEvents(batch: TrackedBatch): Promise<TrackedBatchOutcome> {
    return this.call("appendTrackedEvents", [batch]) as Promise<TrackedBatchOutcome>;
  }
  eventLogOffset(logId: string): Promise<number | null> {
    return this.call("eventLogOffset", [logId]) as Promise<number | null>;
  }
  addContract(contract: NewContract): Promise<Contract> {
    return this.call("addContract", [contract]) as Promise<Contract>;
  }
  contracts(): Promise<Contract[]> {
    return this.call("contracts", []) as Promise<Contract[]>;
  }
  removeContract(id: number): Promise<boolean> {
    return this.call("removeContract", [id]) as Promise<boolean>;
  }
  addApiToken(token: NewApiToken): Promise<ApiToken> {
    return this.call("addApiToken", [token]) as Promise<ApiToken>;
  }
  apiTokens(): Promise<ApiToken[]> {
    return this.call("apiTokens", []) as Promise<ApiToken[]>;
  }
  revokeApiToken(id: number): Promise<boolean> {
    return this.call("revokeApiToken", [id]) as Promise<boolean>;
  }
  recordCampaignStatuses(rows: readonly CampaignStatus[]): Promise<void> {
    return this.call("recordCampaignStatuses", [rows]) as Promise<void>;
  }
  campaignStatuses(): Promise<CampaignStatus[]> {
    return this.call("campaignStatuses", []) as Promise<CampaignStatus[]>;
  }
  setting(name: StoreSetting): Promise<string | null> {
    return this.call("setting", [name]) as Promise<string | null>;
  }
  setSetting(name: StoreSetting, value: string): Promise<void> {
    return this.call("setSetting", [name, value]) as Promise<void>;
  }
  async close(): Promise<void> {}
}
