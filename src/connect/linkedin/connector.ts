// LinkedIn Marketing API (versioned REST, Rest.li 2.0): OAuth refresh-token auth, every call with
// `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`. Daily creative-level delivery
// from the adAnalytics `analytics` finder (pivot CREATIVE, timeGranularity DAILY; no paging: one
// answer per request, capped at 15,000 elements, so windows go in 30-day slices, shorter when an
// answer is full), names and each creative's campaign from the creatives and adCampaigns finders
// (cursor pages). Days are UTC and money the account currency's
// decimal strings. Levels as the importer maps a Campaign Manager export (ingest/platforms/linkedin.ts):
// campaign = the LinkedIn campaign, ad = the creative, no ad group (campaign groups are not kept).
// Reference: ../shared/reference/ad-platform-apis.md §4;
// https://learn.microsoft.com/en-us/linkedin/marketing/integrations/ads-reporting/ads-reporting
import type { IsoDate } from "../../domain/dates.js";
import type { AccountInfo, Connector, ConnectorSession, PlatformSession, Pulled, PullWindow } from "../connector.js";
import { endpointFields, httpUrl } from "../field-checks.js";
import { type ApiResponse, jsonBody } from "../http-client.js";
import { RefreshTokenAuth } from "../oauth.js";
import { ApiProblem, type Json, malformed } from "../problem.js";
import { shortening, windowSlices } from "../slices.js";
import { accountOf, type Delivery, syncedRow } from "../synced-rows.js";
import { countOf, decimalCount, decimalMicros } from "../values.js";
import { linkedinProblem } from "./errors.js";

const SOURCE = "linkedin";
/** Days per adAnalytics request (Airbyte's slice): the finder has no paging, so an answer holds a whole slice. */
const SLICE_DAYS = 30;
/** Most elements LinkedIn returns in one adAnalytics answer; it drops the rest without saying so [3P]. */
export const MAX_ELEMENTS = 15_000;
/** Shorter slices asked in turn when an answer holds MAX_ELEMENTS (and so may be cut). */
const SHORTER_SLICES = [7, 1];
const CAMPAIGN_PAGE = 1000;
const CREATIVE_PAGE = 100;
const MAX_PAGES = 10_000;
/** Every campaign status, so campaigns since archived or removed still get their names. */
const CAMPAIGN_STATUSES = "ACTIVE,PAUSED,ARCHIVED,COMPLETED,CANCELED,DRAFT,PENDING_DELETION,REMOVED";

/** The adAnalytics fields read (LinkedIn allows 20 a request), as the importer reads an export's columns. */
export const ANALYTICS_FIELDS = ["dateRange", "pivotValues", "impressions", "clicks", "costInLocalCurrency", "externalWebsiteConversions", "conversionValueInLocalCurrency"];

const accountUrn = (id: string) => `urn:li:sponsoredAccount:${id}`;
/** The id after a URN's last colon ("urn:li:sponsoredCreative:123" → "123"), or "" when the value is not such a URN. */
const urnId = (urn: unknown) => (typeof urn === "string" ? (/^urn:li:\w+:(\d+)$/.exec(urn)?.[1] ?? "") : typeof urn === "number" ? String(urn) : "");

/** A Rest.li 2.0 date: (year:2026,month:10,day:1), without leading zeros. */
const restliDate = (d: IsoDate) => `(year:${Number(d.slice(0, 4))},month:${Number(d.slice(5, 7))},day:${Number(d.slice(8, 10))})`;

/**
 * The adAnalytics query of one account over a window: Rest.li 2.0 syntax, whose parentheses, colons
 * and commas must reach LinkedIn unescaped (URLSearchParams would escape them); URNs inside List() are
 * percent-encoded.
 * @example analyticsQuery("123", { from: "2026-10-01", to: "2026-10-14" })
 */
export function analyticsQuery(account: string, w: PullWindow): string {
  return [
    "q=analytics",
    "pivot=CREATIVE",
    "timeGranularity=DAILY",
    `dateRange=(start:${restliDate(w.from)},end:${restliDate(w.to)})`,
    `accounts=List(${encodeURIComponent(accountUrn(account))})`,
    `fields=${ANALYTICS_FIELDS.join(",")}`,
  ].join("&");
}

/** An analytics element, checked: one day inside the window, a creative as its pivot. */
function elementOf(e: Json, w: PullWindow, what: string): Element {
  const pivot = Array.isArray(e?.pivotValues) ? e.pivotValues[0] : undefined;
  const adId = typeof pivot === "string" && pivot.startsWith("urn:li:sponsoredCreative:") ? urnId(pivot) : "";
  if (!adId) throw malformed(what, `an element whose pivot value is ${JSON.stringify(pivot)}, not a creative`);
  return { adId, e, date: dayOf(e, w, what), what };
}

/** An analytics element's day: dateRange start and end, one day inside the window. */
function dayOf(e: Json, w: PullWindow, what: string): IsoDate {
  const iso = (p: Json) => (p && Number.isInteger(p.year) && Number.isInteger(p.month) && Number.isInteger(p.day) ? `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}` : null);
  const from = iso(e?.dateRange?.start);
  const to = iso(e?.dateRange?.end);
  if (from === null || from !== to || from < w.from || from > w.to) throw malformed(what, `an element dated ${JSON.stringify(e?.dateRange)} that is not one day of ${w.from}..${w.to}`);
  return from;
}

/** One creative-day of an adAnalytics answer, with its day and the request it came from (for messages). */
interface Element {
  /** The creative's id (the pivot value's). */
  adId: string;
  e: Json;
  date: IsoDate;
  what: string;
}

interface Creative {
  campaignId: string;
  name: string;
}

class LinkedInSession implements PlatformSession {
  private readonly auth: RefreshTokenAuth;
  private readonly base: string;
  private readonly version: string;

  constructor(private readonly s: ConnectorSession) {
    const v = s.values;
    this.version = v.api_version as string;
    this.base = `${v.api_url}/rest`;
    this.auth = new RefreshTokenAuth(
      s.http,
      { tokenUrl: v.token_url as string, clientId: v.client_id as string, clientSecret: v.client_secret as string, refreshToken: v.refresh_token as string },
      { platformLabel: "LinkedIn", connection: s.connection, fix: s.fix },
      undefined,
      (token) => s.rotated?.("refresh_token", token),
    );
  }

  /** One GET of the versioned API: `pathAndQuery` is already encoded the Rest.li 2.0 way. */
  private get(account: string, pathAndQuery: string, what: string): Promise<Json> {
    const headers = { accept: "application/json", "LinkedIn-Version": this.version, "X-Restli-Protocol-Version": "2.0.0" };
    return this.s.http.send({ method: "GET", url: `${this.base}/${pathAndQuery}`, headers, what }, (res) => this.read(res, account, what), this.auth);
  }

  private read(res: ApiResponse, account: string, what: string): Json {
    const body = res.status >= 500 && !res.text.trimStart().startsWith("{") ? null : jsonBody(res, what);
    const problem = linkedinProblem(res.status, body, account, this.version, what);
    if (problem) throw problem;
    if (!body || typeof body !== "object" || Array.isArray(body)) throw malformed(what, "the answer is not a JSON object");
    return body;
  }

  /** Every element of a finder, following `metadata.nextPageToken` until there is none. */
  private async pages(account: string, pathAndQuery: string, what: string): Promise<Json[]> {
    const out: Json[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 1; ; page++) {
      const pageWhat = page > 1 ? `${what}, page ${page}` : what;
      const body = await this.get(account, token ? `${pathAndQuery}&pageToken=${encodeURIComponent(token)}` : pathAndQuery, pageWhat);
      if (!Array.isArray(body.elements)) throw malformed(pageWhat, "no elements list");
      out.push(...body.elements);
      const next = body.metadata?.nextPageToken;
      if (next === undefined || next === null || next === "") return out;
      if (typeof next !== "string" || seen.has(next) || page >= MAX_PAGES) throw malformed(pageWhat, "the page tokens do not end");
      seen.add(next);
      token = next;
    }
  }

  async account(id: string): Promise<AccountInfo> {
    const what = `ad account ${id}`;
    const a = await this.get(id, `adAccounts/${id}`, what);
    // LinkedIn reports days in UTC (Campaign Manager's exports say "(in UTC)"); the account has no zone of its own.
    return accountOf(what, id, { name: a.name, currency: a.currency, timezone: "UTC" }, ["currency", "time zone"]);
  }

  async pull(account: AccountInfo, w: PullWindow): Promise<Pulled> {
    const elements: Element[] = [];
    for (const slice of windowSlices(w, SLICE_DAYS)) elements.push(...(await this.analytics(account.id, slice)));
    const creatives = elements.length ? await this.creatives(account.id, elements.map((x) => x.adId)) : new Map<string, Creative>();
    const campaigns = elements.length ? await this.campaignNames(account.id) : new Map<string, string>();
    const rows = elements.map(({ adId, e, date, what }) => {
      const creative = creatives.get(adId) as Creative;
      const d: Delivery = {
        date,
        campaignId: creative.campaignId,
        campaign: campaigns.get(creative.campaignId) ?? "",
        adGroupId: "",
        adGroup: "",
        adId,
        ad: creative.name,
        cost: decimalMicros(e.costInLocalCurrency, `${what}: costInLocalCurrency`),
        impressions: countOf(e.impressions, `${what}: impressions`),
        clicks: countOf(e.clicks, `${what}: clicks`),
        conversions: decimalCount(e.externalWebsiteConversions, `${what}: externalWebsiteConversions`),
        revenue: decimalMicros(e.conversionValueInLocalCurrency, `${what}: conversionValueInLocalCurrency`),
      };
      return syncedRow(SOURCE, account, d);
    });
    this.s.progress(`ad account ${account.id}: ${rows.length.toLocaleString("en-US")} creative-days of ${creatives.size.toLocaleString("en-US")} creatives`);
    return { rows, reach: [] };
  }

  /**
   * The creative-days of a slice. An answer of MAX_ELEMENTS elements may have been cut: the same days
   * are asked again in shorter slices, and a single day that still fills an answer fails the account.
   */
  private analytics(account: string, w: PullWindow): Promise<Element[]> {
    const what = (part: PullWindow) => `the creative analytics of ad account ${account} for ${part.from}..${part.to}`;
    return shortening(
      w,
      SHORTER_SLICES,
      async (part, last) => {
        const body = await this.get(account, `adAnalytics?${analyticsQuery(account, part)}`, what(part));
        if (!Array.isArray(body.elements)) throw malformed(what(part), "no elements list");
        if (body.elements.length >= MAX_ELEMENTS) {
          if (!last) return null;
          throw new ApiProblem("bad_request", `${what(part)}: LinkedIn answered ${body.elements.length.toLocaleString("en-US")} elements, the most it returns in one answer, so some creative-days may be missing; cpi cannot ask for less than a day`);
        }
        return body.elements.map((e: Json) => elementOf(e, part, what(part)));
      },
      (part, days) => this.s.progress(`${what(part)}: ${MAX_ELEMENTS.toLocaleString("en-US")} elements, the most LinkedIn answers at once; asking ${days} day${days > 1 ? "s" : ""} at a time`),
    );
  }

  /** The account's creatives (name, campaign) by id; one the listing lacks (deleted since) is read on its own. */
  private async creatives(account: string, ids: readonly string[]): Promise<Map<string, Creative>> {
    const what = `the creatives of ad account ${account}`;
    const out = new Map<string, Creative>();
    const add = (c: Json, w: string) => {
      const id = urnId(c?.id);
      const campaignId = urnId(c?.campaign);
      if (!id || !campaignId) throw malformed(w, `a creative without id or campaign (${JSON.stringify(c?.id)})`);
      out.set(id, { campaignId, name: typeof c.name === "string" ? c.name : "" });
    };
    for (const c of await this.pages(account, `adAccounts/${account}/creatives?q=criteria&pageSize=${CREATIVE_PAGE}`, what)) add(c, what);
    for (const id of ids) {
      if (out.has(id)) continue;
      const one = `creative ${id} of ad account ${account}`;
      add(await this.get(account, `adAccounts/${account}/creatives/${encodeURIComponent(`urn:li:sponsoredCreative:${id}`)}`, one), one);
    }
    return out;
  }

  /** The account's campaign names by id, whatever their status. */
  private async campaignNames(account: string): Promise<Map<string, string>> {
    const what = `the campaigns of ad account ${account}`;
    const out = new Map<string, string>();
    for (const c of await this.pages(account, `adAccounts/${account}/adCampaigns?q=search&search=(status:(values:List(${CAMPAIGN_STATUSES})))&pageSize=${CAMPAIGN_PAGE}`, what)) {
      const id = urnId(c?.id);
      if (!id) throw malformed(what, `a campaign without id (${JSON.stringify(c?.id)})`);
      out.set(id, typeof c.name === "string" ? c.name : "");
    }
    return out;
  }
}

/** An ad account id as digits (urn:li:sponsoredAccount:123 or 123), or null. */
function accountId(id: string): string | null {
  const m = /^(?:urn:li:sponsoredAccount:)?(\d{1,20})$/.exec(id.trim());
  return m ? (m[1] as string) : null;
}

/** The LinkedIn connector. */
export const linkedinConnector: Connector = {
  available: true,
  platform: "linkedin",
  source: SOURCE,
  label: "LinkedIn",
  lookbackDays: 14,
  accountHelp: "an ad account id (507123456, or urn:li:sponsoredAccount:507123456)",
  normaliseAccount: accountId,
  fields: [
    { key: "client_id", label: "OAuth client id", secret: false, required: true, help: "client id of your LinkedIn app (Developer Portal → Auth), with the Advertising API product" },
    { key: "client_secret", label: "OAuth client secret", secret: true, required: true, help: "primary client secret of the app" },
    { key: "refresh_token", label: "OAuth refresh token", secret: true, required: true, help: "programmatic refresh token of a member with access to the accounts (scopes r_ads and r_ads_reporting; valid 365 days from the first authorization)" },
    ...endpointFields("https://api.linkedin.com", "202607", /^20\d{4}$/),
    { key: "token_url", label: "token endpoint", secret: false, required: false, default: "https://www.linkedin.com/oauth/v2/accessToken", check: httpUrl, help: "OAuth token endpoint (default https://www.linkedin.com/oauth/v2/accessToken)" },
  ],
  open: (session) => new LinkedInSession(session),
};
