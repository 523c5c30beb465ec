// A fake TikTok API for Business (v1.3), as TikTok documents it (tests; not part of the build):
// GET /open_api/{v}/advertiser/info/ and GET /open_api/{v}/report/integrated/get/ (BASIC, AUCTION,
// AUCTION_AD, dimensions ad_id + stat_time_day, at most 30 days, page / page_size ≤ 1000 with
// page_info; deleted ads only with filtering on ad_status STATUS_ALL). The token must come in the `Access-Token` header. Every answer is
// { code, message, request_id, data }; errors keep HTTP 200 with a code other than 0, as TikTok's do
// (40100 rate limit, 40067 query too large, 40001 no permission, 40002 not accessible, 40105 token,
// 50000 system error). Metrics are strings.
import { randomBytes } from "node:crypto";
import type { FakeAccount, FakeDay, FakeDelivery } from "./delivery.js";
import { microsText, namesOf } from "./delivery.js";
import { type Answer, type FakeApi, type Fault, type RecordedRequest, startFakeServer } from "./fake-server.js";

export interface FakeTikTokOptions {
  data: FakeDelivery;
  accessToken: string;
  versions?: string[];
  /** Rows per page at most (TikTok: page_size up to 1000). */
  maxPageSize?: number;
  /** Reports longer than this many days answer 40067 "query too large" (default: never). */
  tooLargeOverDays?: number;
}

export interface FakeTikTok extends FakeApi {
  apiUrl: string;
  /** Ads deleted since they ran: reports leave them out unless filtering asks for ad_status STATUS_ALL. */
  deletedAds: Set<string>;
  /** The token was revoked: every call answers 40105 from now on. */
  tokenInvalid: boolean;
}

const ADVERTISER_FIELDS = new Set(["advertiser_id", "name", "currency", "timezone", "display_timezone", "status", "company", "country", "role", "balance", "create_time"]);
const METRICS = new Set(["campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_name", "spend", "impressions", "clicks", "conversion", "reach", "frequency", "cpm", "cpc", "ctr", "currency", "cost_per_conversion", "result"]);
const REPORT_PARAMS = new Set(["advertiser_id", "report_type", "service_type", "data_level", "dimensions", "metrics", "start_date", "end_date", "page", "page_size", "filtering", "order_field", "order_type", "query_lifetime", "enable_total_metrics", "query_mode"]);

const envelope = (code: number, message: string, data: unknown = {}, status = 200): Answer => ({ status, json: { code, message, request_id: randomBytes(10).toString("hex"), data } });

/** A JSON list parameter (TikTok's `["a","b"]`), or null. */
function jsonList(v: string | null): string[] | null {
  try {
    const x = JSON.parse(v ?? "");
    return Array.isArray(x) && x.every((s) => typeof s === "string") ? x : null;
  } catch {
    return null;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const spanDays = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;

/**
 * Starts the fake TikTok API. Point a connection's api_url at `apiUrl`.
 * @example const t = await startFakeTikTok({ data, accessToken: "tok" })
 */
export async function startFakeTikTok(o: FakeTikTokOptions): Promise<FakeTikTok> {
  const versions = o.versions ?? ["v1.3"];
  const violations: string[] = [];
  let fake: FakeTikTok;
  const refused = (req: RecordedRequest, message: string): Answer => {
    violations.push(`${req.method} ${req.url}: ${message}`);
    return envelope(40002, message);
  };

  const rowOf = (a: FakeAccount, names: ReturnType<typeof namesOf>, d: FakeDay, metrics: readonly string[]) => {
    const all: Record<string, string> = {
      campaign_id: d.campaignId,
      campaign_name: names.campaign.get(d.campaignId)?.name ?? "",
      adgroup_id: d.adGroupId,
      adgroup_name: names.adGroup.get(d.adGroupId)?.name ?? "",
      ad_name: names.ad.get(d.adId)?.name ?? "",
      spend: microsText(d.costMicros, 2),
      impressions: String(d.impressions),
      clicks: String(d.clicks),
      conversion: String(d.conversions),
      reach: String(d.reach),
      frequency: (d.impressions / d.reach).toFixed(2),
      currency: a.currency,
    };
    return { dimensions: { ad_id: d.adId, stat_time_day: `${d.date} 00:00:00` }, metrics: Object.fromEntries(metrics.map((m) => [m, all[m] ?? "0"])) };
  };

  const report = (req: RecordedRequest, a: FakeAccount, fault: Fault | null): Answer => {
    const p = req.query;
    for (const k of p.keys()) if (!REPORT_PARAMS.has(k)) return refused(req, `${k}: unknown parameter`);
    if (p.get("report_type") !== "BASIC") return refused(req, "report_type: the fake serves BASIC");
    if (p.get("service_type") !== null && p.get("service_type") !== "AUCTION") return refused(req, "service_type: the fake serves AUCTION");
    if (p.get("data_level") !== "AUCTION_AD") return refused(req, "data_level: the fake serves AUCTION_AD");
    const dimensions = jsonList(p.get("dimensions"));
    if (dimensions?.length !== 2 || !dimensions.includes("ad_id") || !dimensions.includes("stat_time_day")) return refused(req, "dimensions: the fake serves [\"ad_id\",\"stat_time_day\"]");
    const metrics = jsonList(p.get("metrics"));
    if (!metrics || metrics.length === 0) return refused(req, "metrics: a JSON list of metric names is required");
    for (const m of metrics) if (!METRICS.has(m)) return refused(req, `metrics: unknown metric ${m}`);
    const [from, to] = [p.get("start_date") ?? "", p.get("end_date") ?? ""];
    if (!ISO.test(from) || !ISO.test(to) || from > to) return refused(req, "start_date and end_date must be YYYY-MM-DD, start first");
    if (spanDays(from, to) > 30) return refused(req, "The time span of start_date and end_date cannot exceed 30 days when stat_time_day is a dimension");
    const page = Number(p.get("page") ?? 1);
    const size = Number(p.get("page_size") ?? 10);
    if (!Number.isInteger(page) || page < 1) return refused(req, "page must be a positive integer");
    if (!Number.isInteger(size) || size < 1 || size > 1000) return refused(req, "page_size must be 1..1000");
    if (fault?.kind === "too_much_data" || (o.tooLargeOverDays !== undefined && spanDays(from, to) > o.tooLargeOverDays)) return envelope(40067, "Query too large, please narrow the time range or reduce the dimensions.");
    let allStatuses = false;
    if (p.has("filtering")) {
      let filters: unknown;
      try {
        filters = JSON.parse(p.get("filtering") as string);
      } catch {
        return refused(req, "filtering: not JSON");
      }
      if (!Array.isArray(filters)) return refused(req, "filtering: a JSON list of filters is required");
      for (const f of filters as { field_name?: unknown; filter_type?: unknown; filter_value?: unknown }[]) {
        const values = typeof f?.filter_value === "string" ? jsonList(f.filter_value) : null;
        if (f?.field_name !== "ad_status" || f.filter_type !== "IN" || !values) return refused(req, `filtering: the fake serves ad_status IN a JSON-string list, got ${JSON.stringify(f)}`);
        allStatuses = values.includes("STATUS_ALL");
      }
    }
    const names = namesOf(a);
    const rows = (o.data.days.get(a.id) ?? []).filter((d) => d.adId !== "" && d.date >= from && d.date <= to && (allStatuses || !fake.deletedAds.has(d.adId)));
    const take = Math.min(size, o.maxPageSize ?? 1000);
    const list = rows.slice((page - 1) * take, page * take).map((d) => rowOf(a, names, d, metrics));
    return envelope(0, "OK", { list, page_info: { page, page_size: take, total_number: rows.length, total_page: Math.ceil(rows.length / take) } });
  };

  const handle = (req: RecordedRequest, play: (account: string) => Fault | null): Answer => {
    const m = /^\/open_api\/(v\d+\.\d+)\/(advertiser\/info|report\/integrated\/get)\/$/.exec(req.path);
    if (!m) {
      if (!/^\/open_api\/v\d+\.\d+\//.test(req.path)) violations.push(`${req.method} ${req.path}: no such path`);
      return { status: 404, text: "404 page not found" };
    }
    const [, version, endpoint] = m;
    if (!versions.includes(version as string)) return { status: 404, text: "404 page not found" };
    if (req.method !== "GET") return refused(req, `${req.method} is not allowed here`);
    if (req.headers.authorization) violations.push(`${req.path}: token sent as Authorization (TikTok documents the Access-Token header)`);
    if (req.query.has("access_token")) violations.push(`${req.path}: token sent in the query`);
    const token = req.headers["access-token"];
    if (!token) return envelope(40104, "Access token is null, please check the Access-Token header");
    if (token !== o.accessToken || fake.tokenInvalid) return envelope(40105, "Access token is incorrect or has been revoked.");
    const ids = endpoint === "advertiser/info" ? jsonList(req.query.get("advertiser_ids")) : [req.query.get("advertiser_id") ?? ""];
    if (!ids || ids.length === 0) return refused(req, "advertiser_ids: a JSON list of advertiser ids is required");
    const fault = play(ids[0] as string);
    if (fault?.kind === "rate_limit") return envelope(40100, "Too many requests. Request QPM exceeds the limit.");
    if (fault?.kind === "rate_limit_retry_after") return { ...envelope(40100, "Too many requests.", {}, 429), headers: { "retry-after": "1" } };
    if (fault?.kind === "server_error") return envelope(50000, "System error, please try again later.");
    if (fault?.kind === "permission") return envelope(40001, `No permission to operate advertiser ${ids[0]}.`);
    if (fault?.kind === "echo_secret") return envelope(40002, `Invalid request with Access-Token ${token}.`);
    const accounts = ids.map((id) => o.data.accounts.find((a) => a.id === id));
    if (accounts.some((a) => !a)) return envelope(40002, `advertiser_ids: Advertiser ${ids.find((_id, i) => !accounts[i])} does not exist or you do not have access to it.`);
    if (endpoint === "report/integrated/get") return report(req, accounts[0] as FakeAccount, fault);
    const fields = jsonList(req.query.get("fields")) ?? ["advertiser_id", "name"];
    for (const f of fields) if (!ADVERTISER_FIELDS.has(f)) return refused(req, `fields: unknown field ${f}`);
    const list = (accounts as FakeAccount[]).map((a) => {
      const all: Record<string, unknown> = { advertiser_id: a.id, name: a.name, currency: a.currency, timezone: a.timezone, display_timezone: a.timezone, status: "STATUS_ENABLE", role: "ROLE_ADVERTISER" };
      return Object.fromEntries(fields.map((f) => [f, all[f] ?? null]));
    });
    return envelope(0, "OK", { list });
  };

  const api = await startFakeServer(handle, violations);
  fake = Object.assign(api, { apiUrl: api.url, tokenInvalid: false, deletedAds: new Set<string>() });
  return fake;
}
