// `cpi serve`'s store process: owns the DuckDB store, loads the event log into it in batches (commits
// and checkpoints happen here, never in the HTTP process), and runs forwarded CLI commands against it.
// It runs at a lower CPU priority: under a burst the HTTP process answers first and loading catches up
// afterwards (the log is durable, so nothing waits on it).
import { rmSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { type EventLogSource, loadEventLog } from "../../app/track/load-events.js";
import { recentImpressionIds } from "../../app/track/recent-ids.js";
import { isUserError } from "../../domain/errors.js";
import { hostStore, openEventLogReader, openStoreAt } from "../compose.js";
import { memoryIo } from "../io.js";
import type { FromWorker, SegmentMark, StoreWorkerData, ToWorker } from "./worker-protocol.js";

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

/** A log segment to load: sealed ones are deleted once loaded in full. */
interface Segment {
  path: string;
  source: EventLogSource & { close(): void };
  upTo: number;
  /** How far the store holds it (null until asked). */
  loaded: number | null;
  sealed: boolean;
}

async function start(data: StoreWorkerData): Promise<void> {
  try {
    if (getPriority() < 10) setPriority(10); // started without nice(1)
  } catch {
    // not permitted here: run at normal priority
  }
  const store = await openWhenFree(data.storeUrl ?? data.dbPath);
  hostStore(data.dbPath, store);
  const segments: Segment[] = [];
  const addSegment = (path: string, upTo: number, sealed: boolean) => {
    segments.push({ path, source: openEventLogReader(path), upTo, loaded: null, sealed });
  };
  for (const s of data.sealed) addSegment(s.path, s.upTo, true);
  addSegment(data.logPath, data.upTo, false);
  let timer: NodeJS.Timeout | null = null;
  let closing = false;

  const backlog = () => segments.reduce((n, s) => n + Math.max(0, s.upTo - (s.loaded ?? s.source.dataStart)), 0);
  const mark = (marks: readonly SegmentMark[]) => {
    for (const m of marks) {
      const s = segments.find((x) => x.source.id === m.id);
      if (s) s.upTo = Math.max(s.upTo, m.offset);
    }
  };
  /** Loads segments in order; a later one waits until the one before it is sealed and loaded. */
  const loadAll = () =>
    exclusive(async () => {
      let events = 0;
      let invalid = 0;
      while (segments.length > 0) {
        const s = segments[0] as Segment;
        s.loaded ??= (await store.eventLogOffset(s.source.id)) ?? s.source.dataStart;
        if (s.loaded < s.upTo) {
          const r = await loadEventLog(store, s.source, s.upTo);
          s.loaded = r.offset;
          events += r.events;
          invalid += r.invalid;
        }
        if (!s.sealed || s.loaded < s.upTo || segments.length === 1) break;
        s.source.close();
        rmSync(s.path, { force: true });
        segments.shift();
      }
      return { events, invalid };
    });
  const load = () =>
    loadAll().then((r) => {
      send({ t: "loaded", backlog: backlog(), events: r.events, invalid: r.invalid });
    });

  const first = await loadAll();
  const recentIds = await exclusive(() => recentImpressionIds(store, Date.now(), RECENT_IDS));
  send({ t: "ready", replayed: first.events + first.invalid, backlog: backlog(), dialect: store.dialect.name, location: store.location, recentIds });

  const shutdown = (then: () => void) => {
    if (closing) return;
    closing = true;
    if (timer) clearTimeout(timer);
    load()
      .then(() => exclusive(() => store.close()))
      .then(then, fatal);
  };

  process.on("message", (m: ToWorker) => {
    if (closing) return;
    if (m.t === "committed") {
      mark([m]);
      timer ??= setTimeout(() => {
        timer = null;
        load().catch(fatal);
      }, LOAD_DELAY_MS);
    } else if (m.t === "began") {
      addSegment(m.path, 0, false);
    } else if (m.t === "sealed") {
      exclusive(async () => {
        const s = segments.find((x) => x.source.id === m.id);
        if (s) {
          s.upTo = Math.max(s.upTo, m.end);
          s.path = m.path; // renamed: the active path is the next segment's now
          s.sealed = true;
        }
      })
        .then(load)
        .catch(fatal);
    } else if (m.t === "cli") {
      mark(m.marks);
      load()
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
      // DuckDB has one connection: calls take turns with loads. A ClickHouse store orders its own writes
      // and reads freely, and an import there may wait minutes for another process's import lock.
      const call = () => (fn as (...a: unknown[]) => Promise<unknown>).apply(store, m.args);
      (store.dialect.name === "duckdb" ? exclusive(call) : call())
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
      mark(m.marks);
      shutdown(() => {
        send({ t: "drained", backlog: backlog() });
        process.disconnect?.();
      });
    }
  });
  // The HTTP process is gone (killed): load what the log holds, close the store, exit.
  process.on("disconnect", () => shutdown(() => process.exit(0)));
}

function fatal(e: unknown): void {
  send({ t: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
}

process.once("message", (data: StoreWorkerData) => {
  start(data).catch(fatal);
});
