// What syncs left behind, per connection and account: when the last one succeeded, the last error in
// plain words, and the last day synced (where the next sync starts, less the lookback). Kept in a small
// JSON file beside the connections (never a secret in it), changed under the "state" lock.
import type { IsoDate } from "../../domain/dates.js";
import type { ConnectionFiles } from "../connect/connection-files.js";

export interface AccountSyncState {
  /** When a sync of this account last succeeded (ISO timestamp). */
  last_success: string | null;
  /** The last day that sync pulled (in the account's zone): the next one starts there, less the lookback. */
  synced_through: IsoDate | null;
  /** When a sync of this account last failed, and why (null once a later one succeeded). */
  last_error_at: string | null;
  last_error: string | null;
}

export interface ConnectionSyncState {
  /** When a sync of every account of the connection last succeeded. */
  last_success: string | null;
  last_error_at: string | null;
  /** The last error of the connection or one of its accounts (null once a later sync of all succeeded). */
  last_error: string | null;
  accounts: Record<string, AccountSyncState>;
}

export type SyncState = Record<string, ConnectionSyncState>;

const emptyAccount = (): AccountSyncState => ({ last_success: null, synced_through: null, last_error_at: null, last_error: null });
const emptyConnection = (): ConnectionSyncState => ({ last_success: null, last_error_at: null, last_error: null, accounts: {} });

/** The state file's content; an unreadable file counts as no state (the next sync backfills). */
function parseState(text: string | null): SyncState {
  if (!text) return {};
  try {
    const doc = JSON.parse(text) as { connections?: SyncState };
    return doc && typeof doc.connections === "object" && doc.connections !== null ? doc.connections : {};
  } catch {
    return {};
  }
}

/** The sync state of every connection. @example (await readSyncState(files))["acme"]?.accounts["123"]?.synced_through */
export async function readSyncState(files: ConnectionFiles): Promise<SyncState> {
  return parseState(await files.readState());
}

/** The outcome of one account's sync, to record. */
export type AccountRecord = { ok: true; at: string; through: IsoDate | null } | { ok: false; at: string; error: string };

/**
 * Records what happened to accounts of a connection (and, with `connection`, to the connection as a
 * whole), under the state lock, re-reading the file first so concurrent writers keep each other's news.
 * @example await recordSync(files, "acme", { "123": { ok: true, at, through: "2026-11-19" } })
 */
export async function recordSync(files: ConnectionFiles, name: string, accounts: Record<string, AccountRecord>, connection?: { ok: true; at: string } | { ok: false; at: string; error: string }): Promise<void> {
  await files.withLock("state", async () => {
    const state = parseState(await files.readState());
    const c = state[name] ?? emptyConnection();
    for (const [id, r] of Object.entries(accounts)) {
      const a = { ...emptyAccount(), ...c.accounts[id] };
      if (r.ok) Object.assign(a, { last_success: r.at, synced_through: r.through ?? a.synced_through, last_error: null, last_error_at: null });
      else Object.assign(a, { last_error: r.error, last_error_at: r.at });
      c.accounts[id] = a;
    }
    if (connection?.ok) Object.assign(c, { last_success: connection.at, last_error: null, last_error_at: null });
    else if (connection) Object.assign(c, { last_error: connection.error, last_error_at: connection.at });
    state[name] = c;
    await files.writeState(`${JSON.stringify({ connections: state }, null, 2)}\n`);
  });
}

/** Forgets a removed connection's state. @example await forgetSyncState(files, "acme") */
export async function forgetSyncState(files: ConnectionFiles, name: string): Promise<void> {
  await files.withLock("state", async () => {
    const state = parseState(await files.readState());
    if (!(name in state)) return;
    delete state[name];
    await files.writeState(`${JSON.stringify({ connections: state }, null, 2)}\n`);
  });
}
