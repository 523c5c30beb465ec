// OAuth 2.0's refresh-token grant (RFC 6749 §6), as Google, Microsoft and LinkedIn run it: a
// long-lived refresh token buys short-lived access tokens at the platform's token endpoint. The
// access token lives in memory only; it is fetched on the first call and again, once, when the
// platform says it expired.
import type { ApiClient, ApiRequest, AuthSource } from "./http-client.js";
import { jsonBody } from "./http-client.js";
import { ApiProblem } from "./problem.js";

export interface RefreshTokenGrant {
  tokenUrl: string;
  clientId: string;
  /** Absent for public clients (Microsoft's desktop apps). */
  clientSecret?: string;
  refreshToken: string;
  /** Space-separated scopes, when the platform wants them on refresh (Microsoft). */
  scope?: string;
}

/** Who the credentials belong to, for messages: "Google Ads", connection "acme", and the command that saves new ones. */
export interface CredentialOwner {
  platformLabel: string;
  connection: string;
  /** What to run with new credentials, e.g. "cpi connect add google-ads --name acme --replace …". */
  fix: string;
}

/** Applies an access token to a request; default `Authorization: Bearer`. */
export type ApplyToken = (req: ApiRequest, token: string) => ApiRequest;

const bearer: ApplyToken = (req, token) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } });

/**
 * An AuthSource that refreshes access tokens with a refresh token. `onRotated` is called when the
 * platform hands back a new refresh token (Microsoft does; the old one may stop working).
 */
export class RefreshTokenAuth implements AuthSource {
  private access: string | null = null;

  constructor(
    private readonly http: ApiClient,
    private readonly grant: RefreshTokenGrant,
    private readonly owner: CredentialOwner,
    private readonly apply: ApplyToken = bearer,
    private readonly onRotated?: (refreshToken: string) => void,
  ) {
    http.addSecrets(grant.refreshToken, grant.clientSecret ?? "");
  }

  async authorize(req: ApiRequest): Promise<ApiRequest> {
    if (this.access === null) await this.refresh();
    return this.apply(req, this.access as string);
  }

  async refresh(): Promise<void> {
    this.access = null;
    const form = new URLSearchParams({ grant_type: "refresh_token", client_id: this.grant.clientId, refresh_token: this.grant.refreshToken });
    if (this.grant.clientSecret) form.set("client_secret", this.grant.clientSecret);
    if (this.grant.scope) form.set("scope", this.grant.scope);
    const what = `the access token for connection '${this.owner.connection}'`;
    const got = await this.http.send(
      { method: "POST", url: this.grant.tokenUrl, headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString(), what },
      (res) => this.readToken(res.status, jsonBody(res, what), what),
    );
    this.http.addSecrets(got.access);
    this.access = got.access;
    if (got.refresh && got.refresh !== this.grant.refreshToken) {
      this.http.addSecrets(got.refresh);
      this.grant.refreshToken = got.refresh;
      this.onRotated?.(got.refresh);
    }
  }

  private readToken(status: number, body: unknown, what: string): { access: string; refresh: string | null } {
    const b = (body ?? {}) as { access_token?: unknown; refresh_token?: unknown; error?: unknown; error_description?: unknown };
    if (status === 200 && typeof b.access_token === "string" && b.access_token !== "") {
      return { access: b.access_token, refresh: typeof b.refresh_token === "string" && b.refresh_token !== "" ? b.refresh_token : null };
    }
    if (status >= 500 || status === 429) throw new ApiProblem(status === 429 ? "rate_limited" : "transient", `${what}: the token endpoint answered HTTP ${status}`, { status });
    const error = typeof b.error === "string" ? b.error : `HTTP ${status}`;
    const description = typeof b.error_description === "string" ? `: ${b.error_description}` : "";
    const { platformLabel, connection, fix } = this.owner;
    if (status === 200) throw new ApiProblem("transient", `${what}: the token endpoint answered without an access token`, { status });
    const why =
      error === "invalid_grant"
        ? "the refresh token has expired or was revoked"
        : error === "invalid_client" || error === "unauthorized_client"
          ? "the client id or client secret is wrong, or the app may not use this grant"
          : "the credentials were refused";
    throw new ApiProblem("auth_refused", `${platformLabel} refused the credentials of connection '${connection}' (${error}${description}): ${why}; authorize cpi again and save the new credentials with '${fix}'`, { status, code: error });
  }
}
