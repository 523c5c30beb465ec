// LinkedIn Marketing API errors: { status, serviceErrorCode, code, message } (401 65600/65601 for an
// invalid or revoked access token, 403 ACCESS_DENIED, 426 for a sunset version, 429 for the daily
// limits), turned into plain words and a ProblemKind. Sources: LinkedIn's versioning, rate-limit and
// reporting pages (../shared/reference/ad-platform-apis.md §4.4, §4.5).
import { ApiProblem, type ProblemKind } from "../problem.js";

interface LinkedInError {
  status?: number;
  serviceErrorCode?: number;
  code?: string;
  message?: string;
}

function kindOf(status: number, e: LinkedInError): { kind: ProblemKind; words: (account: string, version: string) => string } {
  const code = e.code ?? "";
  if (status === 426 || /VERSION/.test(code)) {
    return { kind: "version_retired", words: (_a, v) => `LinkedIn does not serve Marketing API version ${v} (sunset, or not yet released): set a current one (YYYYMM) with --api-version` };
  }
  // 401: the access token is invalid, expired or revoked; a fresh one is fetched once with the refresh token.
  if (status === 401) return { kind: "auth_expired", words: () => "the access token was not accepted" };
  if (status === 403) {
    return { kind: "permission", words: (a) => `the authorized member may not read ad account ${a}: give them a role on the account (Viewer or above) and authorize cpi with the scopes r_ads and r_ads_reporting` };
  }
  if (status === 404) return { kind: "unknown_account", words: (a) => `LinkedIn knows no ad account ${a}: check the id (Campaign Manager's account list)` };
  if (status === 429) return { kind: "rate_limited", words: () => "LinkedIn is throttling the requests (its limits are per day and reset at midnight UTC)" };
  if (status >= 500 || status === 408) return { kind: "transient", words: () => "LinkedIn had a server error" };
  return { kind: "bad_request", words: () => "LinkedIn refused the request" };
}

/**
 * The problem a LinkedIn answer describes, or null for a success. `account` (digits) and `version`
 * name the ad account and API version in messages.
 * @example linkedinProblem(426, { status: 426, code: "NONEXISTENT_VERSION" }, "123", "202301", "ad account 123")?.kind // "version_retired"
 */
export function linkedinProblem(status: number, body: unknown, account: string, version: string, what: string): ApiProblem | null {
  if (status >= 200 && status < 300) return null;
  const e = (body && typeof body === "object" ? body : {}) as LinkedInError;
  const { kind, words } = kindOf(status, e);
  const code = [e.code, e.serviceErrorCode].filter((x) => x !== undefined && x !== "").join("/");
  const said = typeof e.message === "string" && e.message ? `, "${e.message.slice(0, 200)}"` : "";
  return new ApiProblem(kind, `${what}: ${words(account, version)} (LinkedIn: HTTP ${status}${code ? ` ${code}` : ""}${said})`, { status, code: code || `HTTP ${status}` });
}
