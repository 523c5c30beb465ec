// What can go wrong when cpi talks to an ad platform, sorted by what to do about it. Connectors turn
// each platform's error bodies into one of these kinds; the HTTP client retries the transient ones,
// refreshes the access token once on `auth_expired`, and the sync decides from the kind whether one
// account failed or the whole connection must stop.

/** Why a call to a platform failed, by what cpi (or the user) should do next. */
export type ProblemKind =
  /** The access token expired: refresh it once, then retry. */
  | "auth_expired"
  /** The credentials themselves were refused (refresh token expired or revoked, token invalid): re-authorize. */
  | "auth_refused"
  /** The credentials work but may not read this account or report. */
  | "permission"
  /** The platform knows no such account (or hides it). */
  | "unknown_account"
  /** The API version cpi calls is no longer served. */
  | "version_retired"
  /** The platform refused the request as malformed: a setting is wrong (or a bug in cpi). */
  | "bad_request"
  /** Short-term throttling: retried after the delay the platform asks for. */
  | "rate_limited"
  /** A daily (or longer) quota is used up: not retried in this sync. */
  | "quota_exhausted"
  /** Server errors, network failures, timeouts, bodies that do not parse: retried with backoff. */
  | "transient"
  /** An asynchronous report the platform ran failed. */
  | "job_failed"
  /** The sync's overall deadline passed. */
  | "deadline";

/** Kinds after which no other account of the same connection can succeed in this sync. */
const CONNECTION_WIDE: ReadonlySet<ProblemKind> = new Set(["auth_refused", "version_retired", "quota_exhausted", "deadline"]);
/** Kinds the HTTP client retries (with backoff, or after the delay the platform asks for). */
const RETRYABLE: ReadonlySet<ProblemKind> = new Set(["rate_limited", "transient"]);

/**
 * A failed platform call, in plain words: `message` says what happened and what to do, and never
 * holds a secret (the client redacts every credential value from it).
 */
export class ApiProblem extends Error {
  readonly kind: ProblemKind;
  /** How long the platform asked to wait before trying again, when it said. */
  readonly retryAfterMs: number | undefined;
  /** HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** The platform's own error code (e.g. OAUTH_TOKEN_EXPIRED, 190/463), for support. */
  readonly code: string | undefined;

  constructor(kind: ProblemKind, message: string, opts: { retryAfterMs?: number; status?: number; code?: string } = {}) {
    super(message);
    this.name = "ApiProblem";
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
    this.code = opts.code;
  }

  /** The same problem with another message (redacted, or with more context). */
  withMessage(message: string): ApiProblem {
    return new ApiProblem(this.kind, message, { ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}), ...(this.status !== undefined ? { status: this.status } : {}), ...(this.code !== undefined ? { code: this.code } : {}) });
  }
}

/** True for problems no other account of the connection can escape (credentials, version, quota, deadline). */
export function isConnectionWide(kind: ProblemKind): boolean {
  return CONNECTION_WIDE.has(kind);
}

/** True for problems worth another try after a wait. */
export function isRetryable(kind: ProblemKind): boolean {
  return RETRYABLE.has(kind);
}

/**
 * Replaces every secret value in a text with "[redacted]" (a platform may echo a token in its error).
 * Secrets shorter than 6 characters are left alone (they would match ordinary words).
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join("[redacted]");
  return out;
}

/** A duration in plain words: 1.5 s, 40 s, 3 min, 11 h 16 min. */
export function plainDuration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms - h * 3_600_000) / 60_000);
  return m ? `${h} h ${m} min` : `${h} h`;
}

// biome-ignore lint/suspicious/noExplicitAny: a platform's JSON, read field by field and checked by the connector
export type Json = any;

/**
 * An answer that is not what the API documents (a field missing, a number that is not one): a
 * transient problem, retried like a cut-off body.
 * @example throw malformed("the report of customer 123", "a row without campaign.id")
 */
export function malformed(what: string, detail: string): ApiProblem {
  return new ApiProblem("transient", `${what}: the answer is not what the API documents (${detail})`);
}
