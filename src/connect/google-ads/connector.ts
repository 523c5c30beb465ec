// Google Ads API (REST): OAuth refresh-token auth, GAQL over googleAds:searchStream (or :search with
// page tokens), daily rows at ad level plus campaign-level rows for campaign-days without ads
// (Performance Max reports no ads). cost_micros is used as it comes. Reference:
// ../shared/reference/ad-platform-apis.md §1; https://developers.google.com/google-ads/api/rest/common/search
import type { AccountInfo, Connector, ConnectorSession, PlatformSession, Pulled, PullWindow } from "../connector.js";
import { endpointFields, httpUrl, matching } from "../field-checks.js";
import { type ApiResponse, jsonBody } from "../http-client.js";
import { RefreshTokenAuth } from "../oauth.js";
import { ApiProblem, type Json, malformed } from "../problem.js";
import { accountOf, type Delivery, syncedRow } from "../synced-rows.js";
import { countOf, decimalCount, decimalMicros, int64Micros } from "../values.js";
import { googleAdsProblem } from "./errors.js";

const SOURCE = "google-ads";
/** Most pages `search` may return for one query before cpi calls the answer malformed (10,000 rows a page). */
const MAX_PAGES = 5_000;

const METRICS = ["metrics.impressions", "metrics.clicks", "metrics.cost_micros", "metrics.conversions", "metrics.conversions_value"];

/** Daily delivery of every ad (GAQL; rows whose metrics are all zero are not returned). */
export function adQuery(w: PullWindow): string {
  return `SELECT campaign.id, campaign.name, ad_group.id, ad_group.name, ad_group_ad.ad.id, ad_group_ad.ad.name, segments.date, ${METRICS.join(", ")} FROM ad_group_ad WHERE segments.date BETWEEN '${w.from}' AND '${w.to}'`;
}

/** Daily delivery of every campaign: kept for the campaign-days no ad reports (Performance Max). */
export function campaignQuery(w: PullWindow): string {
  return `SELECT campaign.id, campaign.name, segments.date, ${METRICS.join(", ")} FROM campaign WHERE segments.date BETWEEN '${w.from}' AND '${w.to}'`;
}

const ACCOUNT_QUERY = "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.time_zone, customer.manager FROM customer";

const customerId = (v: string) => v.trim().replace(/-/g, "");


class GoogleAdsSession implements PlatformSession {
  private readonly auth: RefreshTokenAuth;
  private readonly base: string;

  constructor(private readonly s: ConnectorSession) {
    const v = s.values;
    this.auth = new RefreshTokenAuth(
      s.http,
      { tokenUrl: v.token_url as string, clientId: v.client_id as string, clientSecret: v.client_secret as string, refreshToken: v.refresh_token as string },
      { platformLabel: "Google", connection: s.connection, fix: s.fix },
    );
    s.http.addSecrets(v.developer_token ?? "");
    this.base = `${v.api_url}/${v.api_version}/customers`;
  }

  private headers(): Record<string, string> {
    const v = this.s.values;
    return {
      "content-type": "application/json",
      accept: "application/json",
      ...(v.developer_token ? { "developer-token": v.developer_token } : {}),
      ...(v.login_customer_id ? { "login-customer-id": v.login_customer_id } : {}),
    };
  }

  /** Reads an answer: its rows, or the problem its error body describes. */
  private read(customer: string, what: string): (res: ApiResponse) => Json {
    return (res) => {
      const body = res.status === 404 && !res.text.trimStart().startsWith("{") ? null : jsonBody(res, what);
      const problem = googleAdsProblem(res.status, body, customer, this.s.values.api_version as string, what);
      if (problem) throw problem;
      return body;
    };
  }

  /** Every row of a GAQL query: one searchStream call, or search pages until there is no next page token. */
  private async query(customer: string, query: string, what: string, method: "search" | "searchStream"): Promise<Json[]> {
    const url = `${this.base}/${customer}/googleAds:${method}`;
    const rows: Json[] = [];
    if (method === "searchStream") {
      const body = await this.s.http.send({ method: "POST", url, headers: this.headers(), body: JSON.stringify({ query }), what }, this.read(customer, what), this.auth);
      if (!Array.isArray(body)) throw malformed(what, "a stream answer is a JSON array of batches");
      for (const batch of body) {
        if (!batch || typeof batch !== "object") throw malformed(what, "a batch is not an object");
        if (batch.results !== undefined && !Array.isArray(batch.results)) throw malformed(what, "results is not a list");
        for (const r of batch.results ?? []) rows.push(r);
      }
      return rows;
    }
    let pageToken: string | undefined;
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const pageWhat = page > 1 ? `${what}, page ${page}` : what;
      const request = JSON.stringify(pageToken ? { query, pageToken } : { query });
      const body = await this.s.http.send({ method: "POST", url, headers: this.headers(), body: request, what: pageWhat }, this.read(customer, pageWhat), this.auth);
      if (!body || typeof body !== "object" || Array.isArray(body)) throw malformed(pageWhat, "a search answer is a JSON object");
      if (body.results !== undefined && !Array.isArray(body.results)) throw malformed(pageWhat, "results is not a list");
      for (const r of body.results ?? []) rows.push(r);
      const next = body.nextPageToken;
      if (next === undefined || next === "") return rows;
      if (typeof next !== "string" || seen.has(next) || page >= MAX_PAGES) throw malformed(pageWhat, "the page tokens do not end");
      seen.add(next);
      pageToken = next;
    }
  }

  async account(id: string): Promise<AccountInfo> {
    const what = `customer ${id}`;
    const [row] = await this.query(id, ACCOUNT_QUERY, what, "search");
    const c = row?.customer;
    if (!c || typeof c !== "object") throw new ApiProblem("unknown_account", `${what}: Google Ads returned no customer for this id`);
    if (c.manager === true) {
      throw new ApiProblem("bad_request", `${what} is a manager (MCC) account, which has no delivery of its own: add its client accounts with --account and keep ${id} as --login-customer-id`);
    }
    return accountOf(what, id, { name: c.descriptiveName, currency: c.currencyCode, timezone: c.timeZone }, ["currencyCode", "timeZone"]);
  }

  async pull(account: AccountInfo, w: PullWindow): Promise<Pulled> {
    const method = this.s.values.report_method === "search" ? "search" : "searchStream";
    const ads = await this.query(account.id, adQuery(w), `the ad report of customer ${account.id}`, method);
    const campaigns = await this.query(account.id, campaignQuery(w), `the campaign report of customer ${account.id}`, method);
    const deliveries = ads.map((r) => deliveryOf(r, w, true, `the ad report of customer ${account.id}`));
    const covered = new Set(deliveries.map((d) => `${d.campaignId}\u0000${d.date}`));
    for (const r of campaigns) {
      const d = deliveryOf(r, w, false, `the campaign report of customer ${account.id}`);
      if (!covered.has(`${d.campaignId}\u0000${d.date}`)) deliveries.push(d);
    }
    this.s.progress(`customer ${account.id}: ${ads.length.toLocaleString("en-US")} ad-days, ${(deliveries.length - ads.length).toLocaleString("en-US")} campaign-days without ads`);
    return { rows: deliveries.map((d) => syncedRow(SOURCE, account, d)), reach: [] };
  }
}

const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** One GoogleAdsRow (camelCase JSON) as a day of delivery, checked: a date in the window and a campaign id. */
function deliveryOf(r: Json, w: PullWindow, adLevel: boolean, what: string): Delivery {
  const date = r?.segments?.date;
  if (typeof date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(date) || date < w.from || date > w.to) throw malformed(what, `segments.date ${JSON.stringify(date)} outside ${w.from}..${w.to}`);
  const campaignId = text(r.campaign?.id);
  if (!/^\d+$/.test(campaignId)) throw malformed(what, "a row without campaign.id");
  const m = r.metrics ?? {};
  return {
    date,
    campaignId,
    campaign: text(r.campaign?.name),
    adGroupId: adLevel ? text(r.adGroup?.id) : "",
    adGroup: adLevel ? text(r.adGroup?.name) : "",
    adId: adLevel ? text(r.adGroupAd?.ad?.id) : "",
    ad: adLevel ? text(r.adGroupAd?.ad?.name) : "",
    cost: int64Micros(m.costMicros, `${what}: metrics.cost_micros`),
    impressions: countOf(m.impressions, `${what}: metrics.impressions`),
    clicks: countOf(m.clicks, `${what}: metrics.clicks`),
    conversions: decimalCount(m.conversions, `${what}: metrics.conversions`),
    revenue: decimalMicros(m.conversionsValue, `${what}: metrics.conversions_value`),
  };
}

/** The Google Ads connector. */
export const googleAdsConnector: Connector = {
  available: true,
  platform: "google-ads",
  source: SOURCE,
  label: "Google Ads",
  lookbackDays: 14,
  accountHelp: "a customer id (123-456-7890 or 1234567890; not a manager account)",
  normaliseAccount: (id) => (/^\d{3}-?\d{3}-?\d{4}$/.test(id.trim()) ? customerId(id) : null),
  fields: [
    { key: "client_id", label: "OAuth client id", secret: false, required: true, help: "OAuth 2.0 client id of your Google Cloud project (…apps.googleusercontent.com)" },
    { key: "client_secret", label: "OAuth client secret", secret: true, required: true, help: "OAuth 2.0 client secret" },
    { key: "refresh_token", label: "OAuth refresh token", secret: true, required: true, help: "refresh token of a user with access to the accounts (scope https://www.googleapis.com/auth/adwords)" },
    { key: "developer_token", label: "developer token", secret: true, required: false, help: "developer token (sunset by Google in Sep 2026; sent when set)" },
    {
      key: "login_customer_id",
      label: "login customer id",
      secret: false,
      required: false,
      check: matching(/^\d{10}$/, "a 10-digit manager customer id (123-456-7890)", customerId),
      help: "the manager (MCC) account through which the user reaches the accounts",
    },
    ...endpointFields("https://googleads.googleapis.com", "v26", /^v\d{2,}$/),
    { key: "token_url", label: "token endpoint", secret: false, required: false, default: "https://oauth2.googleapis.com/token", check: httpUrl, help: "OAuth token endpoint (default https://oauth2.googleapis.com/token)" },
    {
      key: "report_method",
      label: "report method",
      secret: false,
      required: false,
      default: "searchStream",
      check: matching(/^(searchStream|search)$/, "searchStream or search"),
      help: "searchStream (one streamed answer, the default) or search (pages of 10,000 rows)",
    },
  ],
  open: (session) => new GoogleAdsSession(session),
};
