// Delivery to one destination with retries: an HTTP POST (signed, idempotent) or an email through the
// Mailer the entry point hands in (app/ opens no SMTP connection itself).
import { setTimeout as sleepMs } from "node:timers/promises";
import type { WebhookConfig } from "./alert-rule.js";
import type { MailMessage } from "./destination-body.js";
import { signedHeaders } from "./sign.js";

/** Sends an email through an SMTP server; throws on failure (`responseCode` set when the server answered). */
export interface Mailer {
  send(destination: { url: string; from?: string; to: readonly string[] }, mail: MailMessage & { headers: Record<string, string> }): Promise<void>;
}

/** How a destination is tried: attempts, a timeout for each, exponential backoff between them. */
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
  /** The SMTP side, for email destinations. */
  mailer?: Mailer;
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

/** What goes out: a JSON body to POST, or an email; `key` is the notice's idempotency key. */
export type Payload = { kind: "http"; body: unknown; key: string } | { kind: "mail"; mail: MailMessage; key: string };

/** The result of trying one attempt. */
type Tried = { ok: true; status: number | null } | { ok: false; status: number | null; error: string; retry: boolean };

/**
 * Delivers a payload to a destination, retrying network errors, timeouts, 408, 429 and 5xx answers
 * (SMTP: 4xx) with exponential backoff; other refusals are not retried in this check. Every attempt
 * is handed to `onAttempt` as it ends (to be recorded). Never throws; errors never include the URL.
 * @example await deliverWebhook(hook, { kind: "http", body: { text: "CPI up 40 %" }, key }, { attempts: 3 }, (a) => log(a)) // { ok: true, attempts: 1 }
 */
export async function deliverWebhook(
  hook: WebhookConfig,
  payload: Payload,
  options: DeliveryOptions = {},
  onAttempt: (a: Attempt) => void | Promise<void> = () => {},
): Promise<{ ok: boolean; attempts: number; lastError: string | null }> {
  const attempts = Math.max(1, options.attempts ?? DELIVERY_DEFAULTS.attempts);
  const backoffMs = options.backoffMs ?? DELIVERY_DEFAULTS.backoffMs;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms).then(() => {}));
  const now = options.now ?? Date.now;
  let lastError: string | null = null;
  for (let n = 1; n <= attempts; n++) {
    if (n > 1) await sleep(backoffMs * 2 ** (n - 2));
    const started = now();
    const r = payload.kind === "mail" ? await tryMail(hook, payload, options) : await tryPost(hook, payload, options);
    lastError = r.ok ? null : redact(r.error, hook.url);
    await onAttempt({ attempt: n, ok: r.ok, status: r.status, error: lastError, ms: now() - started });
    if (r.ok) return { ok: true, attempts: n, lastError: null };
    if (!r.retry) return { ok: false, attempts: n, lastError };
  }
  return { ok: false, attempts, lastError };
}

async function tryPost(hook: WebhookConfig, payload: Extract<Payload, { kind: "http" }>, options: DeliveryOptions): Promise<Tried> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_DEFAULTS.timeoutMs;
  const doFetch = options.fetch ?? fetch;
  const body = JSON.stringify(payload.body);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await doFetch(hook.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "cpi-alerts", ...signedHeaders(hook.secret, body, payload.key, new Date()) },
      body,
      signal: controller.signal,
      redirect: "manual",
    });
    const text = await res.text().catch(() => "");
    if (res.ok) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${oneLine(text)}` : ""}`, retry: res.status === 429 || res.status === 408 || res.status >= 500 };
  } catch (e) {
    return { ok: false, status: null, error: controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describeNetworkError(e), retry: true };
  } finally {
    clearTimeout(timer);
  }
}

async function tryMail(hook: WebhookConfig, payload: Extract<Payload, { kind: "mail" }>, options: DeliveryOptions): Promise<Tried> {
  if (!options.mailer) return { ok: false, status: null, error: "email is not available here (no mailer): run the check with the cpi command or cpi serve", retry: false };
  try {
    await options.mailer.send({ url: hook.url, to: hook.to ?? [], ...(hook.from ? { from: hook.from } : {}) }, { ...payload.mail, headers: { "X-Cpi-Alert-Key": encodeURIComponent(payload.key) } });
    return { ok: true, status: null };
  } catch (e) {
    const code = (e as { responseCode?: unknown }).responseCode;
    const status = typeof code === "number" ? code : null;
    return { ok: false, status, error: `${status !== null ? `SMTP ${status}: ` : ""}${describeNetworkError(e)}`, retry: status === null || (status >= 400 && status < 500) };
  }
}

/** An error message without the destination's URL or the secret parts of it (a token in the path, a password). */
function redact(message: string, url: string): string {
  let out = message.split(url).join("(the destination)");
  try {
    const u = new URL(url);
    for (const secret of [u.password, decodeURIComponent(u.password), u.pathname.length > 1 ? u.pathname : "", u.search]) if (secret.length >= 4) out = out.split(secret).join("…");
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${oneLine(cause.message)})` : ""}`;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? oneLine(e.message) : String(e);
  return typeof code === "string" && !message.includes(code) ? `${code} (${message})` : message;
}
