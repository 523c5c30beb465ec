// Messages between `cpi serve`'s HTTP process and its store process (the only one that touches DuckDB).

/** What the store process is started with (its first message). */
export interface StoreWorkerData {
  dbPath: string;
  logPath: string;
  /** The log's durable end when the server started: replayed before anything else. */
  upTo: number;
}

export type ToWorker =
  /** The log is durable up to `offset`: load it (batched, off the request path). */
  | { t: "committed"; offset: number }
  /** Run a CLI command against the open store (after loading up to `offset`). */
  | { t: "cli"; id: number; argv: string[]; cwd: string; env: Record<string, string | undefined>; offset: number }
  /** Call a Store method on the open store (RemoteStore: the HTTP process's Store). */
  | { t: "call"; id: number; method: string; args: unknown[] }
  /** Load everything up to `offset`, close the store, and say "drained". */
  | { t: "drain"; offset: number };

export type FromWorker =
  | { t: "ready"; loaded: number; replayed: number; dialect: "duckdb" | "clickhouse"; location: string; recentIds: [string, string][] }
  | { t: "loaded"; offset: number; events: number; invalid: number }
  | { t: "cli-result"; id: number; code: number; stdout: string; stderr: string }
  | { t: "call-result"; id: number; ok: true; value: unknown }
  | { t: "call-result"; id: number; ok: false; error: { user: boolean; code: string; message: string; details?: unknown } }
  | { t: "drained"; offset: number }
  | { t: "fatal"; message: string };
