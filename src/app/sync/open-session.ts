import type { Connector, PlatformSession } from "../../connect/connector.js";
import { ApiClient, type ClientEnvironment, type ClientTiming, DEFAULT_TIMING } from "../../connect/http-client.js";
import { CONNECTORS } from "../../connect/registry.js";
import { UserError } from "../../domain/errors.js";
import { type Connection, flagOf, resolveValues } from "../connect/connections.js";

/** How syncs and tests reach the platforms: waits and limits, and (for tests) the network and clock. */
export interface NetworkOptions {
  /** Changes to the client's timing (DEFAULT_TIMING); the deadline is set per connection. */
  timing?: Partial<Omit<ClientTiming, "deadlineAt">>;
  /** How long one connection's sync may take in all (ms). */
  deadlineMs: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Lines of progress (stderr, the server log). */
  progress?: (message: string) => void;
  fetch?: ClientEnvironment["fetch"];
  sleep?: ClientEnvironment["sleep"];
  now?: () => number;
}

export interface OpenSession {
  connector: Connector;
  http: ApiClient;
  session: PlatformSession;
  /** Refresh tokens the platform rotated during the session, by field key (to save). */
  rotated: Record<string, string>;
}

/** The command that saves new credentials for a connection: its refresh token, else its first required secret. */
function fixCommand(c: Connection, connector: Connector): string {
  const key = connector.fields.find((f) => f.key === "refresh_token")?.key ?? connector.fields.find((f) => f.secret && f.required)?.key ?? "";
  return `cpi connect add ${c.platform} --name ${c.name} --update --${flagOf(key)} NEW_VALUE`;
}

/**
 * A connector's session for one connection: its values resolved (secrets from the file or the
 * environment), its own HTTP client carrying the deadline. A UserError when the connection cannot
 * be used as configured (planned platform, unset variable, missing value).
 * @example const { session } = openSession(conn, { deadlineMs: 60_000, env: process.env })
 */
export function openSession(c: Connection, o: NetworkOptions): OpenSession {
  const connector = CONNECTORS[c.platform];
  if (!connector.available) throw new UserError("not_yet", `connection '${c.name}': syncing ${connector.label} is not available in this version of cpi yet; meanwhile ${connector.meanwhile}`);
  const values = resolveValues(c, connector, o.env);
  const now = o.now ?? Date.now;
  const progress = o.progress ?? (() => {});
  const http = new ApiClient(
    { ...DEFAULT_TIMING, ...o.timing, deadlineAt: now() + o.deadlineMs },
    { ...(o.fetch ? { fetch: o.fetch } : {}), ...(o.sleep ? { sleep: o.sleep } : {}), now, log: (m) => progress(`${c.name}: ${m}`) },
  );
  for (const f of connector.fields) if (f.secret && values[f.key]) http.addSecrets(values[f.key] as string);
  const rotated: Record<string, string> = {};
  const session = connector.open({
    connection: c.name,
    http,
    values,
    fix: fixCommand(c, connector),
    progress: (m) => progress(`${c.name}: ${http.redact(m)}`),
    rotated: (key, value) => {
      rotated[key] = value;
    },
  });
  return { connector, http, session, rotated };
}
