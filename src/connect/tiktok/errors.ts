// TikTok API for Business errors: every answer is { code, message, request_id, data }, and a `code`
// other than 0 is an error even with HTTP 200. Codes as open-source connectors handle them (Airbyte's
// source-tiktok-marketing: 40100 rate limited, 40067 query too large, 40002 not accessible, 60001
// maintenance); the access-token codes (40104, 40105) are not confirmed by TikTok's pages, so any
// 401xx code but 40100 is taken as refused credentials (TikTok has no refresh for advertiser tokens). Reference: ../shared/reference/ad-platform-apis.md §5.4, §5.5.
import { ApiProblem, malformed, type ProblemKind } from "../problem.js";

/** "Query too large": the same request over fewer days may pass. */
export const QUERY_TOO_LARGE = 40067;
const RATE_LIMITED = 40100;

interface Envelope {
  code?: unknown;
  message?: unknown;
  request_id?: unknown;
}

/** Who the token belongs to, for messages: the connection and the command that saves a new token. */
export interface TokenOwner {
  connection: string;
  fix: string;
}

function kindOf(status: number, code: number | null, lookup: boolean): { kind: ProblemKind; words: (advertiser: string, version: string, o: TokenOwner) => string } {
  if (status === 404) return { kind: "version_retired", words: (_a, v) => `TikTok does not serve API version ${v} at this address (retired?): set a current one with --api-version, or check --api-url` };
  if (code === RATE_LIMITED || status === 429) return { kind: "rate_limited", words: () => "TikTok is throttling the requests" };
  if (code === QUERY_TOO_LARGE) return { kind: "bad_request", words: () => "TikTok found the query too large" };
  if ((code !== null && code > 40100 && code < 40200) || status === 401) {
    return {
      kind: "auth_refused",
      words: (_a, _v, o) => `TikTok refused the access token of connection '${o.connection}' (invalid, expired or revoked): authorize cpi again for the advertisers and save the new token with '${o.fix}'`,
    };
  }
  if (code === 40001 || status === 403) return { kind: "permission", words: (a) => `the access token may not read advertiser ${a}: authorize cpi for this advertiser (its Business Center must grant the app access)` };
  if (code === 40002 && lookup) return { kind: "unknown_account", words: (a) => `TikTok knows no advertiser ${a} this token can read: check the id (Ads Manager's account menu) and that the advertiser authorized cpi` };
  if (status >= 500 || (code !== null && code >= 50000)) return { kind: "transient", words: () => "TikTok had a temporary error" };
  return { kind: "bad_request", words: () => "TikTok refused the request" };
}

/**
 * The problem a TikTok answer describes (HTTP status and envelope), or null when `code` is 0.
 * `lookup` is true for the advertiser lookup, where "not accessible" means an unknown advertiser.
 * @example tiktokProblem(200, { code: 40100, message: "Too many requests" }, "7000", "v1.3", "the report of advertiser 7000", owner, false)?.kind // "rate_limited"
 */
export function tiktokProblem(status: number, body: unknown, advertiser: string, version: string, what: string, owner: TokenOwner, lookup: boolean): ApiProblem | null {
  const e = (body && typeof body === "object" ? body : {}) as Envelope;
  const code = typeof e.code === "number" ? e.code : typeof e.code === "string" && /^\d+$/.test(e.code) ? Number(e.code) : null;
  if (status === 200 && code === 0) return null;
  if (status === 200 && code === null) return malformed(what, "an answer without its code");
  const message = typeof e.message === "string" ? e.message.slice(0, 200) : "";
  const { kind, words } = kindOf(status, code, lookup);
  const tag = code !== null ? `code ${code}` : `HTTP ${status}`;
  const request = typeof e.request_id === "string" ? `; request_id ${e.request_id}` : "";
  return new ApiProblem(kind, `${what}: ${words(advertiser, version, owner)} (TikTok: ${tag}${message ? `, "${message}"` : ""}${request})`, { status, code: tag });
}
