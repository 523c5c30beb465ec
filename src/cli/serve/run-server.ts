// `cpi serve`, composed: event log (group commit) → HTTP thread; store worker loads the log into
// DuckDB and runs forwarded commands; endpoint file; SIGTERM/SIGINT drain everything.
import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import { TrackingRecorder } from "../../app/track/recorder.js";
import { isUserError, UserError } from "../../domain/errors.js";
import type { ConnectionLimits } from "../../http/connection-guard.js";
import { createRouteServer, listen, probeListen, type Route } from "../../http/server.js";
import { trackingRoutes } from "../../http/tracking-routes.js";
import type { Store } from "../../store/store.js";
import { eventLogPath, openEventLogWriter, remoteStore, sealedEventLogs } from "../compose.js";
import { listenProblem, storeEngineProblem, storePathProblem } from "../environment.js";
import type { CliIo } from "../io.js";
import { cliRoute } from "./cli-route.js";
import { LISTEN_ERRORS } from "./cluster-protocol.js";
import { readEndpoint, removeEndpoint, writeEndpoint } from "./endpoint.js";
import { runHttpWorker } from "./http-worker.js";
import { HttpWorkers } from "./http-workers.js";
import { loadOrCreateSecret } from "./secret.js";
import { serveTimings } from "./timings.js";
import { StoreWorkerHost } from "./worker-host.js";

export interface ServeOptions {
  dbPath: string;
  /** A ClickHouse store URL; then dbPath only names the server's local files (log, endpoint, secret). */
  storeUrl?: string;
  host: string;
  port: number;
  allowHosts: string[];
  trustProxy: boolean;
  ipPerSecond: number;
  visitorPerSecond: number;
  /** Beacon events per second per address past which POST /e answers 429 (0 = off). */
  floodPerSecond: number;
  maxBodyBytes: number;
  /** Caps on open connections (total, per client address). */
  limits: ConnectionLimits;
  /** Size at which the event log's active segment is sealed and a new one started. */
  segmentBytes: number;
  /** HTTP worker processes (node:cluster); 1 = the requests are served in this process. */
  workers: number;
  /**
   * More routes (the HTTP API, the dashboard) served by the same server, given a Store that runs
   * every call in the store process (never blocking the event loop on the database).
   */
  extraRoutes?: (store: Store) => Route[];
  /** Background work started once the server listens (`--alerts-every`), given such a Store too; stopped first on SIGTERM. */
  background?: (store: Store) => { stop(waitMs?: number): Promise<void> };
}

/** Runs the server until SIGTERM/SIGINT; resolves after draining: true when all the log is in the store. */
export async function runServer(o: ServeOptions, io: CliIo): Promise<boolean> {
  if (cluster.isWorker) return runHttpWorker(o, io);
  const running = readEndpoint(o.dbPath);
  if (running) throw new UserError("already_serving", `a cpi server (pid ${running.pid}) already serves ${o.dbPath} on port ${running.port}`);
  // What the machine does not allow fails here, before a log, a secret, a store or a process is made.
  await probeListen(o.port, o.host).catch((e) => {
    throw listenProblem(o.host, o.port, e) ?? e;
  });
  if (!o.storeUrl) {
    const problem = storePathProblem(o.dbPath);
    if (problem) throw problem;
  }
  let worker: StoreWorkerHost | null = null;
  const logPath = eventLogPath(o.dbPath);
  const sealed = sealedEventLogs(logPath);
  const report = (what: string) => (e: unknown) => io.err(`internal error in ${what} (the server goes on): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  const timings = serveTimings();
  const log = openEventLogWriter(
    logPath,
    o.segmentBytes,
    {
      committed: (id, offset) => worker?.committed(id, offset),
      began: (id, seq) => worker?.began(id, seq),
      sealed: (id, seq, path, end) => worker?.sealed(id, seq, path, end),
    },
    { firstSeq: sealed.length, onCallbackError: report("an event log callback"), onDurable: timings.durable },
  );
  const fatal = (message: string) => {
    io.err(`fatal: the store worker failed: ${message}\n`);
    process.exit(1);
  };
  let started: Awaited<ReturnType<typeof StoreWorkerHost.start>>;
  try {
    started = await StoreWorkerHost.start(
      { dbPath: o.dbPath, ...(o.storeUrl ? { storeUrl: o.storeUrl } : {}), logPath, active: { id: log.id, seq: log.seq, upTo: log.committedOffset }, sealed },
      fatal,
    );
  } catch (e) {
    await log.close();
    if (isUserError(e)) throw e;
    throw storeEngineProblem(o.dbPath, e) ?? e;
  }
  worker = started.host;
  const w = worker;
  const recorder = new TrackingRecorder(log, { ipPerSecond: o.ipPerSecond, visitorPerSecond: o.visitorPerSecond, floodPerSecond: o.floodPerSecond });
  recorder.rememberIds(started.recentIds);
  w.onReplayed = (events, recentIds) => {
    recorder.rememberIds(recentIds);
    io.err(`replayed ${events.toLocaleString("en-US")} events from the log into the store\n`);
  };
  const token = randomBytes(24).toString("hex");
  const health = () => ({ log_segment: log.id, log_offset: log.committedOffset, backlog_bytes: w.backlog, ...timings.figures() });
  const cli = (argv: string[], cwd: string, env: Record<string, string | undefined>) => w.cli(argv, cwd, env, log.marks());
  const call = (method: string, args: unknown[]) => w.call(method, args);
  // Not listening after all (the port is taken): close the log and the store before saying so.
  const unwind = async (e: unknown): Promise<never> => {
    await log.close();
    await w.drain(log.marks());
    throw e;
  };
  let front: { port: number; stop: () => Promise<void> };
  if (o.workers > 1) {
    const started = await HttpWorkers.start({
      count: o.workers,
      setup: { token, dialect: w.dialect, location: w.location },
      recorder,
      call,
      cli,
      health,
      onSignal: (signal) => void stop(signal),
      log: (m) => io.err(`${m}\n`),
    }).catch((e: unknown) => unwind(listenProblem(o.host, o.port, e) ?? e));
    front = { port: started.port, stop: () => started.workers.stop() };
  } else {
    const routes: Route[] = [
      ...trackingRoutes({ recorder, secret: loadOrCreateSecret(o.dbPath), allowHosts: o.allowHosts, trustProxy: o.trustProxy, maxBodyBytes: o.maxBodyBytes, health, log: (m) => io.err(`${m}\n`) }),
      cliRoute(token, cli),
      ...(o.extraRoutes?.(remoteStore(call, w.dialect, w.location)) ?? []),
    ];
    const server = createRouteServer({ routes, limits: o.limits, log: (m) => io.err(`${m}\n`) });
    front = {
      // Taken since the probe: the store process ends with this process, the log as far as it is.
      port: await listen(server, o.port, o.host).catch((e: NodeJS.ErrnoException) => {
        server.close();
        return unwind(listenProblem(o.host, o.port, e) ?? (LISTEN_ERRORS.has(e.code ?? "") ? new UserError("listen_failed", `cannot listen: ${e.message}`) : e));
      }),
      stop: async () => {
        server.close();
        server.closeIdleConnections();
        // Requests in flight wait for their group commit; give them until the log is idle.
        await new Promise((r) => setTimeout(r, 50));
        await log.drain();
        server.closeAllConnections();
      },
    };
  }
  const port = front.port;
  // The signal handlers are in place before "listening" is written: stderr to a pipe is written
  // synchronously, and a SIGTERM sent on reading that line must drain, not kill, the process.
  let background: ReturnType<NonNullable<ServeOptions["background"]>> | undefined;
  let stopping = false;
  let drained = false;
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    try {
      await drainAndClose(signal);
    } catch (e) {
      report("the drain")(e);
      drained = false;
    }
    process.off("uncaughtException", lastResort);
    process.off("unhandledRejection", lastResort);
    stopped();
  };
  const drainAndClose = async (signal: string) => {
    await background?.stop(5_000); // a check still waiting on a webhook is not waited for long
    io.err(`${signal}: draining… (${signal === "SIGINT" ? "Ctrl-C again" : "SIGKILL"} stops at once; the next start loads the rest)\n`);
    await front.stop();
    await log.drain();
    await log.close();
    const { backlog, answered } = await w.drain(log.marks());
    removeEndpoint(o.dbPath);
    const left = !answered
      ? `, but the store process ended before the drain: the next start loads the rest of the log (${backlog} bytes or more)`
      : backlog > 0
        ? `, ${backlog} bytes of the log not loaded`
        : ", all of them in the store";
    io.err(`stopped: ${recorder.stats.recorded.toLocaleString("en-US")} events recorded${left}\n`);
    drained = answered && backlog === 0;
  };
  // The last line of defence: every request, commit and listener callback catches its own errors, and
  // whatever still escapes is reported, not allowed to stop a server that holds acknowledged events.
  const lastResort = report("a request or callback");
  process.stderr.on("error", () => {}); // a closed stderr (the terminal went away) must not stop it either
  process.on("uncaughtException", lastResort);
  process.on("unhandledRejection", lastResort);
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  w.onSignal = (signal) => void stop(signal);
  writeEndpoint(o.dbPath, { pid: process.pid, host: o.host, port, token });
  io.err(`cpi serve: listening on http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port} (store ${o.dbPath})\n`);
  background = o.background?.(remoteStore((method, args) => w.call(method, args), w.dialect, w.location));
  await done;
  return drained;
}
