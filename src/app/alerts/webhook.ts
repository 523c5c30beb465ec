import { setTimeout as sleepMs } from "node:timers/promises";
import type { WebhookConfig } from "./alert-rule.js";

/** How a webhook is tried: attempts, a timeout for each, exponential backoff between them. */
export interface DeliveryOptions {
  /** Attempts in all (default 4: the first and three retries). */
  attempts?: number;
  /** Each attempt is abandoned after this long (default 10 s). */
  timeoutMs?: number;
  /** Wait before the first retry, doubled for each next one (default 1 s: 1, 2, 4 s). */
  backoffMs?: number;
  /** How to wait (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
  /** The HTTP client (default the global fetch). */
  fetch?: typeof fetch;
  /** The clock, for durations. */
  now?: () => number;
}

/** One attempt's outcome. */
export interface Attempt {
  attempt: number;
  ok: boolean;
  status: number | null;
  error: string | null;
  ms: number;
}

export const DELIVERY_DEFAULTS = { attempts: 4, timeoutMs: 10_000, backoffMs: 1_000 } as const;

/**
 * POSTs a JSON body to a webhook, retrying network errors, timeouts, 429 and 5xx answers with
 * exponential backoff; other 4xx answers are not retried (the request itself is wrong). Every attempt
 * is handed to `onAttempt` as it ends (to be recorded). Never throws.
 * @example await deliverWebhook(hook, { text: "CPI up 40 %" }, { attempts: 3 }, (a) => log(a)) // { ok: true, attempts: 1 }
 */
export async function deliverWebhook(
  hook: WebhookConfig,
  body: unknown,
  options: DeliveryOptions = {},
  onAttempt: (a: Attempt) => void | Promise<void> = () => {},
): Promise<{ ok: boolean; attempts: number; lastError: string | null }> {
  const attempts = Math.max(1, options.attempts ?? DELIVERY_DEFAULTS.attempts);
  const timeoutMs = options.timeoutMs ?? DELIVERY_DEFAULTS.timeoutMs;
  const backoffMs = options.backoffMs ?? DELIVERY_DEFAULTS.backoffMs;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms).then(() => {}));
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const payload = JSON.stringify(body);
  let lastError: string | null = null;
  for (let n = 1; n <= attempts; n++) {
    if (n > 1) await sleep(backoffMs * 2 ** (n - 2));
    const started = now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number | null = null;
    let retry = true;
    try {
      const res = await doFetch(hook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "cpi-alerts" },
        body: payload,
        signal: controller.signal,
        redirect: "manual",
      });
      status = res.status;
      const text = await res.text().catch(() => "");
      if (res.ok) {
        clearTimeout(timer);
        await onAttempt({ attempt: n, ok: true, status, error: null, ms: now() - started });
        return { ok: true, attempts: n, lastError: null };
      }
      lastError = `HTTP ${res.status}${text ? `: ${oneLine(text)}` : ""}`;
      retry = res.status === 429 || res.status === 408 || res.status >= 500;
    } catch (e) {
      lastError = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describeNetworkError(e);
    } finally {
      clearTimeout(timer);
    }
    await onAttempt({ attempt: n, ok: false, status, error: lastError, ms: now() - started });
    if (!retry) return { ok: false, attempts: n, lastError };
  }
  return { ok: false, attempts, lastError };
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${oneLine(cause.message)})` : ""}`;
  return e instanceof Error ? oneLine(e.message) : String(e);
}
