// Google Ads API errors (REST): the Google error envelope { error: { code, message, status, details } }
// whose details hold a GoogleAdsFailure { errors: [{ errorCode: { <kind>Error: NAME }, message,
// details: { quotaErrorDetails: { retryDelay } } }], requestId }, turned into plain words and a
// ProblemKind. Sources: GoogleAdsFailure, AuthenticationError, AuthorizationError and QuotaError
// reference pages; common-errors guide (see ../shared/reference/ad-platform-apis.md §1.5).
import { ApiProblem, type ProblemKind } from "../problem.js";

interface GoogleAdsError {
  errorCode?: Record<string, string>;
  message?: string;
  details?: { quotaErrorDetails?: { rateName?: string; retryDelay?: string } };
}

interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { "@type"?: string; errors?: GoogleAdsError[]; requestId?: string }[];
  };
}

/** "40591s" or "1.5s" → milliseconds. */
function durationMs(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(text ?? "");
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/** What one Google Ads error code means, in plain words, and what to do. */
function explain(kind: string, name: string, customer: string): { kind: ProblemKind; words: string } | null {
  switch (`${kind}.${name}`) {
    case "authenticationError.OAUTH_TOKEN_EXPIRED":
    case "authenticationError.OAUTH_TOKEN_INVALID":
    case "authenticationError.OAUTH_TOKEN_HEADER_INVALID":
      return { kind: "auth_expired", words: "the access token was not accepted" };
    case "authenticationError.OAUTH_TOKEN_REVOKED":
    case "authenticationError.OAUTH_TOKEN_DISABLED":
      return { kind: "auth_refused", words: "the authorization was revoked: authorize cpi again" };
    case "authenticationError.NOT_ADS_USER":
      return { kind: "auth_refused", words: "the Google account that authorized cpi has no Google Ads access: authorize with a user of the account" };
    case "authenticationError.CUSTOMER_NOT_FOUND":
    case "authenticationError.CLIENT_CUSTOMER_ID_INVALID":
      return { kind: "unknown_account", words: `Google Ads knows no customer ${customer}: check the id (Customer ID at the top of the Google Ads UI)` };
    case "authorizationError.USER_PERMISSION_DENIED":
      return { kind: "permission", words: `the authorized Google account may not read customer ${customer}; when it reaches the account through a manager (MCC) account, set that manager's id with --login-customer-id` };
    case "authorizationError.CUSTOMER_NOT_ENABLED":
      return { kind: "permission", words: `customer ${customer} is not enabled (cancelled, or never fully set up)` };
    case "authorizationError.DEVELOPER_TOKEN_NOT_APPROVED":
    case "authorizationError.CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION":
      return { kind: "permission", words: "the Google Cloud project behind the OAuth client has only test access: apply for Basic access to read production accounts" };
    case "authorizationError.ACTION_NOT_PERMITTED":
    case "authorizationError.DEVELOPER_TOKEN_PROHIBITED":
      return { kind: "permission", words: "the credentials may not read reports of this account" };
    case "quotaError.RESOURCE_EXHAUSTED":
    case "quotaError.RESOURCE_TEMPORARILY_EXHAUSTED":
    case "quotaError.EXCESSIVE_SHORT_TERM_QUERY_RESOURCE_CONSUMPTION":
      return { kind: "rate_limited", words: "Google Ads is throttling the requests" };
    case "quotaError.EXCESSIVE_LONG_TERM_QUERY_RESOURCE_CONSUMPTION":
      return { kind: "quota_exhausted", words: "the queries used up the long-term query resources: sync less often" };
    default:
      return null;
  }
}

/**
 * The problem a Google Ads error answer describes (HTTP status and body), in plain words, or null for
 * a success status. `customer` and `version` name the account and API version in messages.
 * @example googleAdsProblem(401, body, "1234567890", "v26", "the report of customer 1234567890")?.kind // "auth_expired"
 */
export function googleAdsProblem(status: number, body: unknown, customer: string, version: string, what: string): ApiProblem | null {
  const envelope = (Array.isArray(body) ? body.find((b) => b && typeof b === "object" && "error" in b) : body) as GoogleErrorBody | undefined;
  const e = envelope?.error;
  if (status === 200 && !e) return null;
  const failure = e?.details?.find((d) => Array.isArray(d.errors));
  const first = failure?.errors?.[0];
  const [codeKind, codeName] = Object.entries(first?.errorCode ?? {})[0] ?? ["", ""];
  const code = codeName ? `${codeKind}.${codeName}` : (e?.status ?? `HTTP ${status}`);
  const request = failure?.requestId ? `; request id ${failure.requestId}` : "";
  const said = first?.message ?? e?.message ?? "";
  const known = codeName ? explain(codeKind, codeName, customer) : null;
  const retryAfterMs = durationMs(first?.details?.quotaErrorDetails?.retryDelay);
  const opts = { status, code, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (known) return new ApiProblem(known.kind, `${what}: ${known.words} (Google Ads: ${code}${said ? `, "${said}"` : ""}${request})`, opts);
  const tail = `(Google Ads: ${code}${said ? `, "${said}"` : ""}${request})`;
  if (status === 401 || e?.status === "UNAUTHENTICATED") return new ApiProblem("auth_expired", `${what}: the access token was not accepted ${tail}`, opts);
  if (status === 403 || e?.status === "PERMISSION_DENIED") return new ApiProblem("permission", `${what}: permission denied ${tail}`, opts);
  if (status === 404 || status === 501 || e?.status === "UNIMPLEMENTED") {
    return new ApiProblem("version_retired", `${what}: Google Ads does not serve API version ${version} at this address (retired?): set a current one with --api-version, or check --api-url ${tail}`, opts);
  }
  if (status === 429 || e?.status === "RESOURCE_EXHAUSTED") return new ApiProblem("rate_limited", `${what}: Google Ads is throttling the requests ${tail}`, opts);
  if (status >= 500 || status === 408 || e?.status === "UNAVAILABLE" || e?.status === "INTERNAL" || e?.status === "DEADLINE_EXCEEDED") {
    return new ApiProblem("transient", `${what}: Google Ads had a server error ${tail}`, opts);
  }
  return new ApiProblem("bad_request", `${what}: Google Ads refused the request ${tail}`, opts);
}
