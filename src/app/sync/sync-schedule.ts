import type { Store } from "../../store/store.js";
import type { ConnectionFiles } from "../connect/connection-files.js";
import { type Repeating, repeatEvery } from "../repeat.js";
import { type AccountSync, type SyncOptions, syncConnections } from "./sync.js";

export interface SyncScheduleOptions {
  files: ConnectionFiles;
  /** Milliseconds between the end of one sync and the start of the next. */
  everyMs: number;
  sync: Omit<SyncOptions, "names" | "since">;
  /** Runs after each sync (the alert checks, on the fresh data); must not throw. */
  afterSync?: (accounts: AccountSync[]) => Promise<void>;
  log?: (message: string) => void;
  /** Called after each round (tests). */
  onRound?: (accounts: AccountSync[] | null, error: unknown) => void;
}

/**
 * Syncs every connection now and then every `everyMs` (never two at once) until stopped, each sync
 * followed by `afterSync`, for `cpi serve --sync-every 6h`. Errors are logged, never thrown: a refused
 * token or a platform outage does not stop the server.
 * @example const s = startSyncSchedule(store, { files, everyMs: 6 * 3_600_000, sync: { deadlineMs, env: process.env } }); await s.stop()
 */
export function startSyncSchedule(store: Store, o: SyncScheduleOptions): Repeating {
  const log = o.log ?? (() => {});
  return repeatEvery(o.everyMs, async () => {
    let accounts: AccountSync[];
    try {
      accounts = await syncConnections(store, o.files, o.sync);
    } catch (e) {
      log(`sync: failed: ${e instanceof Error ? e.message : String(e)}`);
      o.onRound?.(null, e);
      return;
    }
    const failed = accounts.filter((a) => a.error !== null);
    const rows = accounts.reduce((s, a) => s + a.rows, 0);
    log(`sync: ${accounts.length - failed.length} of ${accounts.length} accounts synced, ${rows.toLocaleString("en-US")} rows${failed.map((a) => `; ${a.connection} ${a.account}: ${a.error}`).join("")}`);
    await o.afterSync?.(accounts);
    o.onRound?.(accounts, null);
  });
}
