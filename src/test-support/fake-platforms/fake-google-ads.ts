// A fake Google Ads API (REST) and OAuth token endpoint, as Google documents them (tests and
// benchmarks; not part of the build). POST /token (refresh-token grant); POST
// /{version}/customers/{id}/googleAds:search (pages of `pageSize` rows, nextPageToken) and
// :searchStream (a JSON array of batches). GAQL is parsed and checked: known fields of the resource,
// a date filter when segments.date is selected. Rows are camelCase JSON, int64 as strings, zero
// metrics left out and all-zero rows not returned. Errors carry Google's envelope with a GoogleAdsFailure.
import { randomBytes } from "node:crypto";
import type { FakeAccount, FakeDay, FakeDelivery } from "./delivery.js";
import { namesOf } from "./delivery.js";
import { type FakeOAuthState, refreshGrant } from "./fake-oauth.js";
import { type Answer, type FakeApi, type Fault, type RecordedRequest, startFakeServer } from "./fake-server.js";

export interface FakeGoogleAdsOptions {
  data: FakeDelivery;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** When set, a developer-token header must carry it (the header is optional since Google's sunset). */
  developerToken?: string;
  /** API versions served (default v26); others answer 404 as a retired version does. */
  versions?: string[];
  /** Rows per `search` page and per stream batch (Google: 10,000). */
  pageSize?: number;
  /** The retryDelay of a rate_limit fault (default "1s"). */
  retryDelay?: string;
  /** Serve a repeated request's answer as first serialized (benchmarks). */
  memo?: boolean;
}

export interface FakeGoogleAds extends FakeApi, FakeOAuthState {
  apiUrl: string;
  tokenUrl: string;
  /** The retryDelay a rate_limit fault states ("1s"; a daily quota says hours). */
  retryDelay: string;
}

const METRICS = new Set(["metrics.impressions", "metrics.clicks", "metrics.cost_micros", "metrics.conversions", "metrics.conversions_value"]);
const CUSTOMER = new Set(["customer.id", "customer.descriptive_name", "customer.currency_code", "customer.time_zone", "customer.manager", "customer.resource_name"]);
const CAMPAIGN = new Set(["campaign.id", "campaign.name", "campaign.status", "campaign.advertising_channel_type", "campaign.resource_name"]);
const AD_GROUP = new Set(["ad_group.id", "ad_group.name", "ad_group.status", "ad_group.resource_name"]);
const AD = new Set(["ad_group_ad.ad.id", "ad_group_ad.ad.name", "ad_group_ad.status", "ad_group_ad.resource_name"]);
/** What each resource of the fake may select (its own fields, attributed resources, segments, metrics). */
const SELECTABLE: Record<string, Set<string>> = {
  customer: CUSTOMER,
  campaign: new Set([...CUSTOMER, ...CAMPAIGN, "segments.date", ...METRICS]),
  ad_group_ad: new Set([...CUSTOMER, ...CAMPAIGN, ...AD_GROUP, ...AD, "segments.date", ...METRICS]),
};

interface Gaql {
  fields: string[];
  resource: string;
  from: string | null;
  to: string | null;
}

/** "ad_group_ad.ad.id" → ["adGroupAd", "ad", "id"] (REST JSON is lowerCamelCase). */
const camelPath = (field: string) => field.split(".").map((p) => p.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));

function googleError(version: string, status: number, statusName: string, message: string, errorCode?: Record<string, string>, details?: unknown): Answer {
  const failure = errorCode
    ? [{ "@type": `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors: [{ errorCode, message, ...(details ? { details } : {}) }], requestId: randomBytes(8).toString("hex") }]
    : [];
  return { status, json: { error: { code: status, message: errorCode ? "Request contains an invalid argument." : message, status: statusName, details: failure } } };
}

const queryError = (v: string, name: string, message: string) => googleError(v, 400, "INVALID_ARGUMENT", message, { queryError: name });

/** Parses the GAQL the fake understands: SELECT fields FROM resource [WHERE segments.date BETWEEN 'a' AND 'b']. */
function parseGaql(q: string, v: string): Gaql | Answer {
  const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?\s*$/is.exec(q);
  if (!m) return queryError(v, "UNEXPECTED_END_OF_QUERY", "Error in query: unexpected input.");
  const fields = (m[1] as string).split(",").map((f) => f.trim());
  const resource = m[2] as string;
  const allowed = SELECTABLE[resource];
  if (!allowed) return queryError(v, "INVALID_RESOURCE_NAME", `Error in query: invalid resource name '${resource}'.`);
  for (const f of fields) if (!allowed.has(f)) return queryError(v, "UNRECOGNIZED_FIELD", `Error in SELECT clause: unrecognized field '${f}'.`);
  if (new Set(fields).size !== fields.length) return queryError(v, "DUPLICATE_FIELD", "Error in SELECT clause: a field is selected twice.");
  let from: string | null = null;
  let to: string | null = null;
  if (m[3]) {
    const w = /^segments\.date\s+BETWEEN\s+'(\d{4}-\d{2}-\d{2})'\s+AND\s+'(\d{4}-\d{2}-\d{2})'$/i.exec((m[3] as string).trim());
    if (!w) return queryError(v, "UNEXPECTED_INPUT", `Error in WHERE clause: the fake emulates only segments.date BETWEEN, got '${m[3]}'.`);
    [from, to] = [w[1] as string, w[2] as string];
    if (from > to) return googleError(v, 400, "INVALID_ARGUMENT", "The start date is after the end date.", { dateRangeError: "AFTER_END_DATE" });
  }
  if (fields.includes("segments.date") && from === null) return queryError(v, "EXPECTED_FILTERS_ON_DATE_RANGE", "segments.date is selected without a finite date range in the WHERE clause.");
  if (fields.some((f) => f.startsWith("metrics.")) && resource === "customer") return queryError(v, "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE", "The fake does not emulate customer metrics.");
  return { fields, resource, from, to };
}

/** The GoogleAdsRows of a query over one account, as Google's JSON writes them. */
function rowsOf(a: FakeAccount, days: readonly FakeDay[], q: Gaql): unknown[] {
  const names = namesOf(a);
  const value = (field: string, d: FakeDay | null): unknown => {
    const c = d ? names.campaign.get(d.campaignId) : undefined;
    switch (field) {
      case "customer.id":
        return a.id;
      case "customer.descriptive_name":
        return a.name;
      case "customer.currency_code":
        return a.currency;
      case "customer.time_zone":
        return a.timezone;
      case "customer.manager":
        return false;
      case "campaign.id":
        return c?.id;
      case "campaign.name":
        return c?.name;
      case "campaign.advertising_channel_type":
        return c?.type;
      case "campaign.status":
      case "ad_group.status":
      case "ad_group_ad.status":
        return "ENABLED";
      case "ad_group.id":
        return d?.adGroupId;
      case "ad_group.name":
        return d ? names.adGroup.get(d.adGroupId)?.name : undefined;
      case "ad_group_ad.ad.id":
        return d?.adId;
      case "ad_group_ad.ad.name":
        return d ? names.ad.get(d.adId)?.name : undefined;
      case "segments.date":
        return d?.date;
      case "metrics.impressions":
        return d?.impressions ? String(d.impressions) : undefined;
      case "metrics.clicks":
        return d?.clicks ? String(d.clicks) : undefined;
      case "metrics.cost_micros":
        return d?.costMicros ? String(d.costMicros) : undefined;
      case "metrics.conversions":
        return d?.conversions ? d.conversions : undefined;
      case "metrics.conversions_value":
        return d?.valueMicros ? Number(d.valueMicros) / 1e6 : undefined;
      default:
        return undefined;
    }
  };
  const build = (d: FakeDay | null) => {
    const row: Record<string, Record<string, unknown>> = {};
    for (const f of q.fields) {
      const v = value(f, d);
      if (v === undefined) continue;
      const path = camelPath(f);
      let node: Record<string, unknown> = row;
      for (const p of path.slice(0, -1)) {
        node[p] ??= {};
        node = node[p] as Record<string, unknown>;
      }
      node[path[path.length - 1] as string] = v;
    }
    return row;
  };
  if (q.resource === "customer") return [build(null)];
  const inWindow = days.filter((d) => (q.from === null || d.date >= q.from) && (q.to === null || d.date <= q.to));
  if (q.resource === "ad_group_ad") return inWindow.filter((d) => d.adId !== "").map(build);
  // campaign: the campaign's day summed over its ads (Performance Max: its own campaign rows).
  const byKey = new Map<string, FakeDay>();
  for (const d of inWindow) {
    const k = `${d.campaignId}|${d.date}`;
    const s = byKey.get(k);
    if (!s) byKey.set(k, { ...d, adGroupId: "", adId: "" });
    else Object.assign(s, { costMicros: s.costMicros + d.costMicros, impressions: s.impressions + d.impressions, clicks: s.clicks + d.clicks, conversions: Math.round((s.conversions + d.conversions) * 100) / 100, valueMicros: s.valueMicros + d.valueMicros });
  }
  return [...byKey.values()].map(build);
}

/**
 * Starts the fake Google Ads API. Point a connection's api_url at `apiUrl` and token_url at `tokenUrl`.
 * @example const g = await startFakeGoogleAds({ data, clientId: "c", clientSecret: "s", refreshToken: "r" })
 */
export async function startFakeGoogleAds(o: FakeGoogleAdsOptions): Promise<FakeGoogleAds> {
  const versions = o.versions ?? ["v26"];
  const pageSize = o.pageSize ?? 10_000;
  const violations: string[] = [];
  let fake: FakeGoogleAds;
  const client = { ...o, tokenPrefix: "ya29.fake-", words: { invalidGrant: "Token has been expired or revoked.", invalidClient: "The OAuth client was not found." } };
  const token = (req: RecordedRequest): Answer => refreshGrant(req, client, fake, violations, { expires_in: 3599, scope: "https://www.googleapis.com/auth/adwords", token_type: "Bearer" });
  const report = (req: RecordedRequest, play: (account: string) => Fault | null): Answer => {
    const m = /^\/(v\d+)\/customers\/([^/]+)\/googleAds:(search|searchStream)$/.exec(req.path);
    const wrongShape = (why: string) => {
      violations.push(`${req.method} ${req.path}: ${why}`);
      return { status: 404, json: { error: { code: 404, message: "Method not found.", status: "NOT_FOUND" } } };
    };
    if (!m || req.method !== "POST") return wrongShape("no such method");
    const [, v, customer, method] = m as unknown as [string, string, string, string];
    if (!versions.includes(v)) return { status: 404, text: "<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p>The requested URL was not found on this server.</p></html>" };
    if (req.query.size > 0) violations.push(`${req.path}: query parameters ${req.query.toString()}`);
    const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""));
    if (!auth) return googleError(v, 401, "UNAUTHENTICATED", "Request is missing required authentication credential.", { authenticationError: "OAUTH_TOKEN_HEADER_INVALID" });
    const fault = play(customer);
    if (fault?.kind === "expire_token") fake.valid.clear();
    if (!fake.valid.has(auth[1] as string)) return googleError(v, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", { authenticationError: fault?.kind === "expire_token" ? "OAUTH_TOKEN_EXPIRED" : "OAUTH_TOKEN_INVALID" });
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) return wrongShape(`content-type ${req.headers["content-type"]}`);
    if (o.developerToken !== undefined && req.headers["developer-token"] !== undefined && req.headers["developer-token"] !== o.developerToken) {
      return googleError(v, 401, "UNAUTHENTICATED", "The developer token is not valid.", { authenticationError: "DEVELOPER_TOKEN_INVALID" });
    }
    const login = req.headers["login-customer-id"];
    if (login !== undefined && !/^\d{10}$/.test(String(login))) return googleError(v, 400, "INVALID_ARGUMENT", "Invalid login-customer-id header.", { headerError: "INVALID_LOGIN_CUSTOMER_ID" });
    const account = o.data.accounts.find((a) => a.id === customer);
    if (!/^\d{10}$/.test(customer)) return googleError(v, 400, "INVALID_ARGUMENT", "Invalid customer ID.", { requestError: "INVALID_CUSTOMER_ID" });
    if (!account) return googleError(v, 400, "INVALID_ARGUMENT", "No customer found for the provided customer id.", { authenticationError: "CUSTOMER_NOT_FOUND" });
    if (fault?.kind === "permission" || (account.managerId && login !== account.managerId)) {
      return googleError(v, 403, "PERMISSION_DENIED", "User doesn't have permission to access customer.", { authorizationError: "USER_PERMISSION_DENIED" });
    }
    if (fault?.kind === "rate_limit") {
      return googleError(v, 429, "RESOURCE_EXHAUSTED", "Too many requests.", { quotaError: "RESOURCE_EXHAUSTED" }, { quotaErrorDetails: { rateScope: "ACCOUNT", rateName: "Requests per account", retryDelay: fake.retryDelay } });
    }
    if (fault?.kind === "rate_limit_retry_after") return { ...googleError(v, 429, "RESOURCE_EXHAUSTED", "Too many requests."), headers: { "retry-after": "1" } };
    if (fault?.kind === "server_error") return googleError(v, 500, "INTERNAL", "Internal error encountered.");
    // A careless error message quoting the request's credentials (cpi must redact them).
    if (fault?.kind === "echo_secret") return googleError(v, 400, "INVALID_ARGUMENT", `Bad request with ${req.headers.authorization} and developer token ${req.headers["developer-token"]}.`, { requestError: "INVALID_INPUT" });
    let body: { query?: unknown; pageToken?: unknown; pageSize?: unknown };
    try {
      body = JSON.parse(req.body);
    } catch {
      return googleError(v, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const extra = Object.keys(body).filter((k) => !["query", "pageToken", "validateOnly", "summaryRowSetting", "returnTotalResultsCount", "searchSettings"].includes(k));
    if (body.pageSize !== undefined) return googleError(v, 400, "INVALID_ARGUMENT", "Page size is not supported.", { requestError: "PAGE_SIZE_NOT_SUPPORTED" });
    if (extra.length) return googleError(v, 400, "INVALID_ARGUMENT", `Invalid JSON payload received. Unknown name "${extra[0]}": Cannot find field.`);
    if (typeof body.query !== "string") return googleError(v, 400, "INVALID_ARGUMENT", "The query is required.", { queryError: "UNEXPECTED_END_OF_QUERY" });
    if (method === "searchStream" && body.pageToken !== undefined) return googleError(v, 400, "INVALID_ARGUMENT", "searchStream takes no page token.");
    const q = parseGaql(body.query, v);
    if ("status" in q) {
      violations.push(`${req.path}: refused query ${body.query}`);
      return q;
    }
    const rows = rowsOf(account, o.data.days.get(account.id) ?? [], q);
    const fieldMask = q.fields.map((f) => camelPath(f).join(".")).join(",");
    const requestId = randomBytes(8).toString("hex");
    if (method === "searchStream") {
      const batches = [];
      for (let i = 0; i === 0 || i < rows.length; i += pageSize) batches.push({ results: rows.slice(i, i + pageSize), fieldMask, requestId });
      const last = batches[batches.length - 1] as Record<string, unknown>;
      if ((last.results as unknown[]).length === 0) delete last.results;
      last.queryResourceConsumption = String(rows.length);
      return { status: 200, json: batches };
    }
    let offset = 0;
    if (body.pageToken !== undefined) {
      const t = /^p(\d+)q(\d+)$/.exec(String(body.pageToken));
      if (!t || Number(t[2]) !== hash(body.query)) return googleError(v, 400, "INVALID_ARGUMENT", "Page token is invalid.", { requestError: "INVALID_PAGE_TOKEN" });
      offset = Number(t[1]);
    }
    const page = rows.slice(offset, offset + pageSize);
    const next = offset + pageSize < rows.length ? `p${offset + pageSize}q${hash(body.query)}` : undefined;
    return { status: 200, json: { ...(page.length ? { results: page } : {}), fieldMask, requestId, ...(next ? { nextPageToken: next } : {}) } };
  };
  const api = await startFakeServer((req, play) => (req.path === "/token" ? token(req) : report(req, play)), violations, { memo: () => o.memo ?? false });
  fake = Object.assign(api, { apiUrl: api.url, tokenUrl: `${api.url}/token`, valid: new Set<string>(), refuseRefresh: false, issued: 0, retryDelay: o.retryDelay ?? "1s" });
  return fake;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
