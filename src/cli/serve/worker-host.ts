// The HTTP thread's handle on the store worker: start it, tell it what is durable, run commands in it.
import { Worker } from "node:worker_threads";
import type { FromWorker, StoreWorkerData, ToWorker } from "./worker-protocol.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function newWorker(data: StoreWorkerData): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./store-worker.js", import.meta.url), { workerData: data });
  // Under tsx (tests, benchmarks) the worker must register tsx's loader before importing TypeScript.
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./store-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

/** A started store worker. */
export class StoreWorkerHost {
  loadedOffset = 0;
  loadedEvents = 0;
  private nextId = 1;
  private pending = new Map<number, (r: CliResult) => void>();
  private drained: ((offset: number) => void) | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly onFatal: (message: string) => void,
  ) {
    worker.on("message", (m: FromWorker) => this.handle(m));
    worker.on("error", (e: Error) => onFatal(e.stack ?? e.message));
  }

  /** Starts the worker; resolves once the store is open and the log replayed up to `data.upTo`. */
  static start(data: StoreWorkerData, onFatal: (message: string) => void): Promise<{ host: StoreWorkerHost; replayed: number }> {
    return new Promise((resolve, reject) => {
      const worker = newWorker(data);
      let started = false;
      const early = (m: FromWorker) => {
        if (m.t === "ready") {
          started = true;
          worker.off("message", early);
          worker.off("error", reject);
          const host = new StoreWorkerHost(worker, onFatal);
          host.loadedOffset = m.loaded;
          resolve({ host, replayed: m.replayed });
        } else if (m.t === "fatal" && !started) {
          worker.terminate();
          reject(new Error(m.message));
        }
      };
      worker.on("message", early);
      worker.once("error", reject);
    });
  }

  private handle(m: FromWorker): void {
    if (m.t === "loaded") {
      this.loadedOffset = m.offset;
      this.loadedEvents += m.events + m.invalid;
    } else if (m.t === "cli-result") {
      this.pending.get(m.id)?.({ code: m.code, stdout: m.stdout, stderr: m.stderr });
      this.pending.delete(m.id);
    } else if (m.t === "drained") {
      this.loadedOffset = m.offset;
      this.drained?.(m.offset);
    } else if (m.t === "fatal") this.onFatal(m.message);
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  /** The log is durable up to `offset`. */
  committed(offset: number): void {
    this.post({ t: "committed", offset });
  }

  /** Runs a CLI command in the worker, after loading the log up to `offset` (read-your-writes). */
  cli(argv: string[], cwd: string, env: Record<string, string | undefined>, offset: number): Promise<CliResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ t: "cli", id, argv, cwd, env, offset });
    });
  }

  /** Loads everything up to `offset`, closes the store and stops the worker. */
  async drain(offset: number): Promise<number> {
    const done = new Promise<number>((resolve) => {
      this.drained = resolve;
    });
    this.post({ t: "drain", offset });
    const loaded = await done;
    await this.worker.terminate();
    return loaded;
  }
}
