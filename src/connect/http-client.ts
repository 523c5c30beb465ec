// The one door from cpi to ad-platform APIs: Node's fetch with a timeout per call, an overall
// deadline per sync, retries of transient failures with exponential backoff and full jitter, the
// platform's Retry-After (or its own retry delay) honoured, and the access token refreshed once when
// it expires. Connectors say what a response means (classify); this file decides what to do about it.
import { setTimeout as sleepMs } from "node:timers/promises";
import { ApiProblem, isRetryable, plainDuration, redactSecrets } from "./problem.js";

/** One call to a platform. `what` names it in messages ("the report of account 123"): never the URL, which may hold a token. */
export interface ApiRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  what: string;
}

/** A platform's answer, read whole. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The body as UTF-8 text. */
  text: string;
  /** The body's bytes (a ZIP download). */
  bytes: Uint8Array;
}

/**
 * Reads a response: returns what the connector needs from it, or throws an ApiProblem saying what
 * went wrong (an error body, a body that is not what the API documents). Run inside the retry loop,
 * so a malformed body is retried like any transient failure.
 */
export type ReadResponse<T> = (res: ApiResponse) => T;

/** How a connection authenticates its calls: applies its credentials to a request; may refresh them once. */
export interface AuthSource {
  authorize(req: ApiRequest): Promise<ApiRequest>;
  /** Gets a new access token (after the platform said the current one expired). Absent: tokens cannot be refreshed. */
  refresh?(): Promise<void>;
}

/** Timing of the client: every wait and every limit. Tests shorten the waits; the deadline bounds everything. */
export interface ClientTiming {
  /** Longest wait for one answer (headers and body). */
  requestTimeoutMs: number;
  /** When the whole sync must be over (epoch ms): no call starts, and no wait runs, past it. */
  deadlineAt: number;
  /** Tries per call, the first included. */
  maxAttempts: number;
  /** First backoff; doubles each retry (full jitter: a random wait up to that). */
  retryBaseMs: number;
  /** Longest backoff. */
  retryMaxMs: number;
  /** Longest wait a platform may ask for before cpi gives up on the call instead (a daily quota's reset). */
  maxRetryAfterMs: number;
  /** First wait between polls of an asynchronous report (grows by half each poll, up to 30 polls' worth). */
  pollMs: number;
  /** Pause when a platform's usage headers say a limit is nearly used up and do not say for how long. */
  pauseMs: number;
}

export const DEFAULT_TIMING: Omit<ClientTiming, "deadlineAt"> = {
  requestTimeoutMs: 120_000,
  maxAttempts: 6,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  maxRetryAfterMs: 15 * 60_000,
  pollMs: 2_000,
  pauseMs: 60_000,
};

/** What the client may touch: the network, the clock, randomness (tests replace them). */
export interface ClientEnvironment {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Says that a call is retried, and why (progress on stderr). */
  log?: (message: string) => void;
}

/**
 * The Retry-After header in milliseconds (delta-seconds or an HTTP date), or undefined.
 * @example retryAfterMs(new Headers({ "retry-after": "2" }), Date.now()) // 2000
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const v = headers.get("retry-after")?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The host of a URL, for messages (never its path or query, which may carry ids and tokens). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the platform";
  }
}

/**
 * Calls a platform's API for one connection: counts calls, retries, redacts secrets from every
 * message. One client per connection per sync (it carries that sync's deadline).
 */
export class ApiClient {
  /** HTTP requests sent (retries and token refreshes included). */
  calls = 0;
  private readonly secrets: string[] = [];
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  private readonly random: () => number;
  private readonly log: (message: string) => void;

  constructor(
    readonly timing: ClientTiming,
    env: ClientEnvironment = {},
  ) {
    this.fetch = env.fetch ?? fetch;
    this.sleep = env.sleep ?? ((ms) => sleepMs(ms).then(() => {}));
    this.now = env.now ?? Date.now;
    this.random = env.random ?? Math.random;
    this.log = env.log ?? (() => {});
  }

  /** Registers credential values that must never appear in a message. */
  addSecrets(...values: string[]): void {
    for (const v of values) if (v && !this.secrets.includes(v)) this.secrets.push(v);
  }

  /** A text with every registered secret replaced by "[redacted]". */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** Milliseconds left before the deadline. */
  remainingMs(): number {
    return this.timing.deadlineAt - this.now();
  }

  /** Fails with a `deadline` problem when the sync's deadline has passed. */
  checkDeadline(what: string): void {
    if (this.remainingMs() <= 0) throw new ApiProblem("deadline", `the sync's deadline passed before ${what} (raise --deadline)`);
  }

  /**
   * Waits `ms` (a poll interval, a throttle pause) unless that would pass the deadline: then fails
   * with a `deadline` problem naming `what` was waited for.
   */
  async wait(ms: number, what: string): Promise<void> {
    if (ms > this.remainingMs()) throw new ApiProblem("deadline", `waiting ${plainDuration(ms)} for ${what} would pass the sync's deadline (raise --deadline)`);
    if (ms > 0) await this.sleep(ms);
  }

  /**
   * Sends a request until it succeeds or fails for good: transient problems and throttling are
   * retried (up to `maxAttempts` tries), an expired access token is refreshed once. Throws an
   * ApiProblem whose message names `req.what`, never the URL or a secret.
   */
  async send<T>(req: ApiRequest, read: ReadResponse<T>, auth?: AuthSource): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      this.checkDeadline(req.what);
      const got = await this.once(auth ? await auth.authorize(req) : req, read);
      if (got.ok) return got.value;
      const problem = got.problem;
      if (problem.kind === "auth_expired" && auth?.refresh && !refreshed) {
        refreshed = true;
        this.log(`${req.what}: the access token expired; refreshing it`);
        await auth.refresh();
        attempt--; // the refresh is not one of the call's tries
        continue;
      }
      if (problem.kind === "auth_expired") {
        // Refused again with a fresh token (or no way to refresh): the credentials themselves are refused.
        throw new ApiProblem("auth_refused", this.redact(`${problem.message}${refreshed ? " (even with a freshly refreshed access token)" : ""}`), { ...(problem.status !== undefined ? { status: problem.status } : {}), ...(problem.code !== undefined ? { code: problem.code } : {}) });
      }
      if (!isRetryable(problem.kind) || attempt >= this.timing.maxAttempts) {
        const tries = isRetryable(problem.kind) ? ` (after ${attempt} tries)` : "";
        throw problem.withMessage(this.redact(`${problem.message}${tries}`));
      }
      const asked = problem.retryAfterMs;
      if (asked !== undefined && asked > this.timing.maxRetryAfterMs) {
        throw new ApiProblem("quota_exhausted", this.redact(`${problem.message}: the platform asks to wait ${plainDuration(asked)}; sync again later`), { ...(problem.status !== undefined ? { status: problem.status } : {}), ...(problem.code !== undefined ? { code: problem.code } : {}) });
      }
      const cap = Math.min(this.timing.retryMaxMs, this.timing.retryBaseMs * 2 ** (attempt - 1));
      const wait = asked ?? Math.round(this.random() * cap);
      if (wait > this.remainingMs()) {
        throw new ApiProblem("deadline", this.redact(`${problem.message}; a retry in ${plainDuration(wait)} would pass the sync's deadline (raise --deadline)`));
      }
      this.log(`${this.redact(problem.message)}; retrying in ${plainDuration(wait)}`);
      await this.sleep(wait);
    }
  }

  /** One HTTP exchange: what `read` made of the answer, or the problem. */
  private async once<T>(req: ApiRequest, read: ReadResponse<T>): Promise<{ ok: true; value: T } | { ok: false; problem: ApiProblem }> {
    const timeout = Math.max(1, Math.min(this.timing.requestTimeoutMs, this.remainingMs()));
    this.calls++;
    let res: ApiResponse;
    try {
      const signal = AbortSignal.timeout(timeout);
      const r = await this.fetch(req.url, {
        method: req.method,
        headers: req.headers ?? {},
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal,
        redirect: "error",
      });
      const bytes = new Uint8Array(await r.arrayBuffer());
      res = { status: r.status, headers: r.headers, bytes, text: new TextDecoder().decode(bytes) };
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === "TimeoutError" || name === "AbortError") {
        return { ok: false, problem: new ApiProblem("transient", `${req.what}: no answer from ${hostOf(req.url)} within ${plainDuration(timeout)}`) };
      }
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, problem: new ApiProblem("transient", `${req.what}: could not reach ${hostOf(req.url)} (${cause?.code ?? cause?.message ?? (e as Error).message})`) };
    }
    let problem: ApiProblem;
    try {
      return { ok: true, value: read(res) };
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      problem = e;
    }
    if (problem.retryAfterMs === undefined && isRetryable(problem.kind)) {
      const after = retryAfterMs(res.headers, this.now());
      if (after !== undefined) problem = new ApiProblem(problem.kind, problem.message, { retryAfterMs: after, status: res.status, ...(problem.code !== undefined ? { code: problem.code } : {}) });
    }
    return { ok: false, problem };
  }
}

/**
 * Parses a JSON body; a body that is not JSON is a transient problem (a proxy's page, a cut answer),
 * retried by `send` when thrown from a ReadResponse.
 * @example jsonBody(res, "the report of account 123")
 */
export function jsonBody(res: ApiResponse, what: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new ApiProblem("transient", `${what}: the answer (HTTP ${res.status}) is not the JSON the API documents (${res.text.length} bytes${res.text.length ? `, starting '${res.text.slice(0, 40).replace(/\s+/g, " ")}'` : ""})`, { status: res.status });
  }
}
