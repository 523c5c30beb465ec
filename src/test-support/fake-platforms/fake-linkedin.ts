// A fake LinkedIn Marketing API (versioned REST, Rest.li 2.0) and OAuth token endpoint, as LinkedIn
// documents them (tests; not part of the build): POST /oauth/v2/accessToken (refresh-token grant);
// GET /rest/adAccounts/{id}; GET /rest/adAccounts/{id}/adCampaigns?q=search and
// /rest/adAccounts/{id}/creatives?q=criteria (cursor pages: pageSize, pageToken,
// metadata.nextPageToken); GET /rest/adAccounts/{id}/creatives/{urn}; GET /rest/adAnalytics?q=analytics
// (pivot CREATIVE, DAILY, no paging, at most 15,000 elements). Every call must carry a valid bearer token, a served
// LinkedIn-Version and X-Restli-Protocol-Version 2.0.0; Rest.li 2.0 values are checked on the raw
// query (parentheses, colons and commas unescaped, URNs in List() encoded). Money is a decimal
// string in the account's currency; errors carry { status, serviceErrorCode, code, message }.
import type { FakeAccount, FakeDay, FakeDelivery } from "./delivery.js";
import { microsText, namesOf } from "./delivery.js";
import { type FakeOAuthState, refreshGrant } from "./fake-oauth.js";
import { type Answer, type FakeApi, type Fault, type RecordedRequest, startFakeServer } from "./fake-server.js";

export interface FakeLinkedInOptions {
  data: FakeDelivery;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** LinkedIn-Version values served (default 202607); others answer 426. */
  versions?: string[];
  /** Elements per page of the campaign and creative finders (LinkedIn: up to 1000 and 100). */
  pageSize?: number;
  /** Most elements in one adAnalytics answer: LinkedIn drops the rest without saying so (default 15,000). */
  maxElements?: number;
}

export interface FakeLinkedIn extends FakeApi, FakeOAuthState {
  apiUrl: string;
  tokenUrl: string;
  /** Creatives left out of the creatives finder (deleted since), still readable by id and in analytics. */
  hiddenCreatives: Set<string>;
}

const ANALYTICS_FIELDS = new Set([
  "dateRange", "pivotValues", "impressions", "clicks", "costInLocalCurrency", "costInUsd", "externalWebsiteConversions", "externalWebsitePostClickConversions",
  "externalWebsitePostViewConversions", "conversionValueInLocalCurrency", "approximateMemberReach", "landingPageClicks", "oneClickLeads",
]);
const ANALYTICS_PARAMS = new Set(["q", "pivot", "timeGranularity", "dateRange", "accounts", "campaigns", "creatives", "fields", "campaignType"]);
const STATUSES = new Set(["ACTIVE", "PAUSED", "ARCHIVED", "COMPLETED", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED"]);

const liError = (status: number, code: string, message: string, serviceErrorCode?: number): Answer => ({ status, json: { status, ...(serviceErrorCode ? { serviceErrorCode } : {}), code, message } });

/** The raw query's parameters, undecoded (Rest.li 2.0 values are checked as sent). */
function rawParams(url: string): Map<string, string> {
  const q = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  const out = new Map<string, string>();
  for (const part of q.split("&").filter(Boolean)) {
    const i = part.indexOf("=");
    out.set(i < 0 ? part : part.slice(0, i), i < 0 ? "" : part.slice(i + 1));
  }
  return out;
}

const restliDate = String.raw`\(year:(\d{4}),month:(\d{1,2}),day:(\d{1,2})\)`;
const DATE_RANGE = new RegExp(`^\\(start:${restliDate},end:${restliDate}\\)$`);
const iso = (y: string, m: string, d: string) => `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
const dateOf = (date: string) => ({ year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) });

/**
 * Starts the fake LinkedIn API. Point a connection's api_url at `apiUrl` and token_url at `tokenUrl`.
 * @example const li = await startFakeLinkedIn({ data, clientId: "c", clientSecret: "s", refreshToken: "r" })
 */
export async function startFakeLinkedIn(o: FakeLinkedInOptions): Promise<FakeLinkedIn> {
  const versions = o.versions ?? ["202607"];
  const pageSize = o.pageSize ?? 1000;
  const violations: string[] = [];
  let fake: FakeLinkedIn;

  const refused = (req: RecordedRequest, code: string, message: string): Answer => {
    violations.push(`${req.method} ${req.url}: ${message}`);
    return liError(400, code, message);
  };

  /** A finder's page after `pageToken`, with LinkedIn's metadata.nextPageToken. */
  const page = (req: RecordedRequest, all: unknown[], max: number): Answer => {
    const size = Number(req.query.get("pageSize") ?? 10);
    if (!Number.isInteger(size) || size < 1 || size > max) return refused(req, "INVALID_PARAM_VALUE", `pageSize must be 1..${max}`);
    const token = req.query.get("pageToken");
    const offset = token === null ? 0 : Number(/^t(\d+)$/.exec(token)?.[1] ?? Number.NaN);
    if (!Number.isInteger(offset)) return refused(req, "INVALID_PARAM_VALUE", "pageToken is not valid");
    const take = Math.min(size, pageSize);
    const next = offset + take < all.length ? `t${offset + take}` : undefined;
    return { status: 200, json: { elements: all.slice(offset, offset + take), paging: { start: 0, count: take, links: [] }, metadata: next ? { nextPageToken: next } : {} } };
  };

  const creativeOf = (a: FakeAccount, names: ReturnType<typeof namesOf>, id: string) => {
    const campaign = a.campaigns.find((c) => c.adGroups.some((g) => g.ads.some((x) => x.id === id)));
    return { id: `urn:li:sponsoredCreative:${id}`, account: `urn:li:sponsoredAccount:${a.id}`, campaign: `urn:li:sponsoredCampaign:${campaign?.id}`, name: names.ad.get(id)?.name, intendedStatus: "ACTIVE" };
  };

  const analytics = (req: RecordedRequest, days: (a: FakeAccount) => readonly FakeDay[]): Answer => {
    const p = rawParams(req.url);
    for (const k of p.keys()) if (!ANALYTICS_PARAMS.has(k)) return refused(req, "QUERY_PARAM_NOT_ALLOWED", `query parameter '${k}' is not allowed`);
    if (p.get("q") !== "analytics") return refused(req, "INVALID_PARAM_VALUE", "q must be analytics (one pivot) here");
    if (p.get("pivot") !== "CREATIVE") return refused(req, "INVALID_PARAM_VALUE", `pivot '${p.get("pivot")}': the fake serves CREATIVE`);
    if (p.get("timeGranularity") !== "DAILY") return refused(req, "INVALID_PARAM_VALUE", `timeGranularity '${p.get("timeGranularity")}': the fake serves DAILY`);
    const range = DATE_RANGE.exec(p.get("dateRange") ?? "");
    if (!range) return refused(req, "INVALID_PARAM_VALUE", `dateRange '${p.get("dateRange")}' is not (start:(year:Y,month:M,day:D),end:(…)) with its parentheses and colons unescaped`);
    const [from, to] = [iso(range[1] as string, range[2] as string, range[3] as string), iso(range[4] as string, range[5] as string, range[6] as string)];
    if (from > to) return refused(req, "INVALID_PARAM_VALUE", "dateRange starts after it ends");
    const accounts = /^List\(urn%3Ali%3AsponsoredAccount%3A(\d+)\)$/.exec(p.get("accounts") ?? "");
    if (!accounts) return refused(req, "INVALID_PARAM_VALUE", `accounts '${p.get("accounts")}' is not List(<encoded sponsoredAccount URN>)`);
    const fields = (p.get("fields") ?? "").split(",").filter(Boolean);
    if (fields.length === 0 || fields.length > 20) return refused(req, "INVALID_PARAM_VALUE", "fields must name 1 to 20 fields");
    for (const f of fields) if (!ANALYTICS_FIELDS.has(f)) return refused(req, "INVALID_PARAM_VALUE", `unknown field '${f}'`);
    const a = o.data.accounts.find((x) => x.id === accounts[1]);
    // LinkedIn answers an account the member cannot read with an empty list.
    const rows = (a ? days(a) : []).filter((d) => d.adId !== "" && d.date >= from && d.date <= to);
    const elements = rows.map((d) => {
      const all: Record<string, unknown> = {
        dateRange: { start: dateOf(d.date), end: dateOf(d.date) },
        pivotValues: [`urn:li:sponsoredCreative:${d.adId}`],
        impressions: d.impressions,
        clicks: d.clicks,
        costInLocalCurrency: microsText(d.costMicros, 2),
        externalWebsiteConversions: d.conversions,
        conversionValueInLocalCurrency: microsText(d.valueMicros, 2),
      };
      return Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]]));
    });
    return { status: 200, json: { elements: elements.slice(0, o.maxElements ?? 15_000), paging: { start: 0, count: 10, links: [] } } };
  };

  const rest = (req: RecordedRequest, play: (account: string) => Fault | null): Answer => {
    if (req.method !== "GET") return refused(req, "METHOD_NOT_ALLOWED", `${req.method} is not a method of this resource`);
    const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""));
    if (!auth) return liError(401, "INVALID_ACCESS_TOKEN", "Empty oauth2 access token", 65600);
    const version = String(req.headers["linkedin-version"] ?? "");
    if (!version) return refused(req, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header.");
    if (!versions.includes(version)) return liError(426, "NONEXISTENT_VERSION", `Requested version ${version} is not active`);
    if (req.headers["x-restli-protocol-version"] !== "2.0.0") return refused(req, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required for this finder");
    const accountPath = /^\/rest\/adAccounts\/(\d+)(?:\/(adCampaigns|creatives)(?:\/([^/]+))?)?$/.exec(req.path);
    const account = accountPath ? (accountPath[1] as string) : (/urn%3Ali%3AsponsoredAccount%3A(\d+)/.exec(req.url)?.[1] ?? "");
    const fault = play(account);
    if (fault?.kind === "expire_token") fake.valid.clear();
    if (!fake.valid.has(auth[1] as string)) {
      return fault?.kind === "expire_token" ? liError(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601) : liError(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600);
    }
    if (fault?.kind === "permission") return liError(403, "ACCESS_DENIED", `Not enough permissions to access: partnerApiAdAccounts.GET.20260701`, 100);
    if (fault?.kind === "rate_limit") return liError(429, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.");
    if (fault?.kind === "rate_limit_retry_after") return { ...liError(429, "TOO_MANY_REQUESTS", "Too many requests."), headers: { "retry-after": "1" } };
    if (fault?.kind === "server_error") return liError(500, "INTERNAL_SERVER_ERROR", "Internal Server Error");
    if (fault?.kind === "echo_secret") return liError(400, "ILLEGAL_ARGUMENT", `Bad request with ${req.headers.authorization}`);
    const days = (a: FakeAccount) => o.data.days.get(a.id) ?? [];
    if (req.path === "/rest/adAnalytics") return analytics(req, days);
    if (!accountPath) return liError(404, "NOT_FOUND", `No virtual resource found`);
    const a = o.data.accounts.find((x) => x.id === account);
    if (!a) return liError(404, "NOT_FOUND", `Ad account ${account} does not exist`);
    const names = namesOf(a);
    const [, , collection, key] = accountPath;
    if (!collection) return { status: 200, json: { id: Number(a.id), name: a.name, currency: a.currency, status: "ACTIVE", type: "BUSINESS", reference: "urn:li:organization:2414183", test: false } };
    if (collection === "creatives" && key) {
      const id = /^urn%3Ali%3AsponsoredCreative%3A(\d+)$/.exec(key)?.[1];
      if (!id || !names.ad.has(id)) return liError(404, "NOT_FOUND", `Creative ${decodeURIComponent(key)} does not exist`);
      return { status: 200, json: creativeOf(a, names, id) };
    }
    if (key) return liError(404, "NOT_FOUND", "No virtual resource found");
    if (collection === "creatives") {
      if (req.query.get("q") !== "criteria") return refused(req, "INVALID_PARAM_VALUE", "creatives are found with q=criteria");
      const all = [...names.ad.keys()].filter((id) => !fake.hiddenCreatives.has(id)).map((id) => creativeOf(a, names, id));
      return page(req, all, 100);
    }
    const p = rawParams(req.url);
    if (p.get("q") !== "search") return refused(req, "INVALID_PARAM_VALUE", "campaigns are found with q=search");
    const search = p.get("search");
    if (search !== undefined) {
      const m = /^\(status:\(values:List\(([A-Z_,]+)\)\)\)$/.exec(search);
      if (!m || !(m[1] as string).split(",").every((s) => STATUSES.has(s))) return refused(req, "INVALID_PARAM_VALUE", `search '${search}' is not (status:(values:List(STATUS,…)))`);
    }
    const all = a.campaigns.map((c) => ({ id: Number(c.id), name: c.name, account: `urn:li:sponsoredAccount:${a.id}`, campaignGroup: "urn:li:sponsoredCampaignGroup:600000001", status: "ACTIVE", type: "SPONSORED_UPDATES" }));
    return page(req, all, 1000);
  };

  const api = await startFakeServer((req, play) => (req.path === "/oauth/v2/accessToken" ? refreshGrant(req, { ...o, tokenPrefix: "AQV-fake-" }, fake, violations, { refresh_token: o.refreshToken, refresh_token_expires_in: 31_536_000 }) : rest(req, play)), violations);
  fake = Object.assign(api, { apiUrl: api.url, tokenUrl: `${api.url}/oauth/v2/accessToken`, valid: new Set<string>(), issued: 0, refuseRefresh: false, hiddenCreatives: new Set<string>() });
  return fake;
}
