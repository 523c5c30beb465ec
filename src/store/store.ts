import type { FxRate } from "../domain/fx.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import type { Dialect } from "../query/dialect.js";

/** A result row: numbers, bigints (sums of integers), strings ("YYYY-MM-DD" for dates) or null. */
export type ResultRow = Record<string, string | number | bigint | boolean | null>;

/** One file's worth of parsed rows to import. */
export interface SpendImport {
  file: string;
  contentHash: string;
  format: string;
  rows: readonly SpendRow[];
  reach: readonly PlatformReachRow[];
}

export interface ImportOutcome {
  file: string;
  importId: number;
  rows: number;
  replacedRows: number;
}

export type ProgressFn = (done: number, total: number) => void;

/**
 * The only door to a database (DESIGN §2). app/ talks to this interface; store/ implements it
 * per engine. SQL comes from query/ through `dialect`.
 */
export interface Store {
  readonly dialect: Dialect;
  readonly location: string;
  /** Runs a read-only query built by query/. */
  query(sql: string): Promise<ResultRow[]>;
  /**
   * Imports files in ONE transaction: for each file, deletes what its replacement windows cover
   * (DESIGN rule 5), appends its rows and records it in `imports`. All or nothing.
   */
  importSpend(files: readonly SpendImport[], onProgress?: ProgressFn): Promise<ImportOutcome[]>;
  /** Inserts or replaces FX rates (same date, base and currency). Returns rows written. */
  upsertFxRates(rates: readonly FxRate[]): Promise<number>;
  /** Every stored FX rate (the table is small: one row per currency per business day). */
  fxRates(): Promise<FxRate[]>;
  close(): Promise<void>;
}
