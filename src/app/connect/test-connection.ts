import { ApiProblem, type ProblemKind } from "../../connect/problem.js";
import { isUserError } from "../../domain/errors.js";
import { type NetworkOptions, openSession } from "../sync/open-session.js";
import type { ConnectionFiles } from "./connection-files.js";
import { loadConnections, selectConnections } from "./manage.js";

export interface AccountCheck {
  account: string;
  ok: boolean;
  name: string | null;
  currency: string | null;
  timezone: string | null;
  /** What is wrong, in plain words (null when the account answered). */
  error: string | null;
  error_kind: ProblemKind | "config" | null;
}

export interface ConnectionCheck {
  connection: string;
  platform: string;
  api_calls: number;
  accounts: AccountCheck[];
}

/**
 * `cpi connect test NAME`: one cheap call per account (its name, currency and time zone), saying in
 * plain words what is wrong: expired or revoked credentials, a missing permission, an unknown account,
 * a retired API version. Few retries: a test should answer soon.
 * @example const check = await testConnection(files, "acme", { deadlineMs: 60_000, env: process.env })
 */
export async function testConnection(files: ConnectionFiles, name: string, o: NetworkOptions): Promise<ConnectionCheck> {
  const [c] = selectConnections(await loadConnections(files), [name], files.path);
  if (!c) throw new Error("selectConnections returned nothing");
  const blank = (account: string): AccountCheck => ({ account, ok: false, name: null, currency: null, timezone: null, error: null, error_kind: null });
  let open: ReturnType<typeof openSession>;
  try {
    open = openSession(c, { ...o, timing: { maxAttempts: 2, ...o.timing } });
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { connection: c.name, platform: c.platform, api_calls: 0, accounts: c.accounts.map((a) => ({ ...blank(a), error: e.message, error_kind: "config" })) };
  }
  const accounts: AccountCheck[] = [];
  let stop: ApiProblem | null = null;
  for (const id of c.accounts) {
    if (stop) {
      accounts.push({ ...blank(id), error: stop.message, error_kind: stop.kind });
      continue;
    }
    try {
      const info = await open.session.account(id);
      accounts.push({ ...blank(id), ok: true, name: info.name, currency: info.currency, timezone: info.timezone });
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      const message = open.http.redact(e.message);
      accounts.push({ ...blank(id), error: message, error_kind: e.kind });
      if (e.kind === "auth_refused" || e.kind === "version_retired" || e.kind === "deadline") stop = e.withMessage(message);
    }
  }
  return { connection: c.name, platform: c.platform, api_calls: open.http.calls, accounts };
}
