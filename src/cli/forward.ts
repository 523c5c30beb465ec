// While `cpi serve` holds a store (DuckDB admits one writing process), other commands on that store
// run inside the server: argv goes to POST /api/cli on loopback with the endpoint file's token, and
// the server runs the same CLI against its open store and returns stdout, stderr and the exit code.
// What it needs beyond the first checks is loaded once a command may be forwarded (startup stays light).
import { resolve } from "node:path";
import type { CliIo } from "./io.js";

/** Commands that never open a store, or must not run inside a server. */
const LOCAL_COMMANDS = new Set(["calc", "serve", "snippet", "demo", "help", "connect"]);

/** The --db a command line names (or $CPI_DB, or ./cpi.duckdb), as an absolute path. */
export function dbPathOfArgv(argv: readonly string[], io: CliIo): string {
  let db: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--db") db = argv[i + 1];
    else if (a.startsWith("--db=")) db = a.slice(5);
  }
  return resolve(io.cwd, db ?? (io.env.CPI_DB || "cpi.duckdb"));
}

/** The value of a flag in argv (`--name value` or `--name=value`), the last one given. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === flag) v = argv[i + 1];
    else if (a.startsWith(`${flag}=`)) v = a.slice(flag.length + 1);
  }
  return v;
}

/**
 * The environment a forwarded command runs with: $CPI_DB, and for `cpi sync` the variables its
 * connections read secrets from (sent over loopback to the server, never written anywhere).
 */
async function forwardedEnv(command: string, argv: readonly string[], io: CliIo): Promise<Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = { CPI_DB: io.env.CPI_DB };
  if (command !== "sync") return env;
  // The connections file, the waits, and the platforms' setting overrides (CPI_GOOGLE_ADS_API_URL …).
  for (const k of Object.keys(io.env)) if (/^CPI_(CONNECTIONS|SYNC_WAIT_MS)$|^CPI_(GOOGLE_ADS|META|MICROSOFT|LINKEDIN|TIKTOK)_/.test(k)) env[k] = io.env[k];
  try {
    const connections = flagValue(argv, "--connections");
    const db = flagValue(argv, "--db");
    const { connectionFiles } = await import("./commands/connect.js");
    const { secretVariables } = await import("../app/connect/manage.js");
    const files = connectionFiles({ ...(connections ? { connections } : {}), ...(db ? { db } : {}) }, io);
    for (const name of await secretVariables(files)) env[name] = io.env[name];
  } catch {
    // A connections file that cannot be read: the server says so when it runs the command.
  }
  return env;
}

/**
 * Runs the command through a server that holds its store; null when there is none (the command then
 * runs here as usual). Returns the exit code.
 */
export async function forwardToServer(argv: readonly string[], io: CliIo): Promise<number | null> {
  const command = argv.find((a) => !a.startsWith("-"));
  if (!command || LOCAL_COMMANDS.has(command) || argv.includes("--help") || argv.includes("-h")) return null;
  // A ClickHouse store takes any number of clients: nothing to forward.
  if (argv.some((a) => a === "--store" || a.startsWith("--store=")) || (io.env.CPI_STORE && !argv.some((a) => a === "--db" || a.startsWith("--db=")))) return null;
  const db = dbPathOfArgv(argv, io);
  const [{ isHostedStore }, { readEndpoint }] = await Promise.all([import("./compose.js"), import("./serve/endpoint.js")]);
  if (isHostedStore(db)) return null;
  const endpoint = readEndpoint(db);
  if (!endpoint) return null;
  const host = endpoint.host === "0.0.0.0" || endpoint.host === "::" ? "127.0.0.1" : endpoint.host;
  let res: Response;
  try {
    res = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${endpoint.port}/api/cli`, {
      method: "POST",
      headers: { authorization: `Bearer ${endpoint.token}`, "content-type": "application/json" },
      body: JSON.stringify({ argv, cwd: io.cwd, env: await forwardedEnv(command, argv, io) }),
    });
  } catch {
    return null;
  }
  const body = (await res.json().catch(() => null)) as { code?: number; stdout?: string; stderr?: string; error?: { message?: string } } | null;
  if (!res.ok || !body || typeof body.code !== "number") {
    io.err(`error: the cpi server on ${db} could not run the command (${body?.error?.message ?? `HTTP ${res.status}`})\n`);
    return 1;
  }
  io.out(body.stdout ?? "");
  io.err(body.stderr ?? "");
  return body.code;
}
