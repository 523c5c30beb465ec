import type { ApiToken, NewApiToken } from "../../domain/api-token.js";
import type { CampaignStatus } from "../../domain/campaign-status.js";
import { UserError } from "../../domain/errors.js";
import type { FxRate } from "../../domain/fx.js";
import type { Contract, NewContract } from "../../domain/tracking/contract.js";
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { ImportOutcome, ProgressFn, ResultColumns, ResultRow, SpendBatchImport, SpendImport, Store, StoreSetting, TrackedBatch, TrackedBatchOutcome } from "../store.js";
import { addApiTokenClickHouse, apiTokensClickHouse, revokeApiTokenClickHouse } from "./api-tokens.js";
import { campaignStatusesClickHouse, recordCampaignStatusesClickHouse } from "./campaign-status.js";
import { ClickHouseConnection } from "./connection.js";
import { appendTrackedBatchClickHouse, loadedOffset } from "./event-load.js";
import { withImportLock } from "./import-lock.js";
import { eventColumns } from "./init-schema.js";
import { type LockConnection, lockConnection } from "./lock-server.js";
import { withRetries } from "./retry.js";
import { ClickHouseRollupCompactor, type CompactionOutcome, type CompactionStop } from "./rollup-compaction.js";
import { CLICKHOUSE_SCHEMA_VERSION } from "./schema.js";
import { addContractClickHouse, contractsClickHouse, fxRatesClickHouse, removeContractClickHouse, upsertFxRatesClickHouse } from "./small-tables.js";
import { importSpendClickHouse } from "./spend-import.js";
import { type ClickHouseTarget, describeTarget, parseClickHouseUrl, redactedUrlOf } from "./store-url.js";

/**
 * True for ClickHouse 18.16 and later (what cpi's SQL and settings need). Versions differ in defaults
 * only, which connection.ts sets on every request; no SQL differs between 18.16 and 26.7, so one
 * dialect serves both. @example supportedVersion("26.7.2.1") // true
 */
export function supportedVersion(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 18 || (major === 18 && minor >= 16);
}

function checkVersion(version: string, target: ClickHouseTarget): void {
  if (!supportedVersion(version)) {
    throw new UserError("store_version", `ClickHouse at ${describeTarget(target)} is version ${version}; cpi needs 18.16 or later (tested: 18.16 and 26.7, see docs/clickhouse.md)`);
  }
}

/** What opening a store checks: the server's version, the store's cpi_meta rows, whether its events view has the measurement column. */
interface StoreState {
  version: string;
  meta: ResultRow[];
  measurement: boolean;
}

/** The store's state in one query; null when cpi_meta has no row (nothing to read the version beside). */
async function storeState(conn: ClickHouseConnection, target: ClickHouseTarget): Promise<StoreState | null> {
  const rows = await conn.query(
    `SELECT version() AS v, key, value, (SELECT count() FROM system.columns WHERE database = ${clickhouseDialect.quoteString(target.database)} AND table = 'events' AND name = 'measurement') AS measurement FROM cpi_meta`,
  );
  const first = rows[0];
  if (!first) return null;
  return { version: String(first.v), meta: rows, measurement: Number(first.measurement) > 0 };
}

/** The store's state a query at a time: the version is checked before anything else is read. */
async function storeStateStepByStep(conn: ClickHouseConnection, target: ClickHouseTarget): Promise<StoreState> {
  const version = String((await conn.query("SELECT version() AS v"))[0]?.v ?? "");
  checkVersion(version, target);
  const meta = await conn.query("SELECT key, value FROM cpi_meta");
  return { version, meta, measurement: (await eventColumns(conn, target.database)).has("events.measurement") };
}

/**
 * The scale-out store (DESIGN §3): one ClickHouse server, or a cluster through Distributed tables.
 * Queries from query/ run unchanged against the views `spend`, `platform_reach`, `events`, … that
 * show committed rows only. Writes from one process are serialised; imports from every process
 * take the store's import lock (import-lock.ts), so they never overlap.
 */
export class ClickHouseStore implements Store {
  readonly dialect = clickhouseDialect;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly compactor: ClickHouseRollupCompactor;

  private constructor(
    readonly location: string,
    private readonly conn: ClickHouseConnection,
    /** The cluster the schema was created for, or null on one server. */
    readonly cluster: string | null,
    /** The server's version(), read once when the store is opened. */
    readonly serverVersion: string,
    rollupCompactMinRows?: number,
  ) {
    this.compactor = new ClickHouseRollupCompactor(
      async () => ({ conn: this.conn, lockConn: await this.lockServer(), cluster: this.cluster, store: this.location }),
      rollupCompactMinRows,
    );
  }

  /** Opens the store at a clickhouse:// URL; fails with a UserError when the server or schema is missing. */
  static async open(url: string, options: { rollupCompactMinRows?: number } = {}): Promise<ClickHouseStore> {
    return ClickHouseStore.openTarget(parseClickHouseUrl(url), options);
  }

  static async openTarget(target: ClickHouseTarget, options: { rollupCompactMinRows?: number } = {}): Promise<ClickHouseStore> {
    const conn = new ClickHouseConnection(target);
    try {
      // One round trip where the store is as expected; step by step (each failure told apart) where not.
      const state = (await storeState(conn, target).catch(() => null)) ?? (await storeStateStepByStep(conn, target));
      const { version, meta } = state;
      checkVersion(version, target);
      // cpi_meta is TinyLog: a key's last row wins (each upgrade step appends the version it reached).
      const get = (k: string) => meta.filter((r) => r.key === k).pop()?.value;
      const schema = Number(get("schema_version") ?? 0);
      const cluster = String(get("cluster") ?? "");
      if (schema < CLICKHOUSE_SCHEMA_VERSION) {
        throw new UserError(
          "store_schema",
          `ClickHouse at ${describeTarget(target)} has cpi schema version ${schema}, this cpi needs ${CLICKHOUSE_SCHEMA_VERSION}: run 'cpi init --store URL${cluster ? ` --cluster ${cluster}` : ""}' once to upgrade it (it waits for imports in progress)`,
        );
      }
      if (schema > CLICKHOUSE_SCHEMA_VERSION) {
        throw new UserError("store_schema", `ClickHouse at ${describeTarget(target)} has cpi schema version ${schema}, made by a newer cpi; this one knows up to ${CLICKHOUSE_SCHEMA_VERSION}`);
      }
      if (!state.measurement) {
        const how = cluster ? ` --cluster ${cluster}' (with --node for each server it cannot reach by itself)` : "'";
        throw new UserError(
          "store_schema",
          `ClickHouse at ${describeTarget(target)} was set up by an older cpi (its events have no measurement column): run 'cpi init --store URL${how} to add it`,
        );
      }
      return new ClickHouseStore(`clickhouse ${describeTarget(target)}`, conn, cluster || null, version, options.rollupCompactMinRows);
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  /** "GLOBAL " on a cluster: subqueries of the live views run once and are shipped to the shards. */
  private get global(): string {
    return this.cluster ? "GLOBAL " : "";
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  query(sql: string): Promise<ResultRow[]> {
    return this.conn.query(sql);
  }

  queryColumns(sql: string): Promise<ResultColumns> {
    return this.conn.queryColumns(sql);
  }

  private lockConn: Promise<LockConnection> | null = null;

  /** The connection to the server holding the store's import lock (lock-server.ts), found once. */
  private async lockServer(): Promise<ClickHouseConnection> {
    this.lockConn ??= lockConnection(this.conn);
    try {
      return (await this.lockConn).conn;
    } catch (e) {
      this.lockConn = null;
      throw e;
    }
  }

  importSpend(files: readonly SpendImport[], onProgress?: ProgressFn): Promise<ImportOutcome[]> {
    return this.importSpendBatches(files, onProgress);
  }

  /** Large files stream in as they are parsed (see spend-import.ts), in the same one commit. */
  async importSpendBatches(files: readonly (SpendImport | SpendBatchImport)[], onProgress?: ProgressFn): Promise<ImportOutcome[]> {
    // The lock first, then this process's write queue: waiting for another process's import must not
    // hold up this process's other writes (cpi serve keeps loading events meanwhile).
    const lockConn = await this.lockServer();
    return withImportLock(lockConn, (lock) => this.serial(() => importSpendClickHouse(this.conn, this.global, lock, files, onProgress)), {
      store: this.location,
      unlockCommand: `cpi store unlock --store '${redactedUrlOf(this.conn.target)}'`,
    });
  }

  upsertFxRates(rates: readonly FxRate[]): Promise<number> {
    return this.serial(() => upsertFxRatesClickHouse(this.conn, rates));
  }

  fxRates(): Promise<FxRate[]> {
    return fxRatesClickHouse(this.conn);
  }

  /**
   * Loads a batch of the event log exactly once. A ClickHouse outage (or one shard's) is waited out
   * with backoff, never thrown: the log holds the events, and a retried batch is idempotent.
   */
  appendTrackedEvents(batch: TrackedBatch): Promise<TrackedBatchOutcome> {
    return this.serial(async () => {
      const { rollupRows, ...r } = await withRetries(() => appendTrackedBatchClickHouse(this.conn, batch), { onRetry: this.onRetry });
      if (this.failing) process.stderr.write(`cpi: ClickHouse ${this.location} is back; loading resumed\n`);
      this.failing = false;
      // The load is stored; a compaction that fails is only late (tried again after the next load).
      if (rollupRows > 0) {
        await this.compactor.appended(rollupRows).catch((e: unknown) => {
          process.stderr.write(`cpi: compacting the rollup of ClickHouse ${this.location} failed (${e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)}); tried again later\n`);
        });
      }
      return r;
    });
  }

  /**
   * Compacts the tracked-event rollup now (rollup-compaction.ts); null when the import lock is busy.
   * `stopAfter` ends it before its switch, as a killed process would (tests).
   */
  compactRollup(stopAfter?: CompactionStop): Promise<CompactionOutcome | null> {
    return this.serial(() => this.compactor.compact(stopAfter));
  }

  eventLogOffset(logId: string): Promise<number | null> {
    return withRetries(() => loadedOffset(this.conn, logId), { onRetry: this.onRetry });
  }

  /** Reports a retried load once per outage on stderr (the tracking server's log). */
  private failing = false;
  private readonly onRetry = (e: unknown, attempt: number, wait: number) => {
    if (attempt === 1 && !this.failing) {
      this.failing = true;
      process.stderr.write(`cpi: ClickHouse ${this.location} failed (${e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)}); retrying with backoff, events stay in the log\n`);
    }
    void wait;
  };

  addContract(contract: NewContract): Promise<Contract> {
    return this.serial(() => addContractClickHouse(this.conn, contract));
  }

  contracts(): Promise<Contract[]> {
    return contractsClickHouse(this.conn);
  }

  removeContract(id: number): Promise<boolean> {
    return this.serial(() => removeContractClickHouse(this.conn, id));
  }

  addApiToken(token: NewApiToken): Promise<ApiToken> {
    return this.serial(() => addApiTokenClickHouse(this.conn, token));
  }

  apiTokens(): Promise<ApiToken[]> {
    return apiTokensClickHouse(this.conn);
  }

  revokeApiToken(id: number): Promise<boolean> {
    return this.serial(() => revokeApiTokenClickHouse(this.conn, id));
  }

  recordCampaignStatuses(rows: readonly CampaignStatus[]): Promise<void> {
    return this.serial(() => recordCampaignStatusesClickHouse(this.conn, rows));
  }

  campaignStatuses(): Promise<CampaignStatus[]> {
    return campaignStatusesClickHouse(this.conn);
  }

  /**
   * cpi_meta is a TinyLog table on the store URL's server: it cannot update a row, so a setting is
   * changed by appending a row, and TinyLog reads rows in the order they were written: the last wins.
   */
  async setting(name: StoreSetting): Promise<string | null> {
    const rows = await this.conn.query(`SELECT value FROM cpi_meta WHERE key = ${clickhouseDialect.quoteString(name)}`);
    const last = rows[rows.length - 1];
    return last ? String(last.value) : null;
  }

  setSetting(name: StoreSetting, value: string): Promise<void> {
    return this.serial(() => this.conn.command(`INSERT INTO cpi_meta VALUES (${clickhouseDialect.quoteString(name)}, ${clickhouseDialect.quoteString(value)})`));
  }

  async close(): Promise<void> {
    await this.queue;
    const lock = await this.lockConn?.catch(() => null);
    if (lock?.own) await lock.conn.close();
    await this.conn.close();
  }
}
