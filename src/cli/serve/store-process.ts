// `cpi serve`'s store process: owns the DuckDB store, loads the event log into it in batches (commits
// and checkpoints happen here, never in the HTTP process), and runs forwarded CLI commands against it.
// It runs at a lower CPU priority: under a burst the HTTP process answers first and loading catches up
// afterwards (the log is durable, so nothing waits on it).
import { getPriority, setPriority } from "node:os";
import { loadEventLog } from "../../app/track/load-events.js";
import { recentImpressionIds } from "../../app/track/recent-ids.js";
import { isUserError } from "../../domain/errors.js";
import { hostStore, openEventLogReader, openStoreAt } from "../compose.js";
import { memoryIo } from "../io.js";
import type { FromWorker, StoreWorkerData, ToWorker } from "./worker-protocol.js";

const LOAD_DELAY_MS = 200;
const LOCK_WAIT_MS = 15_000;
/** Impression ids of the last day handed to the HTTP process for duplicate detection. */
const RECENT_IDS = 200_000;

if (!process.send) throw new Error("store-process.ts runs only as a child process with an IPC channel");
const send = (m: FromWorker) => process.send?.(m);

/** One thing at a time on the store's connection: loads and commands take turns. */
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

/** Opens the store, waiting a while if a previous server's store process still holds its lock. */
async function openWhenFree(path: string) {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await openStoreAt(path);
    } catch (e) {
      if (!/lock|in use/i.test(e instanceof Error ? e.message : String(e)) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function start(data: StoreWorkerData): Promise<void> {
  try {
    if (getPriority() < 10) setPriority(10); // started without nice(1)
  } catch {
    // not permitted here: run at normal priority
  }
  const store = await openWhenFree(data.dbPath);
  hostStore(data.dbPath, store);
  const source = openEventLogReader(data.logPath);
  let target = data.upTo;
  let loaded = (await store.eventLogOffset(source.id)) ?? source.dataStart;
  let timer: NodeJS.Timeout | null = null;
  let closing = false;

  const load = (upTo: number) =>
    exclusive(async () => {
      if (loaded >= upTo) return;
      const r = await loadEventLog(store, source, upTo);
      loaded = r.offset;
      send({ t: "loaded", offset: loaded, events: r.events, invalid: r.invalid });
    });

  const first = await exclusive(() => loadEventLog(store, source, target));
  loaded = first.offset;
  const recentIds = await exclusive(() => recentImpressionIds(store, Date.now(), RECENT_IDS));
  send({ t: "ready", loaded, replayed: first.events + first.invalid, dialect: store.dialect.name, location: store.location, recentIds });

  const shutdown = (upTo: number, then: () => void) => {
    if (closing) return;
    closing = true;
    if (timer) clearTimeout(timer);
    target = Math.max(target, upTo);
    load(target)
      .then(() => exclusive(() => store.close()))
      .then(then, fatal);
  };

  process.on("message", (m: ToWorker) => {
    if (closing) return;
    if (m.t === "committed") {
      target = Math.max(target, m.offset);
      timer ??= setTimeout(() => {
        timer = null;
        load(target).catch(fatal);
      }, LOAD_DELAY_MS);
    } else if (m.t === "cli") {
      target = Math.max(target, m.offset);
      load(target)
        .then(() =>
          exclusive(async () => {
            const { main } = await import("../main.js");
            const io = memoryIo(m.env, m.cwd);
            const code = await main(m.argv, io);
            send({ t: "cli-result", id: m.id, code, stdout: io.stdout, stderr: io.stderr });
          }),
        )
        .catch((e: unknown) => send({ t: "cli-result", id: m.id, code: 1, stdout: "", stderr: `internal error: ${e instanceof Error ? e.message : String(e)}\n` }));
    } else if (m.t === "call") {
      const fn = (store as unknown as Record<string, unknown>)[m.method];
      if (typeof fn !== "function" || m.method === "close" || m.method.startsWith("_")) {
        send({ t: "call-result", id: m.id, ok: false, error: { user: false, code: "bad_call", message: `no Store method '${m.method}'` } });
        return;
      }
      exclusive(() => (fn as (...a: unknown[]) => Promise<unknown>).apply(store, m.args))
        .then((value) => send({ t: "call-result", id: m.id, ok: true, value }))
        .catch((e: unknown) =>
          send({
            t: "call-result",
            id: m.id,
            ok: false,
            error: isUserError(e) ? { user: true, code: e.code, message: e.message, details: e.details } : { user: false, code: "internal", message: e instanceof Error ? e.message : String(e) },
          }),
        );
    } else if (m.t === "drain") {
      shutdown(m.offset, () => {
        send({ t: "drained", offset: loaded });
        process.disconnect?.();
      });
    }
  });
  // The HTTP process is gone (killed): load what the log holds, close the store, exit.
  process.on("disconnect", () => shutdown(target, () => process.exit(0)));
}

function fatal(e: unknown): void {
  send({ t: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
}

process.once("message", (data: StoreWorkerData) => {
  start(data).catch(fatal);
});
