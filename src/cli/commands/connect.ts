import type { Command } from "commander";
import type { ConnectionFiles } from "../../app/connect/connection-files.js";
import { addConnection, listConnections, platformSpecs, removeConnection } from "../../app/connect/manage.js";
import { testConnection } from "../../app/connect/test-connection.js";
import { besideStore, openConnectionFiles } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, exitWith, outputFormat, toJson } from "../options.js";
import { renderTable } from "../render/table.js";
import { networkOptions } from "./sync-flags.js";

const CONNECTIONS = "the connections file (default: beside the store, cpi.duckdb → cpi.connections.json; or $CPI_CONNECTIONS)";

/**
 * The connections file a command uses: --connections, else $CPI_CONNECTIONS, else beside the DuckDB
 * store (./cpi.duckdb → ./cpi.connections.json), else ./cpi.connections.json for a ClickHouse store.
 */
export function connectionsPath(o: { connections?: string; db?: string; store?: string }, io: CliIo): string {
  return besideStore(o, io, o.connections, "CPI_CONNECTIONS", "connections");
}

/** The connections' files a command uses. */
export function connectionFiles(o: { connections?: string; db?: string; store?: string }, io: CliIo): ConnectionFiles {
  return openConnectionFiles(connectionsPath(o, io));
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const flagOf = (key: string) => key.replace(/_/g, "-");

/**
 * Every field of every platform once, for the flags of `connect add`. A field several platforms have
 * (api_url, api_version) is described with each platform's default.
 */
function allFields(): { key: string; secret: boolean; help: string }[] {
  const byKey = new Map<string, { spec: { key: string; secret: boolean; label: string; help: string; default?: string }; platforms: string[] }>();
  for (const p of platformSpecs()) {
    for (const f of p.fields) {
      const seen = byKey.get(f.key);
      const mine = `${p.platform}${f.default ? ` ${f.default}` : ""}`;
      if (seen) seen.platforms.push(mine);
      else byKey.set(f.key, { spec: f, platforms: [mine] });
    }
  }
  return [...byKey.values()].map(({ spec, platforms }) => ({ key: spec.key, secret: spec.secret, help: platforms.length > 1 ? `${spec.label} (default: ${platforms.join("; ")})` : spec.help }));
}

function platformHelp(): string {
  return platformSpecs()
    .map((p) => {
      if (!p.available) return `  ${p.platform}: ${p.label} — not available yet (import its reports meanwhile)`;
      const fields = p.fields.map((f) => `--${flagOf(f.key)}${f.required ? "" : "?"}`).join(" ");
      return `  ${p.platform}: ${p.label}; --account: ${p.accountHelp}\n    ${fields}`;
    })
    .join("\n");
}

/** `cpi connect add|list|test|remove`: the ad-platform accounts `cpi sync` pulls, and their credentials. */
export function registerConnect(program: Command, io: CliIo): void {
  const connect = program.command("connect").description("connections to ad-platform APIs (Google Ads, Meta, …) that 'cpi sync' pulls spend from");
  const files = (o: Record<string, unknown>) => connectionFiles(o, io);

  const add = connect
    .command("add")
    .description("add a connection: the platform, its accounts and the credentials to read them")
    .argument("<platform>", "google-ads, meta, microsoft, linkedin or tiktok")
    .option("--name <name>", "the connection's name (default: the platform's)")
    .option("--account <id>", "an account to sync (repeatable)", collect, [])
    .option("--update", "change an existing connection: values not given are kept");
  for (const f of allFields()) {
    add.option(`--${flagOf(f.key)} <value>`, f.help);
    if (f.secret) add.option(`--${flagOf(f.key)}-env <variable>`, `read the ${f.key.replace(/_/g, " ")} from this environment variable at each sync (it is then never written to the file)`);
  }
  add
    .option("--connections <path>", CONNECTIONS)
    .option("--db <path>", "DuckDB store file the connections sit beside (default ./cpi.duckdb, or $CPI_DB)")
    .option("--format <format>", "table or json", "table")
    .addHelpText(
      "after",
      `
Secrets given as values are kept in the connections file, readable only by you (mode 0600); with
--NAME-env VARIABLE the connection keeps only the variable's name. Secrets are never printed.

Platforms and their flags (? = optional):
${platformHelp()}

Examples:
  $ cpi connect add google-ads --name acme-google --account 123-456-7890 --login-customer-id 987-654-3210 \\
      --client-id 1234.apps.googleusercontent.com --client-secret-env GOOGLE_CLIENT_SECRET --refresh-token-env GOOGLE_REFRESH_TOKEN
  $ cpi connect add meta --name acme-meta --account act_1234567890 --access-token-env META_TOKEN
  $ cpi connect add linkedin --name acme-linkedin --account 507123456 --client-id 78abcdefghijkl \\
      --client-secret-env LINKEDIN_CLIENT_SECRET --refresh-token-env LINKEDIN_REFRESH_TOKEN
  $ cpi connect add tiktok --name acme-tiktok --account 7012345678901234567 --access-token-env TIKTOK_TOKEN
  $ cpi connect add meta --name acme-meta --update --account act_1234567890 --account act_2345678901
See docs/sync.md for each platform's setup.`,
    )
    .action(async (platform: string, o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const values: Record<string, string> = {};
      const env: Record<string, string> = {};
      for (const f of allFields()) {
        const v = o[camel(flagOf(f.key))];
        if (typeof v === "string") values[f.key] = v;
        const e = o[camel(`${flagOf(f.key)}-env`)];
        if (typeof e === "string") env[f.key] = e;
      }
      const f = files(o);
      const view = await addConnection(f, { platform, ...(o.name ? { name: o.name } : {}), accounts: o.account as string[], values, env, update: Boolean(o.update) }, io.env);
      if (format === "json") io.out(toJson(view));
      io.err(`${o.update ? "updated" : "added"} connection '${view.name}' (${view.label}, ${view.accounts.length} account${view.accounts.length === 1 ? "" : "s"}) in ${f.path}; check it with 'cpi connect test ${view.name}', then run 'cpi sync ${view.name}'\n`);
    });

  connect
    .command("list")
    .description("the connections, with where each secret comes from (never the secret)")
    .option("--connections <path>", CONNECTIONS)
    .option("--db <path>", "DuckDB store file the connections sit beside (default ./cpi.duckdb, or $CPI_DB)")
    .option("--format <format>", "table or json", "table")
    .addHelpText("after", "\nExamples:\n  $ cpi connect list\n  $ cpi connect list --format json")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const list = await listConnections(files(o), io.env);
      if (format === "json") io.out(toJson(list));
      else if (list.length === 0) io.err(`no connections in ${files(o).path}: add one with 'cpi connect add google-ads|meta|microsoft|linkedin|tiktok …'\n`);
      else {
        io.out(
          renderTable(
            ["Name", "Platform", "Accounts", "Settings", "Secrets"],
            list.map((c) => [
              c.name,
              c.platform,
              c.accounts.join(", "),
              Object.entries(c.settings).map(([k, v]) => `${k}=${v}`).join(", "),
              Object.entries(c.secrets).map(([k, v]) => `${k}: ${v}`).join(", "),
            ]),
          ),
        );
      }
    });

  connect
    .command("test")
    .description("one cheap call per account: says in plain words what is wrong (expired token, missing permission, unknown account, retired API version)")
    .argument("<name>", "the connection ('cpi connect list')")
    .option("--timeout <duration>", "longest wait for one answer, e.g. 30s", "30s")
    .option("--connections <path>", CONNECTIONS)
    .option("--db <path>", "DuckDB store file the connections sit beside (default ./cpi.duckdb, or $CPI_DB)")
    .option("--format <format>", "table or json", "table")
    .addHelpText("after", "\nExit code 0 when every account answers, 2 when something needs fixing.\n\nExamples:\n  $ cpi connect test acme-google\n  $ cpi connect test acme-meta --format json")
    .action(async (name: string, o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const check = await testConnection(files(o), name, networkOptions({ deadline: "2m", requestTimeout: o.timeout }, io));
      if (format === "json") io.out(toJson(check));
      else {
        io.out(
          renderTable(
            ["Account", "Name", "Currency", "Time zone", "Result"],
            check.accounts.map((a) => [a.account, a.name ?? "", a.currency ?? "", a.timezone ?? "", a.ok ? "ok" : (a.error ?? "")]),
          ),
        );
      }
      if (check.accounts.some((a) => !a.ok)) exitWith(2);
    });

  connect
    .command("remove")
    .description("remove a connection (and its sync state); the rows it synced stay in the store")
    .argument("<name>", "the connection ('cpi connect list')")
    .option("--connections <path>", CONNECTIONS)
    .option("--db <path>", "DuckDB store file the connections sit beside (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi connect remove acme-meta")
    .action(async (name: string, o) => {
      await removeConnection(files(o), name);
      io.err(`removed connection '${name}'\n`);
    });
}
