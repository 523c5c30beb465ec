// The connections file: which platform accounts to sync and with which credentials. Each secret is
// either kept in the file (readable only by its owner) or named as an environment variable, read at
// each sync and never written anywhere. Parsed with located, secret-free messages.
import type { Connector, FieldSpec, PlannedConnector, PlatformId } from "../../connect/connector.js";
import { CONNECTORS } from "../../connect/registry.js";
import { UserError } from "../../domain/errors.js";

/** A secret as the file holds it: its value, or the environment variable it is read from. */
export type SecretRef = { value: string } | { env: string };

export interface Connection {
  name: string;
  platform: PlatformId;
  /** Account ids as the platform's files carry them (normalised by the connector). */
  accounts: string[];
  /** Values that are not secret (client id, login customer id, API URL …), by field key. */
  settings: Record<string, string>;
  /** Secrets by field key. */
  secrets: Record<string, SecretRef>;
  /** When it was added (ISO timestamp). */
  added: string;
}

/** A connection name: letters, digits, dot, dash, underscore (it names the connection in commands and state). */
export const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** An environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fail(path: string, where: string, message: string): never {
  throw new UserError("bad_connections", `${path}: ${where}: ${message}`);
}

function fieldOf(c: Connector | PlannedConnector, key: string): FieldSpec | undefined {
  return c.available ? c.fields.find((f) => f.key === key) : undefined;
}

/** One connection of the file, checked: known platform and fields, secrets where secrets go. */
function parseConnection(raw: unknown, i: number, path: string): Connection {
  const at = `connection ${i + 1}`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) fail(path, at, "is not an object");
  const o = raw as Record<string, unknown>;
  const name = o.name;
  if (typeof name !== "string" || !CONNECTION_NAME.test(name)) fail(path, at, "needs a name of letters, digits, '.', '-' or '_'");
  const where = `connection '${name}'`;
  const platform = o.platform as PlatformId;
  const connector = CONNECTORS[platform];
  if (typeof o.platform !== "string" || !connector) fail(path, where, `unknown platform ${JSON.stringify(o.platform)}; known: ${Object.keys(CONNECTORS).join(", ")}`);
  if (!Array.isArray(o.accounts) || o.accounts.length === 0 || !o.accounts.every((a) => typeof a === "string" && a.trim() !== "")) fail(path, where, "needs \"accounts\": a list of account ids");
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries((o.settings ?? {}) as Record<string, unknown>)) {
    const f = fieldOf(connector, k);
    if (connector.available && (!f || f.secret)) fail(path, where, `setting '${k}' is not one of ${connector.label}'s${f?.secret ? " (it is a secret: put it under \"secrets\")" : ""}`);
    if (typeof v !== "string") fail(path, where, `setting '${k}' is not a string`);
    settings[k] = v;
  }
  const secrets: Record<string, SecretRef> = {};
  for (const [k, v] of Object.entries((o.secrets ?? {}) as Record<string, unknown>)) {
    const f = fieldOf(connector, k);
    if (connector.available && (!f?.secret)) fail(path, where, `secret '${k}' is not one of ${connector.label}'s secrets`);
    if (typeof v === "string") secrets[k] = { value: v };
    else if (v && typeof v === "object" && typeof (v as { env?: unknown }).env === "string" && ENV_NAME.test((v as { env: string }).env)) secrets[k] = { env: (v as { env: string }).env };
    else fail(path, where, `secret '${k}' must be a string or {"env": "VARIABLE_NAME"}`);
  }
  return { name, platform, accounts: (o.accounts as string[]).map((a) => a.trim()), settings, secrets, added: typeof o.added === "string" ? o.added : "" };
}

/**
 * Reads a connections file's text (its path names it in messages). Messages never quote a secret.
 * @example parseConnections('{"connections":[]}', "cpi.connections.json") // []
 */
export function parseConnections(text: string, path: string): Connection[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // The parser's own message may quote the text around the error, secrets included: only its position is kept.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new UserError("bad_connections", `${path} is not valid JSON${at ? ` (at character ${at})` : ""}: fix it, or remove it and add the connections again`);
  }
  const list = (doc as { connections?: unknown } | null)?.connections;
  if (!Array.isArray(list)) throw new UserError("bad_connections", `${path}: expected {"connections": [...]}`);
  const out = list.map((c, i) => parseConnection(c, i, path));
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) fail(path, `connection '${c.name}'`, "is listed twice");
    names.add(c.name);
  }
  return out;
}

/** The file's text for a list of connections. @example serializeConnections([]) // '{\n  "connections": []\n}\n' */
export function serializeConnections(list: readonly Connection[]): string {
  const plain = list.map((c) => ({
    name: c.name,
    platform: c.platform,
    accounts: c.accounts,
    settings: c.settings,
    secrets: Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, "env" in v ? { env: v.env } : v.value])),
    added: c.added,
  }));
  return `${JSON.stringify({ connections: plain }, null, 2)}\n`;
}

/**
 * A connection's values for its connector: settings with defaults, secrets from the file or the
 * environment. A missing required value or unset variable is a UserError naming the variable (never a value).
 * @example resolveValues(conn, connector, process.env).refresh_token
 */
export function resolveValues(c: Connection, connector: Connector, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of connector.fields) {
    let v: string | undefined;
    if (f.secret) {
      const ref = c.secrets[f.key];
      if (ref && "env" in ref) {
        v = env[ref.env];
        if (v === undefined || v === "") {
          throw new UserError("missing_secret", `connection '${c.name}': the ${f.label} comes from the environment variable ${ref.env}, which is not set in this environment`);
        }
      } else v = ref?.value;
    } else v = c.settings[f.key] ?? defaultOf(c.platform, f, env);
    if (v === undefined || v === "") {
      if (f.required) throw new UserError("missing_value", `connection '${c.name}' has no ${f.label}: set it with 'cpi connect add ${c.platform} --name ${c.name} --update --${flagOf(f.key)} …'`);
      continue;
    }
    values[f.key] = v;
  }
  return values;
}

/**
 * The environment variable that overrides a setting's default for every connection of a platform
 * (a proxy, a test server): CPI_GOOGLE_ADS_API_URL, CPI_META_API_VERSION. A connection's own value wins.
 * @example settingVariable("google-ads", "token_url") // "CPI_GOOGLE_ADS_TOKEN_URL"
 */
export function settingVariable(platform: PlatformId, key: string): string {
  return `CPI_${platform}_${key}`.toUpperCase().replace(/-/g, "_");
}

/** A setting's default: its variable (checked like a flag), else the connector's. */
function defaultOf(platform: PlatformId, f: FieldSpec, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (f.default === undefined) return undefined;
  const name = settingVariable(platform, f.key);
  const v = env[name];
  if (v === undefined || v === "") return f.default;
  const checked = f.check ? f.check(v) : { value: v };
  if ("error" in checked) throw new UserError("bad_env", `${name}: ${checked.error}`);
  return checked.value;
}

/** The flag of a field key. @example flagOf("refresh_token") // "refresh-token" */
export function flagOf(key: string): string {
  return key.replace(/_/g, "-");
}

/** What a connection's secret is, for `connect list`: where it comes from, never its value. @example describeSecret({ env: "META_TOKEN" }, process.env) // "$META_TOKEN (set)" */
export function describeSecret(ref: SecretRef, env: Readonly<Record<string, string | undefined>>): string {
  if ("env" in ref) return `$${ref.env} (${env[ref.env] ? "set" : "not set"})`;
  return "stored in the connections file";
}
