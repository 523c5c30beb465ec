import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { AlertFiles } from "../app/alerts/alert-files.js";
import type { Mailer } from "../app/alerts/webhook.js";
import type { ConnectionFiles } from "../app/connect/connection-files.js";
import { UserError } from "../domain/errors.js";
import { smtpMailer } from "../notify/smtp-mailer.js";
import { openAlertFilesOnDisk } from "../store/alerts/alert-files.js";
import type { InitOutcome } from "../store/clickhouse/init-schema.js";
import { isClickHouseUrl, parseClickHouseUrl, redactUrl } from "../store/clickhouse/store-url.js";
import type { UnlockOutcome } from "../store/clickhouse/unlock.js";
import type { VacuumOutcome } from "../store/clickhouse/vacuum.js";
import { openConnectionFilesOnDisk } from "../store/connections/connection-files.js";
import { type EventLogSource, openSegmentSource } from "../store/event-log/log-reader.js";
import { listSealedSegments, type SealedSegment, SegmentedEventLog, type SegmentListener } from "../store/event-log/segmented-log.js";
import { RemoteStore, type StoreCall } from "../store/remote-store.js";
import type { Store } from "../store/store.js";
import { storeEngineProblem, storePathProblem } from "./environment.js";
import type { CliIo } from "./io.js";

/** The composition root: the one place the CLI picks and opens a store. */
export interface StoreOptions {
  db?: string;
  /** A ClickHouse store URL (clickhouse://user:password@host:8123/database). */
  store?: string;
}

/**
 * The ClickHouse URL a command uses, or null for DuckDB: --store, else (without --db) $CPI_STORE.
 * A flag beats the environment; --db and --store together are a usage error.
 */
export function clickhouseUrl(opts: StoreOptions, io: CliIo): string | null {
  if (opts.store !== undefined && opts.db !== undefined) throw new UserError("bad_flag", "use --db (a DuckDB file) or --store (a ClickHouse URL), not both");
  const url = opts.store ?? (opts.db === undefined ? io.env.CPI_STORE || undefined : undefined);
  if (url === undefined) return null;
  if (!isClickHouseUrl(url)) {
    throw new UserError("bad_store_url", `${opts.store !== undefined ? "--store" : "CPI_STORE"} '${redactUrl(url)}' is not a ClickHouse URL: expected clickhouse://user:password@host:8123/database (use --db for a DuckDB file)`);
  }
  return url;
}

/**
 * A file cpi keeps beside the store: `given` (a flag), else $`envName`, else beside the DuckDB store
 * (./cpi.duckdb → ./cpi.`name`.json), else ./cpi.`name`.json for a ClickHouse store.
 */
export function besideStore(o: StoreOptions, io: CliIo, given: string | undefined, envName: string, name: string): string {
  if (given) return resolve(io.cwd, given);
  const fromEnv = io.env[envName];
  if (fromEnv) return resolve(io.cwd, fromEnv);
  if (clickhouseUrl(o, io) !== null) return resolve(io.cwd, `cpi.${name}.json`);
  return `${storePath(o, io).replace(/\.duckdb$/i, "")}.${name}.json`;
}

/** The DuckDB file a command uses: --db, else $CPI_DB, else ./cpi.duckdb. */
export function storePath(opts: StoreOptions, io: CliIo): string {
  return resolve(io.cwd, opts.db ?? (io.env.CPI_DB || "cpi.duckdb"));
}

/**
 * Opens the store. Reading commands refuse to create an empty one, so a typo in --db says so
 * instead of printing an empty report.
 */
export async function openStore(opts: StoreOptions, io: CliIo, mode: "read" | "write"): Promise<Store> {
  const url = clickhouseUrl(opts, io);
  if (url !== null) return openClickHouseStore(url);
  const path = storePath(opts, io);
  if (mode === "read" && !existsSync(path)) {
    throw new UserError("no_store", `no cpi store at ${path}: import reports first ('cpi import FILE'), try 'cpi demo', or point --db / CPI_DB at your store`);
  }
  return openStoreAt(path);
}

/**
 * Stores this process already holds open (`cpi serve`'s loader): commands forwarded to the server
 * run against them instead of opening the file again. Their close() is a no-op for commands.
 */
const hosted = new Map<string, Store>();

/** Makes commands in this process use an already open store for `path`. */
export function hostStore(path: string, store: Store): void {
  hosted.set(path, store);
}

/** True when this process hosts the store at `path` (so commands must not be forwarded). */
export function isHostedStore(path: string): boolean {
  return hosted.has(path);
}

// The engines' drivers are loaded when a store is first opened, not with the CLI: DuckDB's native
// library alone takes about a third of a command's start, and `cpi serve`'s HTTP process (which never
// opens the store itself), `calc`, `snippet` and `--help` need neither driver.
async function openClickHouseStore(url: string): Promise<Store> {
  const { ClickHouseStore } = await import("../store/clickhouse/clickhouse-store.js");
  return ClickHouseStore.open(url);
}

/** Opens (creating if needed) the DuckDB store at an absolute path, or the ClickHouse store at a URL. */
export async function openStoreAt(path: string): Promise<Store> {
  const h = hosted.get(path);
  if (h) return Object.assign(Object.create(h) as Store, { close: async () => {} });
  if (isClickHouseUrl(path)) return openClickHouseStore(path);
  if (path !== ":memory:") {
    const problem = storePathProblem(path);
    if (problem) throw problem;
  }
  try {
    const { DuckDbStore } = await import("../store/duckdb/duckdb-store.js");
    return await DuckDbStore.open(path);
  } catch (e) {
    throw storeEngineProblem(path, e) ?? e;
  }
}

/** Creates the ClickHouse schema at `url` (on every server of `cluster`, reached at `nodes` when given). */
export async function initClickHouse(url: string, cluster: string | null, nodes: readonly string[]): Promise<InitOutcome> {
  const { initClickHouseStore } = await import("../store/clickhouse/init-schema.js");
  return initClickHouseStore(parseClickHouseUrl(url), { cluster, nodes: nodes.map(parseClickHouseUrl) });
}

/** Starts deleting the rows no reader of the ClickHouse store at `url` can see, on every server. */
export async function vacuumClickHouse(url: string, nodes: readonly string[]): Promise<VacuumOutcome> {
  const { vacuumClickHouseStore } = await import("../store/clickhouse/vacuum.js");
  return vacuumClickHouseStore(parseClickHouseUrl(url), nodes.map(parseClickHouseUrl));
}

/**
 * Says who holds the import lock of the ClickHouse store at `url`; frees it when `confirm` names that
 * holder. `url` comes back with its password hidden, for the command a message shows.
 */
export async function unlockClickHouse(url: string, confirm: string | null): Promise<UnlockOutcome & { shownUrl: string }> {
  const { unlockClickHouseStore } = await import("../store/clickhouse/unlock.js");
  return { ...(await unlockClickHouseStore(parseClickHouseUrl(url), confirm)), shownUrl: redactUrl(url) };
}

/**
 * Runs `fn` with an open store and always closes it. A DuckDB store this call created is removed again
 * when `fn` fails or `keep` says nothing was written (a failed or empty import leaves no file behind).
 */
export async function withStore<T>(opts: StoreOptions, io: CliIo, mode: "read" | "write", fn: (s: Store) => Promise<T>, keep: (result: T) => boolean = () => true): Promise<T> {
  const path = clickhouseUrl(opts, io) === null ? storePath(opts, io) : null;
  const created = path !== null && mode === "write" && !existsSync(path) && !hosted.has(path);
  const store = await openStore(opts, io, mode);
  let kept = false;
  try {
    const result = await fn(store);
    kept = keep(result);
    return result;
  } finally {
    await store.close();
    if (created && !kept && path !== null) removeStoreFiles(path);
  }
}

/**
 * Runs `fn` with the store, or, when there is no DuckDB store yet, with an empty one in memory: a dry
 * run checks against what the store holds and never creates it.
 */
export async function withStoreOrEmpty<T>(opts: StoreOptions, io: CliIo, fn: (s: Store) => Promise<T>): Promise<T> {
  const path = clickhouseUrl(opts, io) === null ? storePath(opts, io) : null;
  if (path === null || existsSync(path) || hosted.has(path)) return withStore(opts, io, "write", fn);
  const problem = storePathProblem(path);
  if (problem) throw problem;
  const { DuckDbStore } = await import("../store/duckdb/duckdb-store.js");
  const store = await DuckDbStore.open(":memory:");
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Removes a DuckDB store file and its write-ahead log. */
function removeStoreFiles(path: string): void {
  for (const p of [path, `${path}.wal`]) rmSync(p, { force: true });
}

/** The tracking server's event log next to a store: `<db>.events.log`. */
export function eventLogPath(dbPath: string): string {
  return `${dbPath}.events.log`;
}

/**
 * Opens the event log for appending (group commit, in segments of `segmentBytes`); the active segment's
 * sequence number is `firstSeq`, after the sealed ones an earlier run left.
 */
export function openEventLogWriter(path: string, segmentBytes: number, listener: SegmentListener, opts: { firstSeq: number; onCallbackError: (e: unknown) => void; onDurable?: (ms: number) => void }): SegmentedEventLog {
  return SegmentedEventLog.open(path, segmentBytes, listener, opts);
}


/** Sealed log segments an earlier run left next to the active log, oldest first. */
export function sealedEventLogs(path: string): SealedSegment[] {
  return listSealedSegments(path);
}

/** Opens log segment `id` for loading into the store (see openSegmentSource), or null when it cannot be opened at this moment. */
export function openEventLogSegment(activePath: string, id: string, sealedPath: string | null): EventLogSource | null {
  return openSegmentSource(activePath, id, sealedPath);
}

/** A Store whose calls run in the process that holds the store open (`cpi serve`'s store process). */
export function remoteStore(call: StoreCall, dialect: "duckdb" | "clickhouse", location: string): Store {
  return new RemoteStore(call, dialect, location);
}

/** The alerts' rules file, its log and lock beside it, at an absolute path. */
export function openAlertFiles(configPath: string): AlertFiles {
  return openAlertFilesOnDisk(configPath);
}

/** The connections file (credentials), the sync state and their locks, at an absolute path. */
export function openConnectionFiles(path: string): ConnectionFiles {
  return openConnectionFilesOnDisk(path);
}

/** What sends email alerts: SMTP through nodemailer. */
export function alertMailer(): Mailer {
  return smtpMailer();
}
