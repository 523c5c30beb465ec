// The HTTP process's handle on the store process: start it, tell it what is durable, run commands in it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UserError } from "../../domain/errors.js";
import type { FromWorker, SegmentMark, StoreWorkerData, ToWorker } from "./worker-protocol.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const NICE = "/usr/bin/nice";
/** How often the store process hears how far the log is durable (it loads every 0.2–1 s). */
const COMMITTED_NOTICE_MS = 20;

function spawnStoreProcess(): ChildProcess {
  // Built, the entry is store-process.js; under tsx (tests, benchmarks) it is .ts and the parent's
  // --import of tsx's loader (process.execArgv) carries over.
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const entry = fileURLToPath(new URL(`./store-process.${ext}`, import.meta.url));
  const argv = [...process.execArgv, entry];
  const stdio: ["ignore", "inherit", "inherit", "ipc"] = ["ignore", "inherit", "inherit", "ipc"];
  // Through nice(1) every thread of the process (DuckDB's, libuv's) starts at the lower priority;
  // setpriority from inside would reach only the threads created after it.
  // "advanced" serialization (structured clone) carries bigint micros through Store calls.
  if (existsSync(NICE)) return spawn(NICE, ["-n", "10", process.execPath, ...argv], { stdio, serialization: "advanced" });
  return spawn(process.execPath, argv, { stdio, serialization: "advanced" });
}

/** A started store process. */
export class StoreWorkerHost {
  /** Bytes of the log durable but not yet in the store. */
  backlog = 0;
  loadedEvents = 0;
  private nextId = 1;
  private pending = new Map<number, (r: CliResult) => void>();
  private calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  dialect: "duckdb" | "clickhouse" = "duckdb";
  location = "";
  private drained: ((offset: number) => void) | null = null;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly onFatal: (message: string) => void,
  ) {
    child.on("message", (m: FromWorker) => this.handle(m));
    child.on("exit", (code) => {
      if (!this.stopping) onFatal(`the store process exited (code ${code})`);
    });
  }

  /** What the store process tells besides answers: the log's replay is done, a stop signal reached it. */
  onReplayed: (events: number, recentIds: [string, string][]) => void = () => {};
  onSignal: (signal: string) => void = () => {};

  /** Starts the process; resolves once the store is open (what the log holds is replayed after that). */
  static start(data: StoreWorkerData, onFatal: (message: string) => void): Promise<{ host: StoreWorkerHost; recentIds: [string, string][] }> {
    return new Promise((resolve, reject) => {
      const child = spawnStoreProcess();
      let started = false;
      const early = (m: FromWorker) => {
        if (m.t === "ready") {
          started = true;
          child.off("message", early);
          child.off("exit", exited);
          const host = new StoreWorkerHost(child, onFatal);
          host.backlog = m.backlog;
          host.dialect = m.dialect;
          host.location = m.location;
          resolve({ host, recentIds: m.recentIds });
        } else if (m.t === "fatal" && !started) {
          child.kill();
          reject(m.code === undefined ? new Error(m.message) : new UserError(m.code, m.message));
        }
      };
      const exited = (code: number | null) => {
        if (!started) reject(new Error(`the store process exited (code ${code}) before opening the store`));
      };
      child.on("message", early);
      child.on("exit", exited);
      child.send(data);
    });
  }

  private handle(m: FromWorker): void {
    if (m.t === "loaded") {
      this.backlog = m.backlog;
      this.loadedEvents += m.events + m.invalid;
    } else if (m.t === "cli-result") {
      this.pending.get(m.id)?.({ code: m.code, stdout: m.stdout, stderr: m.stderr });
      this.pending.delete(m.id);
    } else if (m.t === "call-result") {
      const c = this.calls.get(m.id);
      this.calls.delete(m.id);
      if (!c) return;
      if (m.ok) c.resolve(m.value);
      else c.reject(m.error.user ? new UserError(m.error.code, m.error.message, m.error.details) : new Error(m.error.message));
    } else if (m.t === "drained") {
      this.backlog = m.backlog;
      this.drained?.(m.backlog);
    } else if (m.t === "replayed") this.onReplayed(m.events, m.recentIds);
    else if (m.t === "signal") this.onSignal(m.signal);
    else if (m.t === "fatal") this.onFatal(m.message);
  }

  private post(m: ToWorker): void {
    if (this.child.connected) this.child.send(m);
  }

  /** Durable ends not yet told, by segment id (one notice per segment per COMMITTED_NOTICE_MS). */
  private unsaid = new Map<string, number>();
  private noticeTimer: NodeJS.Timeout | null = null;

  /**
   * Segment `id` is durable up to `offset`. Told at most every COMMITTED_NOTICE_MS: the store process
   * loads every 0.2–1 s anyway, and a message per group commit (hundreds a second) cost the HTTP
   * process 4 % of its CPU. A drain or a command carries the exact marks itself.
   */
  committed(id: string, offset: number): void {
    this.unsaid.set(id, offset);
    this.noticeTimer ??= setTimeout(() => {
      this.noticeTimer = null;
      const said = this.unsaid;
      this.unsaid = new Map();
      for (const [segment, end] of said) this.post({ t: "committed", id: segment, offset: end });
    }, COMMITTED_NOTICE_MS);
  }

  /** A new active segment `id` (number `seq`) started. */
  began(id: string, seq: number): void {
    this.post({ t: "began", id, seq });
  }

  /** Segment `id` (number `seq`), renamed to `path`, is complete at `end`. */
  sealed(id: string, seq: number, path: string, end: number): void {
    this.post({ t: "sealed", id, seq, path, end });
  }

  /** Runs a CLI command in the store process, after loading the log up to `marks` (read-your-writes). */
  cli(argv: string[], cwd: string, env: Record<string, string | undefined>, marks: SegmentMark[]): Promise<CliResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ t: "cli", id, argv, cwd, env, marks });
    });
  }

  /** Calls a Store method in the store process (see RemoteStore). */
  call(method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error("the store process is gone"));
      this.calls.set(id, { resolve, reject });
      this.post({ t: "call", id, method, args });
    });
  }

  /**
   * Loads everything up to `marks`, closes the store and waits for the process to end; returns the
   * bytes of the log left unloaded (0), and whether the process answered at all (not when it died).
   */
  async drain(marks: SegmentMark[]): Promise<{ backlog: number; answered: boolean }> {
    this.stopping = true;
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once("exit", () => resolve());
    });
    const done = new Promise<number>((resolve) => {
      this.drained = resolve;
    });
    this.post({ t: "drain", marks });
    // A store process that dies instead of answering (killed, crashed) must not hold the drain for
    // ever: what it did not load stays in the log for the next start.
    // The channel closes after every message sent on it has been delivered (its "exit" may come first).
    const gone = new Promise<void>((resolve) => {
      if (!this.child.connected) resolve();
      else this.child.once("disconnect", () => setImmediate(resolve));
    });
    const outcome = await Promise.race([done.then((backlog) => ({ backlog, answered: true })), gone.then(() => ({ backlog: this.backlog, answered: false }))]);
    await exited;
    return outcome;
  }
}
