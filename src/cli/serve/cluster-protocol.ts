// Messages between `cpi serve`'s primary process (event log, recorder, store process) and its HTTP
// workers (`--workers N`, node:cluster): a worker parses requests and forwards their hits; the primary
// records them (one duplicate-id set, one rate limiter, one daily salt, one group-commit log) and
// answers once they are durable. Both directions are batched per event-loop turn.
import type { HitContext } from "../../app/track/recorder.js";
import type { HitFields } from "../../domain/tracking/event.js";

/** One request's hits: [request id, hits, context, beacon (POST /e)]. */
export type ForwardedHits = [number, HitFields[], HitContext, boolean];

/** Why a request's events were not stored: a UserError code (rate_limited → 429) or "unavailable" (503). */
export type Refusal = [number, string, string];

export type ToPrimary =
  /** Requests' hits to record. */
  | { t: "hits"; batch: ForwardedHits[] }
  /** A Store call (RemoteStore), a forwarded CLI command or /health, answered with "result". */
  | { t: "call"; id: number; method: string; args: unknown[] }
  | { t: "cli"; id: number; argv: string[]; cwd: string; env: Record<string, string | undefined> }
  | { t: "health"; id: number }
  /** The worker listens (on `port`), or could not (`code`: EADDRINUSE, EACCES …). */
  | { t: "listening"; port: number }
  | { t: "listen-failed"; code: string; message: string }
  /** The worker got SIGTERM/SIGINT (a signal to the whole group): the primary drains everything. */
  | { t: "signal"; signal: "SIGTERM" | "SIGINT" }
  /** The worker has answered every request it had and closed its connections. */
  | { t: "stopped" };

export type ToWorker =
  /** Requests whose events are durable (answered 2xx), and those refused. */
  | { t: "acks"; ok: number[]; refused: Refusal[] }
  | { t: "result"; id: number; ok: true; value: unknown }
  | { t: "result"; id: number; ok: false; error: { user: boolean; code: string; message: string; details?: unknown } }
  /** Stop accepting, answer what is in flight, close every connection, say "stopped". */
  | { t: "stop" };

/** The environment variable that hands a worker its setup, with the token of `/api/cli` (never in argv: `ps` shows argv). */
export const WORKER_SETUP_ENV = "CPI_SERVE_WORKER_SETUP";

/** Listen errors that are the environment's (the port is taken or not allowed: exit 2), not a bug. */
export const LISTEN_ERRORS = new Set(["EADDRINUSE", "EACCES", "EADDRNOTAVAIL"]);
