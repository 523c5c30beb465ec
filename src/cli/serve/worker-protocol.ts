// Messages between `cpi serve`'s HTTP process and its store process (the only one that touches DuckDB).

/** A log segment and how far it is durable. */
export interface SegmentMark {
  id: string;
  offset: number;
}

/** What the store process is started with (its first message). */
export interface StoreWorkerData {
  dbPath: string;
  /** A ClickHouse store URL: the store process opens it instead of the DuckDB file (dbPath then only names the log). */
  storeUrl?: string;
  /** The active log segment's path (every active segment has it, one after another). */
  logPath: string;
  /** The active segment when the server started: its id, sequence number and durable end. */
  active: { id: string; seq: number; upTo: number };
  /** Sealed segments an earlier run left unloaded, oldest first (sequence numbers 0, 1, …): loaded, then deleted. */
  sealed: { id: string; path: string; upTo: number }[];
}

export type ToWorker =
  /** Segment `id` is durable up to `offset`: load it (batched, off the request path). */
  | { t: "committed"; id: string; offset: number }
  /** A new active segment `id`, number `seq`, started (at the active path), after the current one. */
  | { t: "began"; id: string; seq: number }
  /** Segment `id` (number `seq`), renamed to `path`, is complete at `end`: load the rest of it, then delete it. */
  | { t: "sealed"; id: string; seq: number; path: string; end: number }
  /** Run a CLI command against the open store (after loading up to `marks`). */
  | { t: "cli"; id: number; argv: string[]; cwd: string; env: Record<string, string | undefined>; marks: SegmentMark[] }
  /** Call a Store method on the open store (RemoteStore: the HTTP process's Store). */
  | { t: "call"; id: number; method: string; args: unknown[] }
  /** Load everything up to `marks`, close the store, and say "drained". */
  | { t: "drain"; marks: SegmentMark[] };

export type FromWorker =
  /** The store is open (the log is replayed after this); `recentIds`: impression ids it holds of the last day. */
  | { t: "ready"; backlog: number; dialect: "duckdb" | "clickhouse"; location: string; recentIds: [string, string][] }
  /** What an earlier run left in the log is in the store now: that many events, and the last day's ids again. */
  | { t: "replayed"; events: number; recentIds: [string, string][] }
  /** The store process got a stop signal (Ctrl-C, a signal to the group, systemctl stop): drain. */
  | { t: "signal"; signal: "SIGINT" | "SIGTERM" }
  | { t: "loaded"; backlog: number; events: number; invalid: number }
  | { t: "cli-result"; id: number; code: number; stdout: string; stderr: string }
  | { t: "call-result"; id: number; ok: true; value: unknown }
  | { t: "call-result"; id: number; ok: false; error: { user: boolean; code: string; message: string; details?: unknown } }
  | { t: "drained"; backlog: number }
  | { t: "fatal"; message: string; /** Set when the failure is the user's to fix (a UserError: exit 2). */ code?: string };
