// `cpi serve`'s store process: owns the DuckDB store, loads the event log into it in batches (commits
// and checkpoints happen here, never in the HTTP process), and runs forwarded CLI commands against it.
// Loads come every 0.2 s while events arrive slowly, and up to every 1 s under load (domain/load-cadence.ts).
// It runs at a lower CPU priority: under a burst the HTTP process answers first and loading catches up
// afterwards (the log is durable, so nothing waits on it).
import { rmSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { type EventLogSource, loadEventLog } from "../../app/track/load-events.js";
import { recentImpressionIds } from "../../app/track/recent-ids.js";
import { isUserError } from "../../domain/errors.js";
import { loadDelayMs } from "../../domain/load-cadence.js";
import { hostStore, openEventLogSegment, openStoreAt } from "../compose.js";
import { memoryIo } from "../io.js";
import type { FromWorker, SegmentMark, StoreWorkerData, ToWorker } from "./worker-protocol.js";

const LOCK_WAIT_MS = 15_000;
/** Impression ids of the last day handed to the HTTP process for duplicate detection. */
const RECENT_IDS = 200_000;

if (!process.send) throw new Error("store-process.ts runs only as a child process with an IPC channel");
/** Tells the HTTP process; once it is gone (killed) there is no one to tell, and that is not an error. */
const send = (m: FromWorker, sent: () => void = () => {}) => {
  if (process.connected) process.send?.(m, undefined, {}, () => sent());
  else sent();
};

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

/**
 * A log segment to load, known by its id and sequence number. Its file is found by id when it is
 * first read (the active path may already name a later segment); sealed ones are deleted once loaded.
 */
interface Segment {
  id: string;
  seq: number;
  /** Its sealed file (known once sealed). */
  path: string | null;
  source: (EventLogSource & { close(): void }) | null;
  upTo: number;
  /** How far the store holds it (null until asked). */
  loaded: number | null;
  sealed: boolean;
}

/** What to do when the HTTP process is gone (killed, or a signal arrived with no one to drain): exit, until the store is open. */
let alone: () => void = () => process.exit(0);
process.on("disconnect", () => alone());

// Ctrl-C, `kill -TERM -PGID` and `systemctl stop` signal every process of the server. This one must
// outlive the signal until the HTTP process has drained the log into it: it asks that process to stop
// (the same drain, whichever process was signalled) and waits for "drain". Alone, it closes the store.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (process.connected) send({ t: "signal", signal });
    else alone();
  });
}

async function start(data: StoreWorkerData): Promise<void> {
  try {
    if (getPriority() < 10) setPriority(10); // started without nice(1)
  } catch {
    // not permitted here: run at normal priority
  }
  const store = await openWhenFree(data.storeUrl ?? data.dbPath);
  hostStore(data.dbPath, store);
  /** Live segments in sequence order. */
  const segments: Segment[] = [];
  const segment = (id: string, seq: number): Segment => {
    let s = segments.find((x) => x.id === id);
    if (!s) {
      s = { id, seq, path: null, source: null, upTo: 0, loaded: null, sealed: false };
      segments.push(s);
      segments.sort((a, b) => a.seq - b.seq);
    }
    return s;
  };
  for (const [i, x] of data.sealed.entries()) Object.assign(segment(x.id, i), { path: x.path, upTo: x.upTo, sealed: true });
  segment(data.active.id, data.active.seq).upTo = data.active.upTo;
  /** The segment's reader, opened on first use from wherever its file is now; null while it has none. */
  const sourceOf = (s: Segment) => {
    if (s.source) return s.source;
    s.source = openEventLogSegment(data.logPath, s.id, s.path);
    return s.source;
  };
  let timer: NodeJS.Timeout | null = null;
  let closing = false;
  /** Set when the HTTP process is gone: stop loading (the next start replays the rest) and close. */
  let abandoned = false;

  const backlog = () => segments.reduce((n, s) => n + Math.max(0, s.upTo - (s.loaded ?? s.source?.dataStart ?? 0)), 0);
  /** Bytes the log has grown by since this process started (what the marks told), for the load cadence. */
  let arrived = 0;
  const mark = (marks: readonly SegmentMark[]) => {
    for (const m of marks) {
      const s = segments.find((x) => x.id === m.id);
      if (s && m.offset > s.upTo) {
        arrived += m.offset - s.upTo;
        s.upTo = m.offset;
      }
    }
  };
  /** The log's growth rate since the last scheduled load (bytes per second): sets the next one's delay. */
  let since = { at: performance.now(), arrived: 0 };
  const nextDelay = () => {
    const now = performance.now();
    const rate = ((arrived - since.arrived) * 1000) / Math.max(1, now - since.at);
    since = { at: now, arrived };
    return loadDelayMs(rate);
  };
  /**
   * Loads every segment up to where it is durable, oldest first. No segment waits for another: each
   * has its own offset in the store, so one that is still being written never holds back the rest.
   */
  const loadAll = () =>
    exclusive(async () => {
      let events = 0;
      let invalid = 0;
      for (const s of [...segments]) {
        if (abandoned) break;
        const source = sourceOf(s);
        if (!source) continue;
        s.loaded ??= (await store.eventLogOffset(s.id)) ?? source.dataStart;
        if (s.loaded < s.upTo) {
          const r = await loadEventLog(store, source, s.upTo, { stop: () => abandoned });
          s.loaded = r.offset;
          events += r.events;
          invalid += r.invalid;
        }
        if (s.sealed && s.loaded >= s.upTo && s.path) {
          source.close();
          rmSync(s.path, { force: true });
          segments.splice(segments.indexOf(s), 1);
        }
      }
      return { events, invalid };
    });
  const load = () =>
    loadAll().then((r) => {
      send({ t: "loaded", backlog: backlog(), events: r.events, invalid: r.invalid });
      return r;
    });
  const shutdown = (then: () => void) => {
    if (closing) return;
    closing = true;
    if (timer) clearTimeout(timer);
    (abandoned ? exclusive(async () => {}) : load())
      .then(() => exclusive(() => store.close()))
      .then(then, fatal);
  };
  alone = () => {
    abandoned = true;
    shutdown(() => process.exit(0));
  };
  if (!process.connected) return alone();

  process.on("message", (m: ToWorker) => {
    if (closing) return;
    if (m.t === "committed") {
      mark([m]);
      timer ??= setTimeout(() => {
        timer = null;
        load().catch(fatal);
      }, nextDelay());
    } else if (m.t === "began") {
      segment(m.id, m.seq);
    } else if (m.t === "sealed") {
      const s = segment(m.id, m.seq);
      s.upTo = Math.max(s.upTo, m.end);
      s.path = m.path;
      s.sealed = true;
      load().catch(fatal);
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
        // Disconnect only once the answer is written: closing the channel cancels a pending write,
        // and the HTTP process would then wait for an answer that never comes.
        send({ t: "drained", backlog: backlog() }, () => process.disconnect?.());
      });
    }
  });

  // Ready as soon as the store is open: the server listens at once, and what an earlier run left in
  // the log is replayed behind it (a large backlog took 5–20 s, all of it before listening). The
  // impression ids of the last day are handed over twice: what the store holds now, then again once
  // the replay has put the log's events in.
  const ids = () => exclusive(() => recentImpressionIds(store, Date.now(), RECENT_IDS));
  send({ t: "ready", backlog: backlog(), dialect: store.dialect.name, location: store.location, recentIds: await ids() });
  const replay = await load();
  if (!closing && replay.events + replay.invalid > 0) send({ t: "replayed", events: replay.events + replay.invalid, recentIds: await ids() });
}

function fatal(e: unknown): void {
  if (isUserError(e)) send({ t: "fatal", message: e.message, code: e.code });
  else send({ t: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
}

process.once("message", (data: StoreWorkerData) => {
  start(data).catch(fatal);
});
