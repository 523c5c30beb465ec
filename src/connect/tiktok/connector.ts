// TikTok API for Business (v1.3): the advertiser's long-lived token in the `Access-Token` header (no
// refresh: a refused token needs a new authorization), the advertiser's currency and time zone from
// advertiser/info, and daily ad-level delivery from report/integrated/get (BASIC report, AUCTION
// service, AUCTION_AD level, dimensions ad_id and stat_time_day, deleted ads included) in windows of at most 30 days, page
// by page. Every answer carries `code`: not 0 is an error even with HTTP 200. Days are the
// advertiser's (the API's default); money is the decimal string TikTok sends. Levels and columns as
// the importer reads an Ads Manager export (ingest/platforms/tiktok.ts): campaign, ad group, ad;
// clicks are "Clicks (destination)" (`clicks`), conversions `conversion`, reach and frequency per ad
// and day. Reference: ../shared/reference/ad-platform-apis.md §5;
// https://business-api.tiktok.com/portal/docs?id=1740302848100353
import type { IsoDate } from "../../domain/dates.js";
import { isIanaTimeZone } from "../../ingest/time-zone.js";
import type { AccountInfo, Connector, ConnectorSession, PlatformSession, Pulled, PullWindow } from "../connector.js";
import { endpointFields } from "../field-checks.js";
import { type ApiResponse, jsonBody } from "../http-client.js";
import { ApiProblem, type Json, malformed } from "../problem.js";
import { shortening, windowSlices } from "../slices.js";
import { accountOf, type Delivery, syncedReach, syncedRow } from "../synced-rows.js";
import { countOf, decimalCount, decimalMicros } from "../values.js";
import { QUERY_TOO_LARGE, tiktokProblem } from "./errors.js";

const SOURCE = "tiktok";
/** Days per report request: TikTok's limit with stat_time_day. */
const SLICE_DAYS = 30;
/** Shorter slices tried in turn when TikTok finds a query too large. */
const SMALLER_SLICES = [7, 1];
const PAGE_SIZE = 1000;
const MAX_PAGES = 10_000;

export const REPORT_DIMENSIONS = ["ad_id", "stat_time_day"];
/** Attribute metrics (names and parent ids) and the measures the importer reads from an export. */
export const REPORT_METRICS = ["campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_name", "spend", "impressions", "clicks", "conversion", "reach", "frequency"];
/** Ads of every status: reports leave deleted ads out by default, and their spend was real (Airbyte's include_deleted). */
const ALL_ADS = JSON.stringify([{ field_name: "ad_status", filter_type: "IN", filter_value: JSON.stringify(["STATUS_ALL"]) }]);
const ADVERTISER_FIELDS = ["advertiser_id", "name", "currency", "timezone", "display_timezone"];

class TikTokSession implements PlatformSession {
  private readonly base: string;
  private readonly version: string;

  constructor(private readonly s: ConnectorSession) {
    this.version = s.values.api_version as string;
    this.base = `${s.values.api_url}/open_api/${this.version}`;
    s.http.addSecrets(s.values.access_token ?? "");
  }

  /** One GET with the token in `Access-Token`; the answer's `data`, or the problem its code names. */
  private async get(advertiser: string, path: string, params: Record<string, string>, what: string, lookup = false): Promise<Json> {
    const url = `${this.base}/${path}/?${new URLSearchParams(params).toString()}`;
    const headers = { accept: "application/json", "Access-Token": this.s.values.access_token as string };
    return this.s.http.send({ method: "GET", url, headers, what }, (res) => this.read(res, advertiser, what, lookup));
  }

  private read(res: ApiResponse, advertiser: string, what: string, lookup: boolean): Json {
    const body = res.status === 404 || (res.status >= 500 && !res.text.trimStart().startsWith("{")) ? null : jsonBody(res, what);
    const problem = tiktokProblem(res.status, body, advertiser, this.version, what, { connection: this.s.connection, fix: this.s.fix }, lookup);
    if (problem) throw problem;
    const data = (body as Json)?.data;
    if (!data || typeof data !== "object") throw malformed(what, "no data object");
    return data;
  }

  async account(id: string): Promise<AccountInfo> {
    const what = `advertiser ${id}`;
    const data = await this.get(id, "advertiser/info", { advertiser_ids: JSON.stringify([id]), fields: JSON.stringify(ADVERTISER_FIELDS) }, what, true);
    const a = Array.isArray(data.list) ? data.list.find((x: Json) => String(x?.advertiser_id) === id) : undefined;
    if (!a) throw new ApiProblem("unknown_account", `${what}: TikTok returned no advertiser for this id: check it (Ads Manager's account menu) and that the advertiser authorized cpi`);
    // display_timezone is the IANA name Ads Manager shows; timezone may be an offset zone (Etc/GMT-8).
    const zone = [a.display_timezone, a.timezone].find((z) => typeof z === "string" && isIanaTimeZone(z)) ?? a.timezone;
    return accountOf(what, id, { name: a.name, currency: a.currency, timezone: zone }, ["currency", "timezone"]);
  }

  async pull(account: AccountInfo, w: PullWindow): Promise<Pulled> {
    const out: Pulled = { rows: [], reach: [] };
    for (const slice of windowSlices(w, SLICE_DAYS)) for (const r of await this.slice(account, slice)) this.add(out, account, r, slice);
    this.s.progress(`advertiser ${account.id}: ${out.rows.length.toLocaleString("en-US")} ad-days`);
    return out;
  }

  /** A slice's rows; when TikTok finds the query too large, the same days in shorter slices. */
  private slice(account: AccountInfo, w: PullWindow): Promise<Json[]> {
    const what = (part: PullWindow) => `the ad report of advertiser ${account.id} for ${part.from}..${part.to}`;
    return shortening(
      w,
      SMALLER_SLICES,
      async (part, last) => {
        try {
          return await this.pages(account.id, part, what(part));
        } catch (e) {
          if (last || !(e instanceof ApiProblem && e.code === `code ${QUERY_TOO_LARGE}`)) throw e;
          return null;
        }
      },
      (part, days) => this.s.progress(`${what(part)}: too large for TikTok; asking ${days} day${days > 1 ? "s" : ""} at a time`),
    );
  }

  /** Every page of one report request, until `page_info.total_page`. */
  private async pages(advertiser: string, w: PullWindow, what: string): Promise<Json[]> {
    const params = {
      advertiser_id: advertiser,
      report_type: "BASIC",
      service_type: "AUCTION",
      data_level: "AUCTION_AD",
      dimensions: JSON.stringify(REPORT_DIMENSIONS),
      metrics: JSON.stringify(REPORT_METRICS),
      start_date: w.from,
      end_date: w.to,
      page_size: String(PAGE_SIZE),
      filtering: ALL_ADS,
    };
    const rows: Json[] = [];
    for (let page = 1; ; page++) {
      const pageWhat = page > 1 ? `${what}, page ${page}` : what;
      const data = await this.get(advertiser, "report/integrated/get", { ...params, page: String(page) }, pageWhat);
      if (!Array.isArray(data.list)) throw malformed(pageWhat, "no list");
      rows.push(...data.list);
      const total = Number(data.page_info?.total_page ?? 0);
      if (!Number.isInteger(total) || total < 0 || total > MAX_PAGES) throw malformed(pageWhat, `page_info.total_page ${JSON.stringify(data.page_info?.total_page)}`);
      if (page >= total || data.list.length === 0) return rows;
    }
  }

  /** Adds one report row (checked: an ad, one day inside the slice). */
  private add(out: Pulled, account: AccountInfo, r: Json, w: PullWindow): void {
    const what = `the ad report of advertiser ${account.id}`;
    const day = typeof r?.dimensions?.stat_time_day === "string" ? /^(\d{4}-\d{2}-\d{2})(?: 00:00:00)?$/.exec(r.dimensions.stat_time_day)?.[1] : undefined;
    if (!day || day < w.from || day > w.to) throw malformed(what, `a row dated ${JSON.stringify(r?.dimensions?.stat_time_day)} outside ${w.from}..${w.to}`);
    const m = r.metrics ?? {};
    const adId = String(r.dimensions.ad_id ?? "");
    if (!/^\d+$/.test(adId)) throw malformed(what, `a row without ad_id (${JSON.stringify(r.dimensions.ad_id)})`);
    const text = (v: unknown) => (v === undefined || v === null || v === "-" ? "" : String(v));
    const d: Delivery = {
      date: day as IsoDate,
      campaignId: text(m.campaign_id),
      campaign: text(m.campaign_name),
      adGroupId: text(m.adgroup_id),
      adGroup: text(m.adgroup_name),
      adId,
      ad: text(m.ad_name),
      cost: decimalMicros(m.spend, `${what}: spend`),
      impressions: countOf(m.impressions, `${what}: impressions`),
      clicks: countOf(m.clicks, `${what}: clicks`),
      conversions: decimalCount(m.conversion, `${what}: conversion`),
      revenue: 0n,
    };
    const row = syncedRow(SOURCE, account, d);
    out.rows.push(row);
    if (m.reach !== undefined && m.reach !== null && m.reach !== "") {
      const f = m.frequency === undefined || m.frequency === null || m.frequency === "" ? null : decimalCount(m.frequency, `${what}: frequency`);
      out.reach.push(syncedReach(row, countOf(m.reach, `${what}: reach`), f));
    }
  }
}

/** The TikTok connector. */
export const tiktokConnector: Connector = {
  available: true,
  platform: "tiktok",
  source: SOURCE,
  label: "TikTok",
  lookbackDays: 14,
  accountHelp: "an advertiser id (7012345678901234567)",
  normaliseAccount: (id) => (/^\d{6,25}$/.test(id.trim()) ? id.trim() : null),
  fields: [
    { key: "access_token", label: "access token", secret: true, required: true, help: "the advertiser access token of your TikTok for Business app (authorization with the Reporting scope)" },
    ...endpointFields("https://business-api.tiktok.com", "v1.3", /^v\d+\.\d+$/),
  ],
  open: (session) => new TikTokSession(session),
};
