// Retries with exponential backoff for the tracking server's loads into ClickHouse: while a server
// (or a shard) is down the durable event log keeps every event, and loading resumes when it is back.
import { setTimeout as sleep } from "node:timers/promises";
import { isUserError } from "../../domain/errors.js";

/** ClickHouse error codes worth waiting out: network, timeouts, too many parts or queries, shutdown. */
const TRANSIENT_CODES = new Set(["159", "164", "202", "209", "210", "236", "241", "252", "279", "285", "394", "425"]);

/** True for failures that go away by themselves: an unreachable server, a dropped connection, overload. */
export function isTransient(e: unknown): boolean {
  if (isUserError(e)) return e.code === "store_unreachable" || e.code === "store_busy";
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && /^E[A-Z]+$|^UND_ERR/.test(code)) return true;
  const message = e instanceof Error ? e.message : String(e);
  const ch = /^Code: (\d+)/.exec(message)?.[1] ?? (typeof code === "string" ? code : undefined);
  if (ch !== undefined && TRANSIENT_CODES.has(ch)) return true;
  return /socket hang up|ECONNRESET|ECONNREFUSED|Timeout|other side closed/i.test(message);
}

export interface RetryOptions {
  /** First wait (ms), doubled after each failure up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Hears each failure before the wait (for a log line). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, waiting with exponential backoff (and jitter) after transient
 * failures; any other error is thrown at once. Only for idempotent operations.
 * @example await withRetries(() => store.appendTrackedEvents(batch))
 */
export async function withRetries<T>(fn: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  let delay = o.initialDelayMs ?? 100;
  const max = o.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransient(e)) throw e;
      const wait = Math.round(delay * (0.75 + Math.random() / 2));
      o.onRetry?.(e, attempt, wait);
      await sleep(wait);
      delay = Math.min(max, delay * 2);
    }
  }
}
