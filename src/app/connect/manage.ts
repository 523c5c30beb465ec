// `cpi connect add|list|remove`: the connections file edited under its lock, secrets checked and
// kept (or referenced by environment variable), and listed without ever showing one.
import type { Connector, PlatformId } from "../../connect/connector.js";
import { CONNECTORS, platformOf } from "../../connect/registry.js";
import { UserError } from "../../domain/errors.js";
import { forgetSyncState } from "../sync/sync-state.js";
import type { ConnectionFiles } from "./connection-files.js";
import { CONNECTION_NAME, type Connection, describeSecret, ENV_NAME, flagOf, parseConnections, type SecretRef, serializeConnections } from "./connections.js";

/**
 * The connections of a file ([] when there is none). Refuses a file others may read: it holds secrets.
 * @example await loadConnections(files)
 */
export async function loadConnections(files: ConnectionFiles): Promise<Connection[]> {
  const got = await files.readConnections();
  if (got === null) return [];
  if (got.othersMayRead) throw new UserError("connections_readable", `${files.path} holds credentials but other users may read it: run 'chmod 600 ${files.path}'`);
  return parseConnections(got.text, files.path);
}

/** The connector of a platform name, or a UserError listing the known ones / saying a planned one is not there yet. @example availableConnector("google_ads").source // "google-ads" */
export function availableConnector(name: string): Connector {
  const platform = platformOf(name);
  if (platform === null) throw new UserError("unknown_platform", `unknown platform '${name}'; cpi connects to ${Object.keys(CONNECTORS).join(", ")}`);
  const c = CONNECTORS[platform];
  if (!c.available) throw new UserError("not_yet", `syncing ${c.label} is not available in this version of cpi yet: meanwhile ${c.meanwhile}`);
  return c;
}

export interface ConnectionInput {
  /** The platform as typed (google-ads, meta, …). */
  platform: string;
  name?: string;
  accounts: string[];
  /** Values given by field key (secrets and settings). */
  values: Record<string, string>;
  /** Secrets to read from environment variables, by field key → variable name. */
  env: Record<string, string>;
  /** Change an existing connection: values not given are kept. */
  update?: boolean;
}

/** A connection as shown: everything but secret values. */
export interface ConnectionView {
  name: string;
  platform: PlatformId;
  label: string;
  source: string;
  accounts: string[];
  settings: Record<string, string>;
  /** Where each secret comes from ("stored in the connections file", "$VAR (set)"), never its value. */
  secrets: Record<string, string>;
  added: string;
}

/** A connection's name, platform, the platform's label and the source id its rows are stored under. @example identityOf(conn).source // "google-ads" */
export function identityOf(c: Connection): { name: string; platform: PlatformId; label: string; source: string } {
  const connector = CONNECTORS[c.platform];
  return { name: c.name, platform: c.platform, label: connector.label, source: connector.source };
}

/** A connection without its secret values. @example viewOf(conn, process.env).secrets.refresh_token // "$GOOGLE_REFRESH (set)" */
export function viewOf(c: Connection, env: Readonly<Record<string, string | undefined>>): ConnectionView {
  return {
    ...identityOf(c),
    accounts: c.accounts,
    settings: c.settings,
    secrets: Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, describeSecret(v, env)])),
    added: c.added,
  };
}

/** Builds (or updates) a connection from what the user gave, checking every value with the connector's rules. */
function connectionOf(input: ConnectionInput, connector: Connector, old: Connection | undefined, now: string): Connection {
  const name = input.name ?? old?.name ?? connector.platform;
  const settings: Record<string, string> = { ...(old?.settings ?? {}) };
  const secrets: Record<string, SecretRef> = { ...(old?.secrets ?? {}) };
  const known = new Set(connector.fields.map((f) => f.key));
  for (const key of [...Object.keys(input.values), ...Object.keys(input.env)]) {
    if (!known.has(key)) throw new UserError("bad_flag", `--${flagOf(key)} is not a ${connector.label} setting`);
  }
  for (const f of connector.fields) {
    const given = input.values[f.key];
    const envName = input.env[f.key];
    if (given !== undefined && envName !== undefined) throw new UserError("bad_flag", `give --${flagOf(f.key)} or --${flagOf(f.key)}-env, not both`);
    if (envName !== undefined) {
      if (!f.secret) throw new UserError("bad_flag", `--${flagOf(f.key)}-env: the ${f.label} is not a secret; give it with --${flagOf(f.key)}`);
      if (!ENV_NAME.test(envName)) throw new UserError("bad_flag", `--${flagOf(f.key)}-env '${envName}' is not an environment variable name`);
      secrets[f.key] = { env: envName };
      continue;
    }
    if (given === undefined) continue;
    let value = given.trim();
    if (f.check && value !== "") {
      const checked = f.check(value);
      if ("error" in checked) throw new UserError("bad_flag", `--${flagOf(f.key)}: ${f.secret ? `the ${f.label} is not valid` : checked.error}`);
      value = checked.value;
    }
    if (f.secret) {
      if (value === "") delete secrets[f.key];
      else secrets[f.key] = { value };
    } else if (value === "") delete settings[f.key];
    else settings[f.key] = value;
  }
  for (const f of connector.fields) {
    if (f.required && !(f.key in (f.secret ? secrets : settings))) {
      throw new UserError("missing_flag", `${connector.label} needs the ${f.label}: give --${flagOf(f.key)}${f.secret ? ` (or --${flagOf(f.key)}-env VARIABLE to read it from the environment at each sync)` : ""}`);
    }
  }
  const accounts = input.accounts.length ? input.accounts : (old?.accounts ?? []);
  if (accounts.length === 0) throw new UserError("missing_flag", `name the accounts to sync with --account (${connector.accountHelp})`);
  const normalised = accounts.map((a) => {
    const n = connector.normaliseAccount(a);
    if (n === null) throw new UserError("bad_flag", `--account '${a}' is not ${connector.accountHelp}`);
    return n;
  });
  return { name, platform: connector.platform, accounts: [...new Set(normalised)], settings, secrets, added: old?.added || now };
}

/**
 * Adds a connection to the connections file (or, with `update`, changes one), under its lock.
 * @example await addConnection(files, { platform: "meta", accounts: ["act_1"], values: {}, env: { access_token: "META_TOKEN" } }, process.env)
 */
export async function addConnection(files: ConnectionFiles, input: ConnectionInput, env: Readonly<Record<string, string | undefined>>, now = new Date().toISOString()): Promise<ConnectionView> {
  const connector = availableConnector(input.platform);
  if (input.name !== undefined && !CONNECTION_NAME.test(input.name)) throw new UserError("bad_flag", `--name '${input.name}' must be letters, digits, '.', '-' or '_' (up to 63)`);
  return files.withLock("edit", async () => {
    const list = await loadConnections(files);
    const name = input.name ?? connector.platform;
    const i = list.findIndex((c) => c.name === name);
    const old = i >= 0 ? list[i] : undefined;
    if (old && !input.update) throw new UserError("connection_exists", `a connection named '${name}' exists: pick another --name, or change it with --update`);
    if (!old && input.update) throw new UserError("no_connection", `there is no connection named '${name}' to update (see 'cpi connect list')`);
    if (old && old.platform !== connector.platform) throw new UserError("connection_exists", `connection '${name}' is a ${CONNECTORS[old.platform].label} connection, not ${connector.label}`);
    const c = connectionOf({ ...input, name }, connector, old, now);
    if (i >= 0) list[i] = c;
    else list.push(c);
    await files.writeConnections(serializeConnections(list));
    return viewOf(c, env);
  });
}

/** Every connection, secrets shown only as where they come from. @example await listConnections(files, process.env) */
export async function listConnections(files: ConnectionFiles, env: Readonly<Record<string, string | undefined>>): Promise<ConnectionView[]> {
  return (await loadConnections(files)).map((c) => viewOf(c, env));
}

/** Removes a connection and its sync state. @example await removeConnection(files, "acme-google") */
export async function removeConnection(files: ConnectionFiles, name: string): Promise<void> {
  await files.withLock("edit", async () => {
    const list = await loadConnections(files);
    const rest = list.filter((c) => c.name !== name);
    if (rest.length === list.length) throw new UserError("no_connection", `there is no connection named '${name}'${list.length ? `; connections: ${list.map((c) => c.name).join(", ")}` : ""}`);
    await files.writeConnections(serializeConnections(rest));
  });
  await forgetSyncState(files, name);
}

/** The named connections (all when none are named); an unknown name is a UserError listing the known ones. @example selectConnections(list, ["acme"], files.path) */
export function selectConnections(list: readonly Connection[], names: readonly string[], path: string): Connection[] {
  if (list.length === 0) throw new UserError("no_connections", `no connections in ${path}: add one with 'cpi connect add google-ads|meta|microsoft|linkedin|tiktok …'`);
  if (names.length === 0) return [...list];
  return names.map((n) => {
    const c = list.find((x) => x.name === n);
    if (!c) throw new UserError("no_connection", `there is no connection named '${n}'; connections: ${list.map((x) => x.name).join(", ")}`);
    return c;
  });
}

/** What `cpi connect add` offers per platform: its fields (flags) and account ids, or that it is planned. */
export interface PlatformSpec {
  platform: PlatformId;
  label: string;
  source: string;
  available: boolean;
  lookbackDays: number | null;
  accountHelp: string;
  fields: { key: string; label: string; secret: boolean; required: boolean; default?: string; help: string }[];
}

/** Every platform `cpi connect add` knows, in order. @example platformSpecs().map((p) => p.platform) // ["google-ads", "meta", …] */
export function platformSpecs(): PlatformSpec[] {
  return Object.values(CONNECTORS).map((c) => ({
    platform: c.platform,
    label: c.label,
    source: c.source,
    available: c.available,
    lookbackDays: c.available ? c.lookbackDays : null,
    accountHelp: c.available ? c.accountHelp : "",
    fields: c.available ? c.fields.map(({ key, label, secret, required, help, ...rest }) => ({ key, label, secret, required, help, ...(rest.default !== undefined ? { default: rest.default } : {}) })) : [],
  }));
}

/** The environment variables the connections read secrets from (a forwarded `cpi sync` takes them along). @example await secretVariables(files) // ["GOOGLE_REFRESH_TOKEN"] */
export async function secretVariables(files: ConnectionFiles): Promise<string[]> {
  const names = new Set<string>();
  for (const c of await loadConnections(files)) for (const ref of Object.values(c.secrets)) if ("env" in ref) names.add(ref.env);
  return [...names];
}
