// The primary's side of `cpi serve --workers N`: forks the HTTP workers (node:cluster, which deals
// connections round-robin), records the hits they forward through the one TrackingRecorder (one
// duplicate-id set, rate limiter and daily salt for the whole server) into the one group-commit log,
// answers each worker once its events are durable, relays its Store calls and commands to the store
// process, starts a worker again when one dies, and stops them all on a drain.
import cluster, { type Worker } from "node:cluster";
import type { TrackingRecorder } from "../../app/track/recorder.js";
import { isUserError, UserError } from "../../domain/errors.js";
import { decodeHitBatch, LISTEN_ERRORS, type Refusal, type ToPrimary, type ToWorker, WORKER_SETUP_ENV } from "./cluster-protocol.js";
import type { WorkerSetup } from "./http-worker.js";

export interface HttpWorkersOptions {
  count: number;
  setup: Omit<WorkerSetup, "workers">;
  recorder: TrackingRecorder;
  /** A Store call, a forwarded command, /health: run in the primary (or the store process through it). */
  call: (method: string, args: unknown[]) => Promise<unknown>;
  cli: (argv: string[], cwd: string, env: Record<string, string | undefined>) => Promise<unknown>;
  health: () => Record<string, unknown>;
  onSignal: (signal: "SIGTERM" | "SIGINT") => void;
  log: (message: string) => void;
}

/** The running workers. */
export class HttpWorkers {
  private readonly live = new Set<Worker>();
  private readonly outbox = new Map<Worker, { ok: number[]; refused: Refusal[] }>();
  private stopping = false;
  /** Workers started again after they died. */
  restarts = 0;

  private constructor(private readonly o: HttpWorkersOptions) {}

  /** Forks `count` workers; resolves with the port once every one listens (rejects with the first listen error). */
  static async start(o: HttpWorkersOptions): Promise<{ workers: HttpWorkers; port: number }> {
    // Structured clone on the channel: Store calls carry bigint micros.
    cluster.setupPrimary({ serialization: "advanced" });
    const w = new HttpWorkers(o);
    const ports = await Promise.allSettled(Array.from({ length: o.count }, () => w.fork()));
    const failed = ports.find((p) => p.status === "rejected");
    if (failed) {
      await w.stop();
      throw (failed as PromiseRejectedResult).reason;
    }
    return { workers: w, port: (ports[0] as PromiseFulfilledResult<number>).value };
  }

  /** Process ids of the live workers. */
  get pids(): number[] {
    return [...this.live].map((w) => w.process.pid ?? 0);
  }

  private fork(): Promise<number> {
    const setup: WorkerSetup = { ...this.o.setup, workers: this.o.count };
    const worker = cluster.fork({ [WORKER_SETUP_ENV]: JSON.stringify(setup) });
    this.live.add(worker);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on("message", (m: ToPrimary) => {
        if (m.t === "listening") {
          listening = true;
          resolve(m.port);
        } else if (m.t === "listen-failed") {
          reject(LISTEN_ERRORS.has(m.code) ? new UserError("listen_failed", `cannot listen: ${m.message}`) : new Error(m.message));
        } else this.handle(worker, m);
      });
      worker.on("exit", (code, signal) => {
        this.live.delete(worker);
        this.outbox.delete(worker);
        if (!listening) return reject(new Error(`an HTTP worker exited (code ${code}, signal ${signal}) before it listened`));
        if (this.stopping) return;
        this.restarts++;
        this.o.log(`an HTTP worker (pid ${worker.process.pid}) ended (${signal ?? `code ${code}`}); starting another`);
        this.fork().catch((e: unknown) => this.o.log(`an HTTP worker could not be started again: ${e instanceof Error ? e.message : String(e)}`));
      });
    });
  }

  private handle(worker: Worker, m: ToPrimary): void {
    if (m.t === "hits") this.record(worker, m.batch);
    else if (m.t === "call") this.answer(worker, m.id, this.o.call(m.method, m.args));
    else if (m.t === "cli") this.answer(worker, m.id, this.o.cli(m.argv, m.cwd, m.env));
    else if (m.t === "health") this.answer(worker, m.id, Promise.resolve().then(() => ({ ...this.o.recorder.stats, ...this.o.health(), workers: this.live.size, worker_restarts: this.restarts })));
    else if (m.t === "signal") this.o.onSignal(m.signal);
  }

  private record(worker: Worker, batch: string): void {
    decodeHitBatch(batch, (id, hits, ctx, beacon) => {
      try {
        this.o.recorder.record(hits, ctx, (err) => this.acknowledge(worker, id, err), { beacon });
      } catch (e) {
        this.acknowledge(worker, id, e);
      }
    });
  }

  /** Queues the answer to one forwarded request; the answers of one commit leave in one message. */
  private acknowledge(worker: Worker, id: number, err: unknown): void {
    let box = this.outbox.get(worker);
    if (!box) {
      if (!this.live.has(worker)) return; // it died: its clients saw the connection close, not an answer
      box = { ok: [], refused: [] };
      this.outbox.set(worker, box);
      setImmediate(() => {
        this.outbox.delete(worker);
        this.post(worker, { t: "acks", ok: box?.ok ?? [], refused: box?.refused ?? [] });
      });
    }
    if (err === null) box.ok.push(id);
    else box.refused.push([id, isUserError(err) ? err.code : "unavailable", err instanceof Error ? err.message : String(err)]);
  }

  private answer(worker: Worker, id: number, result: Promise<unknown>): void {
    result.then(
      (value) => this.post(worker, { t: "result", id, ok: true, value }),
      (e: unknown) =>
        this.post(worker, {
          t: "result",
          id,
          ok: false,
          error: isUserError(e) ? { user: true, code: e.code, message: e.message, details: e.details } : { user: false, code: "internal", message: e instanceof Error ? e.message : String(e) },
        }),
    );
  }

  private post(worker: Worker, m: ToWorker): void {
    try {
      if (worker.isConnected()) worker.send(m);
    } catch {
      // the worker is going away; its exit is handled there
    }
  }

  /** Tells every worker to stop and waits until each has answered what it had and ended. */
  async stop(waitMs = 30_000): Promise<void> {
    this.stopping = true;
    const ends = [...this.live].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          const timer = setTimeout(() => worker.process.kill("SIGKILL"), waitMs);
          worker.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          this.post(worker, { t: "stop" });
        }),
    );
    await Promise.all(ends);
  }
}
