import type { ApiToken, NewApiToken } from "../domain/api-token.js";
import type { CampaignStatus } from "../domain/campaign-status.js";
import type { FxRate } from "../domain/fx.js";
import type { ReachColumns } from "../domain/reach-columns.js";
import type { ReplaceWindow } from "../domain/replace-window.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import type { SpendColumns } from "../domain/spend-columns.js";
import type { Contract, NewContract } from "../domain/tracking/contract.js";
import type { TrackedEvent } from "../domain/tracking/event.js";
import type { Dialect } from "../query/dialect.js";

/** A result row: numbers, bigints (sums of integers), strings ("YYYY-MM-DD" for dates) or null. */
export type ResultRow = Record<string, string | number | bigint | boolean | null>;

/**
 * A result column by column: each column's values by output column name, as in ResultRow except
 * that integers within ±2^53 may be numbers where a row would hold a bigint (exact either way).
 */
export interface ResultColumns {
  rowCount: number;
  columns: Record<string, (string | number | bigint | boolean | null)[]>;
}

/** One file's worth of parsed rows to import. */
export interface SpendImport {
  file: string;
  contentHash: string;
  format: string;
  rows: readonly SpendRow[];
  reach: readonly PlatformReachRow[];
  /**
   * What the rows replace, when the caller knows it better than the rows tell (a sync knows the window
   * it pulled, days without delivery included); default: `replacementWindows(rows)` (DESIGN rule 5).
   */
  windows?: readonly ReplaceWindow[];
}

/**
 * One file whose rows arrive in column batches while it is still being parsed (a large file read in a
 * worker thread). `finished()` is read after the last batch: what is known only once the file is read.
 * The batches end by throwing when the file must not be imported (a bad row): the store rolls back.
 */
export interface SpendBatchImport {
  file: string;
  /**
   * The batches, read from inside a synchronous callback (DuckDB pulling rows into one INSERT):
   * `started` resolves once the first is ready, then each `next` returns the next batch, blocking the
   * thread while it is parsed, and null after the last (or throws). Read once; `cancel` if the store
   * stops reading before the end.
   */
  batches: { started(): Promise<void>; next(): SpendColumns | null; cancel(): void };
  /** Rows the file is expected to hold (for progress; exact once the batches have ended). */
  estimatedRows(): number;
  finished(): { contentHash: string; format: string; reach: ReachColumns; windows: readonly ReplaceWindow[] };
}

export interface ImportOutcome {
  file: string;
  importId: number;
  rows: number;
  replacedRows: number;
}

/**
 * Events read from the tracking server's log between byte offsets [from, to) of the log `logId`.
 * Valid events go to `events`; invalid ones (`reason` set) are counted per reason in `invalid_counts`.
 */
export interface TrackedBatch {
  logId: string;
  from: number;
  to: number;
  events: readonly TrackedEvent[];
}

export interface TrackedBatchOutcome {
  /** False when the store already held this range (a replay after a crash): nothing was written. */
  applied: boolean;
  events: number;
  invalid: number;
}

export type ProgressFn = (done: number, total: number) => void;

/**
 * Store-wide settings kept in the store itself (its `cpi_meta` table), so every client of one store
 * agrees on them. `default_timezone`: the account time zone of imported rows whose file states none
 * and no `--timezone` is given (`cpi init --timezone`).
 */
/** `migration`: JSON of a `cpi migrate` into this store ({ from, state: "copying" | "done" }), so a failed one resumes. */
export type StoreSetting = "default_timezone" | "migration";

/**
 * The only door to a database (DESIGN §2). app/ talks to this interface; store/ implements it
 * per engine. SQL comes from query/ through `dialect`.
 */
export interface Store {
  readonly dialect: Dialect;
  readonly location: string;
  /** Runs a read-only query built by query/. */
  query(sql: string): Promise<ResultRow[]>;
  /** Optional: `query`'s result column by column, with no object per row (a report's 100,000 rows). */
  queryColumns?(sql: string): Promise<ResultColumns>;
  /**
   * Optional: runs `read` with a query function (results by columns) whose statements all see the
   * same committed data, so that what one statement found still holds for the next (a report
   * checks its currencies, then sums without them). Engines without such snapshots leave it out.
   */
  snapshot?<T>(read: (queryColumns: (sql: string) => Promise<ResultColumns>) => Promise<T>): Promise<T>;
  /**
   * Imports files in ONE transaction: for each file, deletes what its replacement windows cover
   * (DESIGN rule 5), appends its rows and records it in `imports`. All or nothing.
   */
  importSpend(files: readonly SpendImport[], onProgress?: ProgressFn): Promise<ImportOutcome[]>;
  /**
   * Optional: importSpend for files that arrive in batches while they are parsed, so that parsing
   * (in another thread) and writing overlap. Same transaction and replacement rules. `onProgress`
   * gets rows written and, for streamed files, an estimate of the total.
   */
  importSpendBatches?(files: readonly (SpendImport | SpendBatchImport)[], onProgress?: ProgressFn): Promise<ImportOutcome[]>;
  /** Inserts or replaces FX rates (same date, base and currency). Returns rows written. */
  upsertFxRates(rates: readonly FxRate[]): Promise<number>;
  /** Every stored FX rate (the table is small: one row per currency per business day). */
  fxRates(): Promise<FxRate[]>;
  /**
   * Appends a batch of tracked events and records `to` as the log offset loaded, in ONE transaction,
   * so a replay after a crash loads every logged event exactly once. A batch whose range the store
   * already holds is skipped; one that does not start where the store's offset is fails (a gap).
   */
  appendTrackedEvents(batch: TrackedBatch): Promise<TrackedBatchOutcome>;
  /** How far the log `logId` has been loaded (bytes), or null when nothing of it has been. */
  eventLogOffset(logId: string): Promise<number | null>;
  /** Stores a contract (the caller checks overlaps) and returns it with its id. */
  addContract(contract: NewContract): Promise<Contract>;
  /** Every contract, by id. */
  contracts(): Promise<Contract[]>;
  /** Removes a contract; false when there was none with that id. */
  removeContract(id: number): Promise<boolean>;
  /** Stores an API token (its hash, never the secret) and returns it with its id. */
  addApiToken(token: NewApiToken): Promise<ApiToken>;
  /** Every live (not revoked) API token, by id. */
  apiTokens(): Promise<ApiToken[]>;
  /** Revokes an API token; false when there was no live one with that id. */
  revokeApiToken(id: number): Promise<boolean>;
  /**
   * Records the campaign statuses imported reports give (paused, ended…); for each source × account ×
   * campaign the one of the export covering the latest day is kept.
   */
  recordCampaignStatuses(rows: readonly CampaignStatus[]): Promise<void>;
  /** The latest status of every campaign an export gave one. */
  campaignStatuses(): Promise<CampaignStatus[]>;
  /** A store-wide setting, or null when it was never set. */
  setting(name: StoreSetting): Promise<string | null>;
  /** Sets (or replaces) a store-wide setting. */
  setSetting(name: StoreSetting, value: string): Promise<void>;
  close(): Promise<void>;
}
