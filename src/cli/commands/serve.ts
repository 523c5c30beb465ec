import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { type Command, CommanderError } from "commander";
import { normalizeAllowedHost } from "../../app/track/click-target.js";
import { RATE_DEFAULTS } from "../../app/track/recorder.js";
import { UserError } from "../../domain/errors.js";
import { apiRoutes } from "../../http/api/index.js";
import { DEFAULT_PER_ADDRESS, defaultMaxConnections } from "../../http/connection-guard.js";
import { webRoutes } from "../../http/web-routes.js";
import { clickhouseUrl, openAlertFiles, storePath } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect } from "../options.js";
import { runServer } from "../serve/run-server.js";
import { alertSchedule, alertsConfigPath } from "./alerts.js";
import { connectionFiles } from "./connect.js";
import { bothJobs, syncSchedule } from "./serve-sync.js";

function int(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError("bad_flag", `${name} must be a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

/** `cpi serve`: the tracking server (pixel, beacon, click redirects) and the door for other commands. */
export function registerServe(program: Command, io: CliIo): void {
  program
    .command("serve")
    .description("run the tracking server: GET /i.gif, /v.gif, POST /e, GET /c, /health; records events into the store")
    .option("--host <address>", "address to listen on (0.0.0.0 for every interface, behind your TLS proxy)", "127.0.0.1")
    .option("--port <n>", "port", "8080")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .option("--allow-redirect <host>", "a host clicks may redirect to without a signature (repeatable; subdomains included)", collect, [])
    .option("--trust-proxy", "take the client address from X-Forwarded-For and the country from CF-IPCountry (only behind your own proxy)")
    .option("--ip-rate <n>", "events per second per client address before they count as invalid traffic 'rate' (0 = no limit)", String(RATE_DEFAULTS.ipPerSecond))
    .option("--visitor-rate <n>", "events per second per visitor before they count as invalid traffic 'rate' (0 = no limit)", String(RATE_DEFAULTS.visitorPerSecond))
    .option("--flood-rate <n>", "beacon (POST /e) events per second per address past which batches get a 429 and are not stored (0 = off)", String(RATE_DEFAULTS.floodPerSecond))
    .option("--max-body <bytes>", "largest POST /e body", "65536")
    .option("--cors-origin <origin>", "a web origin allowed to call /api/* from a browser (repeatable; off by default)", collect, [])
    .option("--state <path>", "with --store: where the server keeps its event log, endpoint and secret (<path>.events.log …; default ./cpi-serve)")
    .option("--alerts-every <interval>", "run 'cpi alerts check' on this schedule (e.g. 15m, 1h) and post new alerts to the webhooks")
    .option("--alerts-config <path>", "the alert rules file (default: beside the store, as for 'cpi alerts')")
    .option("--sync-every <interval>", "run 'cpi sync' on this schedule (e.g. 6h), then the alert checks on the fresh data")
    .option("--connections <path>", "the connections file (default: beside the store, as for 'cpi connect')")
    .option("--max-connections <n>", "open connections at most; past it the oldest idle one is closed, or the new one refused (default: 90 % of the open-file limit)")
    .option("--max-connections-per-address <n>", `open connections per client address at most, the same way (default ${DEFAULT_PER_ADDRESS}; 0 = no cap, the default with --trust-proxy)`)
    .option("--workers <n>", `HTTP worker processes sharing the port and the one event log (1 = serve in the main process; this machine has ${availableParallelism()} cores)`, "1")
    .option("--log-segment <bytes>", "size at which the event log starts a new segment (loaded segments are deleted)", String(256 * 1024 * 1024))
    .addHelpText(
      "after",
      `
Events go to an append-only log next to the store (<db>.events.log), synced before each answer, and
are loaded into the store in batches; full segments of the log are deleted once loaded. While the server runs, every other cpi command on the same
store (report, import, contract …) runs through it: there is no need to stop it.

With --workers N (N > 1) requests are served by N HTTP worker processes sharing the port; the main
process alone writes the log, so duplicate ids, rate limits and visitor keys hold across them. A
worker that dies is started again. The default, 1, serves them in the main process.

The same server answers the HTTP API (/api/*, described at /openapi.json) and the dashboard (/).
Reads are open from this machine when it listens on loopback; writes (imports, contracts) and any
request from elsewhere need a token from 'cpi token create NAME'.

Examples:
  $ cpi serve
  $ cpi serve --host 0.0.0.0 --port 8080 --allow-redirect shop.example --trust-proxy
  $ cpi serve --workers 4          # four HTTP workers, whatever the number of cores
  $ cpi serve --alerts-every 15m   # also run 'cpi alerts check' every 15 minutes
  $ cpi serve --sync-every 6h      # pull spend from the connected platforms every 6 hours, then check alerts
  $ cpi serve --store clickhouse://cpi:secret@db1:8123/ads --state /var/lib/cpi/serve   # batches into ClickHouse
  $ curl -s 'http://127.0.0.1:8080/i.gif?c=Launch%20Q4&cr=Visual%20A&p=news-site' -o /dev/null -w '%{http_code}\\n'`,
    )
    .action(async (o) => {
      // An HTTP worker (--workers) runs this action again to build its routes; the schedules run in the primary only.
      const primary = !cluster.isWorker;
      const alerts = primary && o.alertsEvery ? await alertSchedule({ every: o.alertsEvery, config: o.alertsConfig, db: o.db, store: o.store }, io) : null;
      const alertFiles = openAlertFiles(alertsConfigPath({ config: o.alertsConfig, db: o.db, store: o.store }, io));
      const sync = primary && o.syncEvery ? await syncSchedule({ every: o.syncEvery, connections: o.connections, db: o.db, store: o.store }, alertFiles, io) : null;
      const background = alerts || sync ? bothJobs(alerts, sync) : null;
      const url = clickhouseUrl(o, io);
      const drained = await runServer(
        {
          dbPath: url ? resolve(io.cwd, o.state ?? "cpi-serve") : storePath(o, io),
          ...(url ? { storeUrl: url } : {}),
          host: o.host,
          port: int("--port", o.port, 0, 65535),
          allowHosts: (o.allowRedirect as string[]).filter((h) => h.trim() !== "").map(normalizeAllowedHost),
          trustProxy: Boolean(o.trustProxy),
          ipPerSecond: int("--ip-rate", o.ipRate, 0, 1e9),
          visitorPerSecond: int("--visitor-rate", o.visitorRate, 0, 1e9),
          floodPerSecond: int("--flood-rate", o.floodRate, 0, 1e9),
          maxBodyBytes: int("--max-body", o.maxBody, 256, 10_000_000),
          segmentBytes: int("--log-segment", o.logSegment, 4096, 2 ** 40),
          workers: int("--workers", o.workers, 1, 256),
          limits: {
            total: o.maxConnections === undefined ? defaultMaxConnections() : int("--max-connections", o.maxConnections, 0, 10_000_000),
            perAddress: o.maxConnectionsPerAddress === undefined ? (o.trustProxy ? 0 : DEFAULT_PER_ADDRESS) : int("--max-connections-per-address", o.maxConnectionsPerAddress, 0, 10_000_000),
          },
          ...(background ? { background } : {}),
          extraRoutes: (store) => [
            ...apiRoutes({ store, boundHost: o.host, corsOrigins: o.corsOrigin as string[], alerts: alertFiles, connections: connectionFiles({ connections: o.connections, db: o.db, store: o.store }, io), log: (m) => io.err(`${m}\n`) }),
            ...webRoutes(),
          ],
        },
        io,
      );
      // What a drain could not load stays in the log for the next start; say so in the exit code.
      if (!drained) throw new CommanderError(1, "cpi.exit", "");
    });
}
