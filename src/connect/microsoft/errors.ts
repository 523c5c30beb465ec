// Microsoft Advertising API errors (REST): { "ApplicationFault": { "Type": "ApiFaultDetail" |
// "AdApiFaultDetail", "TrackingId", "OperationErrors" | "Errors": [{ "Code", "ErrorCode", "Message",
// "Details" }], "BatchErrors": [...] } }, turned into plain words and a ProblemKind. Codes from the
// operation error codes guide and "Handling Service Errors and Exceptions"
// (../shared/reference/ad-platform-apis.md §3.5).
import { ApiProblem, type ProblemKind } from "../problem.js";

interface MsError {
  Code?: number | string;
  ErrorCode?: string;
  Message?: string;
  Details?: string | null;
}

interface MsFault {
  Type?: string;
  TrackingId?: string;
  OperationErrors?: MsError[];
  Errors?: MsError[];
  BatchErrors?: MsError[];
}

/** What a code means for cpi, in plain words. `account` names the ad account. */
function explain(code: number, account: string): { kind: ProblemKind; words: string; retryAfterMs?: number } | null {
  switch (code) {
    case 109:
      return { kind: "auth_expired", words: "the access token expired" };
    case 105:
      // Wrong access token, or a developer token of another environment (sandbox vs production):
      // refreshed once; refused again, the credentials themselves are wrong.
      return { kind: "auth_expired", words: "the access token or the developer token was not accepted (a sandbox token against production, or the reverse?)" };
    case 108:
    case 120:
    case 122:
      return { kind: "auth_refused", words: "the user who authorized cpi may not sign in to Microsoft Advertising this way: authorize again with the user's work account" };
    case 106:
      return { kind: "permission", words: `the user who authorized cpi may not read account ${account}: check the account id (Accounts summary → Account ID, not the account number) and that the user has access to it; through a manager account, set its id with --customer-id` };
    case 1102:
    case 1030:
      return { kind: "unknown_account", words: `Microsoft Advertising knows no account ${account}: check the id (Accounts summary → Account ID, not the account number)` };
    case 117:
      return { kind: "rate_limited", words: "Microsoft Advertising is throttling the calls (CallRateExceeded)", retryAfterMs: 60_000 };
    case 207:
      return { kind: "rate_limited", words: "too many reports are running at once for this user (ConcurrentRequestOverLimit)" };
    case 0:
      return { kind: "transient", words: "Microsoft Advertising had an internal error" };
    case 100:
    case 116:
      return { kind: "bad_request", words: "the request lacks what Microsoft Advertising requires (a bug in cpi, or a proxy that drops headers)" };
    default:
      return null;
  }
}

/**
 * The problem a Microsoft Advertising answer describes (HTTP status and JSON body), or null for a
 * success. `account` and `version` name the ad account and API version in messages; `headers`, when
 * given, may hold a Retry-After that replaces the documented wait.
 * @example microsoftProblem(401, { ApplicationFault: { Errors: [{ Code: 109 }] } }, "180535609", "v13", "account 180535609")?.kind // "auth_expired"
 */
export function microsoftProblem(status: number, body: unknown, account: string, version: string, what: string, headers?: Headers): ApiProblem | null {
  const fault = (body as { ApplicationFault?: MsFault } | null)?.ApplicationFault;
  if (status >= 200 && status < 300 && !fault) return null;
  const errors = [...(fault?.OperationErrors ?? []), ...(fault?.Errors ?? []), ...(fault?.BatchErrors ?? [])];
  const first = errors[0];
  const code = first?.Code !== undefined && /^\d+$/.test(String(first.Code)) ? Number(first.Code) : null;
  const name = first?.ErrorCode ? ` ${first.ErrorCode}` : "";
  const said = first?.Message ?? "";
  const tracking = fault?.TrackingId ? `; TrackingId ${fault.TrackingId}` : "";
  const tail = `(Microsoft Advertising: ${code !== null ? `code ${code}${name}` : `HTTP ${status}`}${said ? `, "${said}"` : ""}${tracking})`;
  const known = code !== null ? explain(code, account) : null;
  const opts = { status, ...(code !== null ? { code: String(code) } : {}) };
  // A Retry-After header, when the answer has one, says better than the documented minute (117).
  const wait = headers?.has("retry-after") ? undefined : known?.retryAfterMs;
  if (known) return new ApiProblem(known.kind, `${what}: ${known.words} ${tail}`, { ...opts, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
  if (status === 401) return new ApiProblem("auth_expired", `${what}: the access token was not accepted ${tail}`, opts);
  if (status === 403) return new ApiProblem("permission", `${what}: permission denied ${tail}`, opts);
  if (status === 404 || status === 410) {
    return new ApiProblem("version_retired", `${what}: Microsoft Advertising does not serve API version ${version} at this address (retired?): set a current one with --api-version, or check --api-url ${tail}`, opts);
  }
  if (status === 429) return new ApiProblem("rate_limited", `${what}: Microsoft Advertising is throttling the calls ${tail}`, opts);
  if (status >= 500 || status === 408) return new ApiProblem("transient", `${what}: Microsoft Advertising had a server error ${tail}`, opts);
  return new ApiProblem("bad_request", `${what}: Microsoft Advertising refused the request ${tail}`, opts);
}
