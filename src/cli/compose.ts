import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../domain/errors.js";
import { DuckDbStore } from "../store/duckdb/duckdb-store.js";
import type { Store } from "../store/store.js";
import type { CliIo } from "./io.js";

/** The composition root: the one place the CLI picks and opens a store. */
export interface StoreOptions {
  db?: string;
}

/** The DuckDB file a command uses: --db, else $CPI_DB, else ./cpi.duckdb. */
export function storePath(opts: StoreOptions, io: CliIo): string {
  return resolve(io.cwd, opts.db ?? io.env.CPI_DB ?? "cpi.duckdb");
}

/**
 * Opens the store. Reading commands refuse to create an empty one, so a typo in --db says so
 * instead of printing an empty report.
 */
export async function openStore(opts: StoreOptions, io: CliIo, mode: "read" | "write"): Promise<Store> {
  const path = storePath(opts, io);
  if (mode === "read" && !existsSync(path)) {
    throw new UserError("no_store", `no cpi store at ${path}: import reports first ('cpi import FILE'), try 'cpi demo', or point --db / CPI_DB at your store`);
  }
  return openStoreAt(path);
}

/** Opens (creating if needed) the DuckDB store at an absolute path. */
export async function openStoreAt(path: string): Promise<Store> {
  try {
    return await DuckDbStore.open(path);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(msg)) throw new UserError("store_locked", `the store ${path} is in use by another process (${msg.split("\n")[0]})`);
    throw e;
  }
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(opts: StoreOptions, io: CliIo, mode: "read" | "write", fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(opts, io, mode);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
