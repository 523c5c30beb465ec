// Graph API errors: { error: { message, type, code, error_subcode, error_user_msg, fbtrace_id,
// is_transient } }, turned into plain words and a ProblemKind. Codes from Meta's Graph API error
// handling guide, the Marketing API rate-limiting page and the Insights error codes
// (../shared/reference/ad-platform-apis.md §2.5).
import { ApiProblem, type ProblemKind } from "../problem.js";

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_msg?: string;
  fbtrace_id?: string;
  is_transient?: boolean;
}

/** Codes of Meta's throttling: app, user, ad account, and Business Use Case limits. */
const THROTTLING = new Set([4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014]);
/** Subcodes that mean "ask for less data" (a smaller range, or an asynchronous report). */
export const TOO_MUCH_DATA = new Set([1487534, 1504018, 1504038]);

function kindOf(e: GraphError, status: number): { kind: ProblemKind; words: (account: string, version: string) => string } {
  const code = e.code ?? 0;
  const sub = e.error_subcode ?? 0;
  if (code === 190 || code === 102) {
    const why = sub === 463 ? "has expired" : sub === 460 ? "was invalidated (the user changed their password)" : sub === 458 ? "belongs to a user who removed the app" : "is no longer valid";
    return { kind: "auth_refused", words: () => `the access token ${why}: create a new system-user token (Business settings → System users → Generate new token, with ads_read)` };
  }
  if (code === 2635 || code === 12) return { kind: "version_retired", words: (_a, v) => `Marketing API version ${v} is no longer served: set a current one with --api-version` };
  if (code === 100 && sub === 33) return { kind: "unknown_account", words: (a) => `Meta knows no ad account act_${a} this token can see: check the id (Ads Manager's account menu) and that the system user was given the account` };
  if (code === 803) return { kind: "unknown_account", words: (a) => `Meta knows no ad account act_${a}` };
  if (code === 10 || (code >= 200 && code <= 299)) return { kind: "permission", words: (a) => `the token may not read ad account act_${a}: assign the account to the system user and grant ads_read` };
  if (THROTTLING.has(code)) return { kind: "rate_limited", words: () => "Meta is throttling the requests" };
  if (code === 1 || code === 2 || e.is_transient === true || status >= 500) {
    if (TOO_MUCH_DATA.has(sub)) return { kind: "bad_request", words: () => "Meta could not compute so much data in one request" };
    return { kind: "transient", words: () => "Meta had a temporary error" };
  }
  if (code === 100 && TOO_MUCH_DATA.has(sub)) return { kind: "bad_request", words: () => "Meta could not compute so much data in one request" };
  return { kind: "bad_request", words: () => "Meta refused the request" };
}

/**
 * The problem a Graph API answer describes, or null for a success. `account` (digits) and `version`
 * name the ad account and API version in messages.
 * @example metaProblem(400, { error: { code: 190, error_subcode: 463 } }, "123", "v27.0", "the insights of act_123")?.kind // "auth_refused"
 */
export function metaProblem(status: number, body: unknown, account: string, version: string, what: string): ApiProblem | null {
  const e = (body as { error?: GraphError } | null)?.error;
  if (status === 200 && !e) return null;
  const err: GraphError = e ?? {};
  const { kind, words } = kindOf(err, status);
  const code = err.code !== undefined ? `${err.code}${err.error_subcode ? `/${err.error_subcode}` : ""}` : `HTTP ${status}`;
  const said = err.error_user_msg || err.message || "";
  const trace = err.fbtrace_id ? `; fbtrace_id ${err.fbtrace_id}` : "";
  return new ApiProblem(kind, `${what}: ${words(account, version)} (Meta: code ${code}${said ? `, "${said}"` : ""}${trace})`, { status, code });
}
