// `cpi serve`'s store worker: owns the DuckDB store, loads the event log into it in batches (commits
// and checkpoints happen here, never on the HTTP thread), and runs forwarded CLI commands against it.
import { parentPort, workerData } from "node:worker_threads";
import { loadEventLog } from "../../app/track/load-events.js";
import { hostStore, openEventLogReader, openStoreAt } from "../compose.js";
import { memoryIo } from "../io.js";
import type { FromWorker, StoreWorkerData, ToWorker } from "./worker-protocol.js";

const LOAD_DELAY_MS = 100;
const data = workerData as StoreWorkerData;
if (!parentPort) throw new Error("store-worker.ts runs only as a worker thread");
const port = parentPort;
const send = (m: FromWorker) => port.postMessage(m);

/** One thing at a time on the store's connection: loads and commands take turns. */
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

async function start(): Promise<void> {
  const store = await openStoreAt(data.dbPath);
  hostStore(data.dbPath, store);
  const source = openEventLogReader(data.logPath);
  let target = data.upTo;
  let loaded = (await store.eventLogOffset(source.id)) ?? source.dataStart;
  let timer: NodeJS.Timeout | null = null;

  const load = (upTo: number) =>
    exclusive(async () => {
      if (loaded >= upTo) return;
      const r = await loadEventLog(store, source, upTo);
      loaded = r.offset;
      send({ t: "loaded", offset: loaded, events: r.events, invalid: r.invalid });
    });

  const first = await exclusive(() => loadEventLog(store, source, target));
  loaded = first.offset;
  send({ t: "ready", loaded, replayed: first.events + first.invalid });

  port.on("message", (m: ToWorker) => {
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
    } else if (m.t === "drain") {
      if (timer) clearTimeout(timer);
      target = Math.max(target, m.offset);
      load(target)
        .then(() => exclusive(() => store.close()))
        .then(() => send({ t: "drained", offset: loaded }))
        .catch(fatal);
    }
  });
}

function fatal(e: unknown): void {
  send({ t: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}

start().catch(fatal);
