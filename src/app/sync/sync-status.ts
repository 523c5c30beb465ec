import { CONNECTORS } from "../../connect/registry.js";
import type { IsoDate } from "../../domain/dates.js";
import { compileFreshestDays } from "../../query/freshness-sql.js";
import type { Store } from "../../store/store.js";
import type { ConnectionFiles } from "../connect/connection-files.js";
import { identityOf, loadConnections } from "../connect/manage.js";
import { readSyncState } from "./sync-state.js";

export interface AccountStatus {
  account: string;
  last_success: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** The last day a sync pulled (in the account's zone). */
  synced_through: IsoDate | null;
  /** The latest day the store holds for this source and account, synced or imported. */
  freshest_day: IsoDate | null;
}

export interface ConnectionStatus {
  name: string;
  platform: string;
  label: string;
  source: string;
  last_success: string | null;
  last_error: string | null;
  last_error_at: string | null;
  accounts: AccountStatus[];
}

/**
 * Per connection: the last successful sync, the last error in plain words and the freshest day the
 * store holds for each account (`GET /api/sync`, the dashboard's Sync panel). Never a secret.
 * @example (await syncStatus(store, files)).connections[0]?.accounts[0]?.freshest_day
 */
export async function syncStatus(store: Store, files: ConnectionFiles): Promise<{ connections: ConnectionStatus[] }> {
  const list = await loadConnections(files);
  const state = await readSyncState(files);
  const pairs = list.flatMap((c) => c.accounts.map((a) => ({ source: CONNECTORS[c.platform].source, account_id: a })));
  const fresh = new Map<string, string>();
  if (pairs.length) {
    for (const r of await store.query(compileFreshestDays(store.dialect, pairs))) fresh.set(`${r.source}\u0000${r.account_id}`, String(r.day));
  }
  return {
    connections: list.map((c) => {
      const s = state[c.name];
      const id = identityOf(c);
      return {
        ...id,
        last_success: s?.last_success ?? null,
        last_error: s?.last_error ?? null,
        last_error_at: s?.last_error_at ?? null,
        accounts: c.accounts.map((a) => {
          const as = s?.accounts[a];
          return {
            account: a,
            last_success: as?.last_success ?? null,
            last_error: as?.last_error ?? null,
            last_error_at: as?.last_error_at ?? null,
            synced_through: as?.synced_through ?? null,
            freshest_day: fresh.get(`${id.source}\u0000${a}`) ?? null,
          };
        }),
      };
    }),
  };
}
