// One HTTP worker of `cpi serve --workers N` (a node:cluster worker; the primary is run-server.ts).
// It parses requests and answers them; what they record goes to the primary, which owns the event
// log, and a request is answered only once the primary says its events are durable. Store calls
// (API, dashboard), forwarded commands and /health go through the primary as well.
import cluster from "node:cluster";
import type { HitContext, HitRecorder } from "../../app/track/recorder.js";
import { UserError } from "../../domain/errors.js";
import type { HitFields } from "../../domain/tracking/event.js";
import type { ConnectionLimits } from "../../http/connection-guard.js";
import { createRouteServer, listen, type Route } from "../../http/server.js";
import { trackingRoutes } from "../../http/tracking-routes.js";
import { remoteStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { cliRoute } from "./cli-route.js";
import { HitBatch, type ToPrimary, type ToWorker, WORKER_SETUP_ENV } from "./cluster-protocol.js";
import type { ServeOptions } from "./run-server.js";
import { loadOrCreateSecret } from "./secret.js";
import { loopDelay } from "./timings.js";
import type { CliResult } from "./worker-host.js";

/** What the primary tells a worker when it forks it (in its environment, never in argv). */
export interface WorkerSetup {
  token: string;
  dialect: "duckdb" | "clickhouse";
  location: string;
  workers: number;
}

/** Each worker's share of the connection caps: connections are dealt round-robin, so N shares hold the caps for the whole server. */
export function workerLimits(limits: ConnectionLimits, workers: number): ConnectionLimits {
  const share = (n: number) => (n > 0 ? Math.max(1, Math.ceil(n / workers)) : 0);
  return { total: share(limits.total), perAddress: share(limits.perAddress) };
}

function send(m: ToPrimary, then?: () => void): void {
  if (process.connected) process.send?.(m, undefined, {}, () => then?.());
  else then?.();
}

/** Hands hits to the primary, batched per event-loop turn; `done` runs when the primary answers. */
class ForwardingRecorder implements HitRecorder {
  stats = { recorded: 0, invalid: 0, rateLimited: 0 };
  private next = 1;
  readonly pending = new Map<number, (err: Error | null) => void>();
  private readonly batch = new HitBatch();
  private readonly flush = () => {
    if (this.batch.size > 0) send({ t: "hits", batch: this.batch.take() });
  };

  record(hits: readonly HitFields[], ctx: HitContext, done: (err: Error | null) => void, opts: { beacon?: boolean } = {}): void {
    const id = this.next++;
    this.pending.set(id, done);
    if (this.batch.size === 0) setImmediate(this.flush);
    this.batch.add(id, hits, ctx, opts.beacon === true);
  }

  answered(ok: number[], refused: [number, string, string][]): void {
    for (const id of ok) this.take(id)?.(null);
    for (const [id, code, message] of refused) this.take(id)?.(code === "unavailable" ? new Error(message) : new UserError(code, message));
  }

  private take(id: number): ((err: Error | null) => void) | undefined {
    const done = this.pending.get(id);
    this.pending.delete(id);
    return done;
  }
}

/** Runs this process as an HTTP worker until the primary says stop (or goes away). */
export async function runHttpWorker(o: ServeOptions, io: CliIo): Promise<boolean> {
  const setup = JSON.parse(process.env[WORKER_SETUP_ENV] ?? "{}") as WorkerSetup;
  delete process.env[WORKER_SETUP_ENV];
  const report = (what: string) => (e: unknown) => io.err(`internal error in ${what} (the worker goes on): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.stderr.on("error", () => {});
  process.on("uncaughtException", report("a request or callback"));
  process.on("unhandledRejection", report("a request or callback"));
  const recorder = new ForwardingRecorder();
  let nextCall = 1;
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const ask = (m: { t: "call"; method: string; args: unknown[] } | { t: "cli"; argv: string[]; cwd: string; env: Record<string, string | undefined> } | { t: "health" }) =>
    new Promise<unknown>((resolve, reject) => {
      if (!process.connected) return reject(new Error("the server is stopping"));
      const id = nextCall++;
      calls.set(id, { resolve, reject });
      send({ ...m, id } as ToPrimary);
    });
  const store = remoteStore((method, args) => ask({ t: "call", method, args }), setup.dialect, setup.location);
  const ownDelay = loopDelay();
  const routes: Route[] = [
    ...trackingRoutes({
      recorder,
      secret: loadOrCreateSecret(o.dbPath),
      allowHosts: o.allowHosts,
      trustProxy: o.trustProxy,
      maxBodyBytes: o.maxBodyBytes,
      // The primary's figures, and this worker's own event-loop delay.
      health: async () => ({ ...((await ask({ t: "health" })) as Record<string, unknown>), worker_event_loop_delay_ms: ownDelay() }),
      log: (m) => io.err(`${m}\n`),
    }),
    cliRoute(setup.token, (argv, cwd, env) => ask({ t: "cli", argv, cwd, env }) as Promise<CliResult>),
    ...(o.extraRoutes?.(store) ?? []),
  ];
  const server = createRouteServer({ routes, limits: workerLimits(o.limits, setup.workers), log: (m) => io.err(`${m}\n`) });
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const stop = async () => {
    server.close();
    server.closeIdleConnections();
    // Requests in flight are answered once their events are durable (the primary's log is open until every worker stopped).
    await new Promise((r) => setTimeout(r, 50));
    for (let waited = 0; (recorder.pending.size > 0 || calls.size > 0) && waited < 30_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setImmediate(r));
    server.closeAllConnections();
    send({ t: "stopped" }, stopped);
  };
  process.on("message", (m: ToWorker) => {
    if (m.t === "acks") recorder.answered(m.ok, m.refused);
    else if (m.t === "result") {
      const c = calls.get(m.id);
      calls.delete(m.id);
      if (!c) return;
      if (m.ok) c.resolve(m.value);
      else c.reject(m.error.user ? new UserError(m.error.code, m.error.message, m.error.details) : new Error(m.error.message));
    } else if (m.t === "stop") void stop();
  });
  // A signal to the whole group (Ctrl-C, systemctl stop): the primary drains every worker.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => send({ t: "signal", signal }));
  try {
    send({ t: "listening", port: await listen(server, o.port, o.host) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    send({ t: "listen-failed", code: err.code ?? "", message: err.message }, () => process.exit(2));
    return false;
  }
  await done;
  cluster.worker?.disconnect();
  return true;
}
