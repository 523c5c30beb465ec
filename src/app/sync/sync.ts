// `cpi sync`: for each connection and account, pull the window the state calls for from the platform
// and land it in ONE transaction that replaces what the store held for that source and account over
// those dates (DESIGN rule 5, the import path's Store.importSpend). An account that fails is left
// exactly as it was and the others still land; a problem no other account of the connection can
// escape (refused credentials, a retired API version, a used-up quota, the deadline) stops the
// connection's remaining accounts.
import { createHash } from "node:crypto";
import type { PlatformSession } from "../../connect/connector.js";
import { ApiProblem, isConnectionWide, type ProblemKind } from "../../connect/problem.js";
import type { IsoDate } from "../../domain/dates.js";
import { isUserError } from "../../domain/errors.js";
import type { SpendRow } from "../../domain/spend.js";
import { yesterdayInZone } from "../../domain/zoned-day.js";
import type { Store } from "../../store/store.js";
import type { ConnectionFiles } from "../connect/connection-files.js";
import { type Connection, serializeConnections } from "../connect/connections.js";
import { loadConnections, selectConnections } from "../connect/manage.js";
import { type NetworkOptions, type OpenSession, openSession } from "./open-session.js";
import { readSyncState, recordSync, type SyncState } from "./sync-state.js";
import { type Since, syncWindow, windowDays } from "./sync-window.js";

/** Default time one connection's sync may take. */
export const DEFAULT_DEADLINE_MS = 30 * 60_000;

export interface SyncOptions extends NetworkOptions {
  /** Connections to sync by name; all when empty. */
  names?: readonly string[];
  /** Where to start, for first syncs and whenever given (then it overrides the state). */
  since?: Since;
  /** Days re-pulled before the last synced day; default the platform's (Meta 28, others 14). */
  lookback?: number;
}

/** What happened to one account: what `cpi sync --format json` prints per account. */
export interface AccountSync {
  connection: string;
  platform: string;
  source: string;
  account: string;
  account_name: string | null;
  currency: string | null;
  timezone: string | null;
  from: IsoDate | null;
  to: IsoDate | null;
  days: number;
  rows: number;
  replaced_rows: number;
  api_calls: number;
  seconds: number;
  /** Why the account was not synced, in plain words (null when it was). */
  error: string | null;
  /** What kind of failure: a ProblemKind, or "config" when the connection cannot be used as configured. */
  error_kind: ProblemKind | "config" | null;
}

/** Exit codes of `cpi sync`: 0 every account synced, 3 some failed (the others landed), 2 credentials or configuration need the user. */
export const SYNC_EXIT = { ok: 0, userMustAct: 2, partial: 3 } as const;

/**
 * The exit code a sync's outcome calls for: 2 when a connection's credentials were refused or it is
 * misconfigured (the user must act), else 3 when any account failed, else 0.
 * @example syncExitCode([{ error: null }]) // 0
 */
export function syncExitCode(accounts: readonly Pick<AccountSync, "error" | "error_kind">[]): number {
  if (accounts.some((a) => a.error_kind === "auth_refused" || a.error_kind === "config")) return SYNC_EXIT.userMustAct;
  return accounts.some((a) => a.error !== null) ? SYNC_EXIT.partial : SYNC_EXIT.ok;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A short, stable fingerprint of what an account's sync wrote (the imports table's content hash). */
function fingerprint(key: string, rows: readonly { cost: bigint; impressions: number }[]): string {
  let cost = 0n;
  let impressions = 0;
  for (const r of rows) {
    cost += r.cost;
    impressions += r.impressions;
  }
  return createHash("sha256").update(`${key}|${rows.length}|${cost}|${impressions}`).digest("hex");
}

/**
 * Syncs connections into the store (see the file's head), recording each account's outcome in the
 * sync state. Holds the "sync" lock throughout, so two syncs never pull the same accounts at once.
 * @example const accounts = await syncConnections(store, files, { deadlineMs: DEFAULT_DEADLINE_MS, env: process.env }); syncExitCode(accounts)
 */
export async function syncConnections(store: Store, files: ConnectionFiles, o: SyncOptions): Promise<AccountSync[]> {
  return files.withLock("sync", async () => {
    const selected = selectConnections(await loadConnections(files), o.names ?? [], files.path);
    const state = await readSyncState(files);
    const out: AccountSync[] = [];
    for (const c of selected) out.push(...(await syncConnection(store, files, c, state, o)));
    return out;
  });
}

function blank(c: Connection, source: string, account: string): AccountSync {
  return { connection: c.name, platform: c.platform, source, account, account_name: null, currency: null, timezone: null, from: null, to: null, days: 0, rows: 0, replaced_rows: 0, api_calls: 0, seconds: 0, error: null, error_kind: null };
}

async function syncConnection(store: Store, files: ConnectionFiles, c: Connection, state: SyncState, o: SyncOptions): Promise<AccountSync[]> {
  const now = o.now ?? Date.now;
  const progress = o.progress ?? (() => {});
  let open: OpenSession;
  try {
    open = openSession(c, o);
  } catch (e) {
    if (!isUserError(e)) throw e;
    const at = new Date(now()).toISOString();
    progress(`${c.name}: ${e.message}`);
    await recordSync(files, c.name, Object.fromEntries(c.accounts.map((a) => [a, { ok: false, at, error: e.message }])), { ok: false, at, error: e.message });
    return c.accounts.map((a) => ({ ...blank(c, "", a), error: e.message, error_kind: "config" as const }));
  }
  const { connector, http, session } = open;
  const results: AccountSync[] = [];
  let stop: ApiProblem | null = null;
  for (const id of c.accounts) {
    const r = blank(c, connector.source, id);
    results.push(r);
    if (stop) {
      r.error = `not synced: ${stop.message}`;
      r.error_kind = stop.kind;
      continue;
    }
    const t0 = now();
    const calls0 = http.calls;
    try {
      await syncAccount(store, c, connector.source, session, r, state[c.name]?.accounts[id]?.synced_through ?? null, o.lookback ?? connector.lookbackDays, o, progress);
      await recordSync(files, c.name, { [id]: { ok: true, at: new Date(now()).toISOString(), through: r.to } });
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      const message = http.redact(e.message);
      r.error = message;
      r.error_kind = e.kind;
      if (isConnectionWide(e.kind)) stop = e.withMessage(message);
      progress(`${c.name}: ${connector.label} account ${id} failed: ${message}`);
      await recordSync(files, c.name, { [id]: { ok: false, at: new Date(now()).toISOString(), error: message } });
    } finally {
      r.api_calls = http.calls - calls0;
      r.seconds = seconds(now() - t0);
    }
  }
  const at = new Date(now()).toISOString();
  const failed = results.find((r) => r.error !== null);
  await recordSync(files, c.name, {}, failed ? { ok: false, at, error: `account ${failed.account}: ${failed.error}` } : { ok: true, at });
  await saveRotated(files, c, open.rotated, progress);
  return results;
}

/** Pulls one account's window and lands it in one transaction; fills `r`. */
async function syncAccount(store: Store, c: Connection, source: string, session: PlatformSession, r: AccountSync, syncedThrough: IsoDate | null, lookback: number, o: SyncOptions, progress: (m: string) => void): Promise<void> {
  const info = await session.account(r.account);
  Object.assign(r, { account_name: info.name, currency: info.currency, timezone: info.timezone });
  const w = syncWindow({ yesterday: yesterdayInZone((o.now ?? Date.now)(), info.timezone), syncedThrough, lookback, since: o.since });
  if (w === null) {
    progress(`${c.name}: account ${r.account}: nothing to pull (--since is after yesterday in ${info.timezone})`);
    return;
  }
  Object.assign(r, { from: w.from, to: w.to, days: windowDays(w) });
  progress(`${c.name}: account ${r.account} (${info.name || "unnamed"}, ${info.currency}, ${info.timezone}): pulling ${w.from}..${w.to} (${r.days} days)`);
  const pulled = await session.pull(info, w);
  // A stable order whatever order the pages came in: conversions are summed as floating point,
  // whose last digits depend on the order rows were written.
  pulled.rows.sort(byDayAndEntity);
  r.rows = pulled.rows.length;
  if (pulled.rows.length > 0) {
    const key = `${c.name}/${r.account}/${w.from}..${w.to}`;
    const campaigns = [...new Set(pulled.rows.map((x) => x.campaign_id))].sort();
    const [outcome] = await store.importSpend([
      {
        file: `sync ${key}`,
        contentHash: fingerprint(key, pulled.rows),
        format: `${source}:sync`,
        rows: pulled.rows,
        reach: pulled.reach,
        windows: [r.account, ...(info.aliases ?? [])].map((account_id) => ({ source, account_id, campaign_ids: campaigns, from: w.from, to: w.to })),
      },
    ]);
    r.replaced_rows = outcome?.replacedRows ?? 0;
  }
  progress(`${c.name}: account ${r.account}: ${r.rows.toLocaleString("en-US")} rows stored, ${r.replaced_rows.toLocaleString("en-US")} replaced`);
}

function byDayAndEntity(a: SpendRow, b: SpendRow): number {
  return a.date_start < b.date_start ? -1 : a.date_start > b.date_start ? 1 : compareIds(a.campaign_id, b.campaign_id) || compareIds(a.ad_group_id, b.ad_group_id) || compareIds(a.ad_id, b.ad_id);
}

/** Ids compared as numbers when both are digits (platform ids are), else as text. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Saves refresh tokens a platform rotated, where the connection keeps them in the file. */
async function saveRotated(files: ConnectionFiles, c: Connection, rotated: Record<string, string>, progress: (m: string) => void): Promise<void> {
  const keys = Object.keys(rotated);
  if (keys.length === 0) return;
  await files.withLock("edit", async () => {
    const list = await loadConnections(files);
    const current = list.find((x) => x.name === c.name);
    if (!current) return;
    for (const k of keys) {
      const ref = current.secrets[k];
      if (ref && "env" in ref) progress(`${c.name}: the platform issued a new ${k.replace(/_/g, " ")}; the one in $${ref.env} may stop working: update the variable (see the platform's setup in docs/sync.md)`);
      else current.secrets[k] = { value: rotated[k] as string };
    }
    await files.writeConnections(serializeConnections(list));
  });
}
