// The OAuth 2.0 refresh-token grant (RFC 6749 §6) as a fake platform's token endpoint plays it
// (tests; not part of the build): a form POST with the client's id and secret and the refresh token,
// answered with a fresh access token, or the RFC's error body.
import { randomBytes } from "node:crypto";
import { type Answer, formOf, type RecordedRequest } from "./fake-server.js";

export interface FakeOAuthClient {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Prefix of the access tokens issued (a platform's own look). */
  tokenPrefix: string;
  /** The platform's words for a refused refresh token and a refused client (its error_description). */
  words?: { invalidGrant?: string; invalidClient?: string };
}

/** The access tokens a fake issued and whether it refuses refreshes now (a revoked refresh token). */
export interface FakeOAuthState {
  /** Access tokens that work (an expire_token fault clears them). */
  valid: Set<string>;
  /** Access tokens issued so far. */
  issued: number;
  /** Answer invalid_grant to every refresh from now on (the refresh token was revoked). */
  refuseRefresh: boolean;
}

/**
 * Answers one token request. `extra` adds fields to a success (LinkedIn returns the refresh token's lifetime).
 * @example refreshGrant(req, client, state, violations, { refresh_token_expires_in: 31536000 })
 */
export function refreshGrant(req: RecordedRequest, c: FakeOAuthClient, state: FakeOAuthState, violations: string[], extra: Record<string, unknown> = {}): Answer {
  const f = formOf(req);
  if (req.method !== "POST" || !String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    violations.push(`token: ${req.method} with content-type ${req.headers["content-type"]}`);
    return { status: 400, json: { error: "invalid_request", error_description: "A required parameter \"grant_type\" is missing" } };
  }
  if (f.get("grant_type") !== "refresh_token") return { status: 400, json: { error: "unsupported_grant_type", error_description: "Invalid grant_type" } };
  if (f.get("client_id") !== c.clientId || f.get("client_secret") !== c.clientSecret) return { status: 401, json: { error: "invalid_client", error_description: c.words?.invalidClient ?? "Client authentication failed" } };
  if (state.refuseRefresh || f.get("refresh_token") !== c.refreshToken) {
    return { status: 400, json: { error: "invalid_grant", error_description: c.words?.invalidGrant ?? "The provided authorization grant or refresh token is invalid, expired or revoked" } };
  }
  const access = `${c.tokenPrefix}${randomBytes(12).toString("hex")}`;
  state.valid.add(access);
  state.issued++;
  return { status: 200, json: { access_token: access, expires_in: 5_184_000, ...extra } };
}
