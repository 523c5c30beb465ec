// A fake Meta Marketing API (Graph), as Meta documents it (tests and benchmarks; not part of the
// build): GET /{v}/act_{id} (the ad account), GET /{v}/act_{id}/insights (ad level, daily, cursor
// pages), POST /{v}/act_{id}/insights (an asynchronous report run), GET /{v}/{run} (its status) and
// GET /{v}/{run}/insights (its rows). The access token (and appsecret_proof, when the app secret is
// known) is checked on every call; numbers are strings; usage headers ride on every answer; errors
// carry Graph's { error: { message, type, code, error_subcode, fbtrace_id } }.
import { createHmac, randomBytes } from "node:crypto";
import type { FakeAccount, FakeDay, FakeDelivery } from "./delivery.js";
import { microsText, namesOf } from "./delivery.js";
import { type Answer, type FakeApi, type Fault, formOf, type RecordedRequest, startFakeServer } from "./fake-server.js";

export interface FakeMetaOptions {
  data: FakeDelivery;
  accessToken: string;
  /** When set, every call must carry appsecret_proof = HMAC-SHA256(app secret, token). */
  appSecret?: string;
  versions?: string[];
  /** Largest `limit` Meta accepts here (rows per page). */
  maxLimit?: number;
  /** Polls a report run answers "Job Running" before "Job Completed". */
  pollsToComplete?: number;
  /** Serve a repeated page of insights as first serialized (benchmarks); report runs of one window keep their id. */
  memo?: boolean;
}

export interface FakeMeta extends FakeApi {
  apiUrl: string;
  /** The token has expired: every call answers code 190/463 from now on. */
  tokenExpired: boolean;
  /** Report runs fail ("Job Failed") for these accounts. */
  failRunsOf: Set<string>;
}

const ACCOUNT_FIELDS = new Set(["id", "name", "currency", "timezone_name", "account_status", "account_id", "business", "timezone_offset_hours_utc"]);
const INSIGHT_FIELDS = new Set([
  "account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name",
  "date_start", "date_stop", "spend", "impressions", "clicks", "inline_link_clicks", "reach", "frequency", "actions", "action_values", "cpm", "ctr",
]);
const INSIGHT_PARAMS = new Set([
  "level", "time_increment", "time_range", "time_ranges", "date_preset", "fields", "limit", "after", "before", "breakdowns", "action_breakdowns",
  "action_attribution_windows", "filtering", "sort", "use_account_attribution_setting", "use_unified_attribution_setting", "access_token", "appsecret_proof",
]);
const RUN_FIELDS = new Set(["id", "account_id", "async_status", "async_percent_completion", "date_start", "date_stop", "time_ref", "time_completed", "error_code", "error_message", "error_subcode", "error_user_msg", "error_user_title"]);

function graphError(status: number, code: number, message: string, subcode?: number, type = "OAuthException"): Answer {
  return { status, json: { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: randomBytes(6).toString("base64url") } } };
}

interface Run {
  id: string;
  account: FakeAccount;
  since: string;
  until: string;
  fields: string[];
  polls: number;
  fails: boolean;
}

/** One insights row with the fields asked for, numbers as strings (Meta's way). */
function insightRow(a: FakeAccount, d: FakeDay, fields: readonly string[], names: ReturnType<typeof namesOf>): Record<string, unknown> {
  const c = names.campaign.get(d.campaignId);
  const g = names.adGroup.get(d.adGroupId);
  const ad = names.ad.get(d.adId);
  const purchases = d.conversions > 0 ? [{ action_type: "link_click", value: String(d.clicks) }, { action_type: "omni_purchase", value: String(d.conversions) }, { action_type: "purchase", value: String(d.conversions) }] : [{ action_type: "link_click", value: String(d.clicks) }];
  const values = d.valueMicros > 0n ? [{ action_type: "omni_purchase", value: microsText(d.valueMicros, 2) }, { action_type: "purchase", value: microsText(d.valueMicros, 2) }] : undefined;
  const all: Record<string, unknown> = {
    account_id: a.id,
    account_name: a.name,
    account_currency: a.currency,
    campaign_id: d.campaignId,
    campaign_name: c?.name,
    adset_id: d.adGroupId,
    adset_name: g?.name,
    ad_id: d.adId,
    ad_name: ad?.name,
    date_start: d.date,
    date_stop: d.date,
    spend: microsText(d.costMicros, 2),
    impressions: String(d.impressions),
    clicks: String(d.clicks),
    inline_link_clicks: String(d.clicks),
    reach: String(d.reach),
    frequency: (d.impressions / d.reach).toFixed(6),
    actions: purchases,
    action_values: values,
  };
  const row: Record<string, unknown> = {};
  for (const f of fields) if (all[f] !== undefined) row[f] = all[f];
  row.date_start = d.date;
  row.date_stop = d.date;
  return row;
}

/**
 * Starts the fake Meta Marketing API. Point a connection's api_url at `apiUrl`.
 * @example const m = await startFakeMeta({ data, accessToken: "EAAB…" })
 */
export async function startFakeMeta(o: FakeMetaOptions): Promise<FakeMeta> {
  const versions = o.versions ?? ["v27.0"];
  const maxLimit = o.maxLimit ?? 5000;
  const runs = new Map<string, Run>();
  const runIds = new Map<string, string>();
  const violations: string[] = [];
  let fake: FakeMeta;
  let calls = 0;
  const usage = (throttled: boolean): Record<string, string> => ({
    "x-app-usage": JSON.stringify({ call_count: throttled ? 97 : Math.min(90, calls % 50), total_cputime: 1, total_time: 1 }),
    "x-business-use-case-usage": JSON.stringify({ "1234567890": [{ type: "ads_insights", call_count: 2, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }] }),
    "x-fb-ads-insights-throttle": JSON.stringify({ app_id_util_pct: 1, acc_id_util_pct: 1 }),
  });

  const params = (req: RecordedRequest) => (req.method === "POST" ? formOf(req) : req.query);

  /** Rows of an account over a window, in a stable order (kept while the delivery is the same: pages read them again). */
  const cache = new Map<string, { days: readonly FakeDay[] | undefined; rows: Record<string, unknown>[] }>();
  const rowsOf = (a: FakeAccount, since: string, until: string, fields: string[]) => {
    const key = `${a.id}|${since}|${until}|${fields.join(",")}`;
    const days = o.data.days.get(a.id);
    const hit = cache.get(key);
    if (hit && hit.days === days) return hit.rows;
    const names = namesOf(a);
    const rows = (days ?? []).filter((d) => d.adId !== "" && d.date >= since && d.date <= until).map((d) => insightRow(a, d, fields, names));
    cache.set(key, { days, rows });
    return rows;
  };

  /** A page of rows after the cursor, with Meta's paging object. */
  const page = (req: RecordedRequest, rows: Record<string, unknown>[], limit: number): Answer => {
    const p = params(req);
    const after = p.get("after");
    let offset = 0;
    if (after !== null) {
      const m = /^c(\d+)$/.exec(Buffer.from(after, "base64url").toString());
      if (!m) return graphError(400, 100, "(#100) The after cursor is not valid", undefined, "GraphMethodException");
      offset = Number(m[1]);
    }
    const data = rows.slice(offset, offset + limit);
    const cursor = (n: number) => Buffer.from(`c${n}`).toString("base64url");
    const more = offset + limit < rows.length;
    const next = new URL(`${fake.url}${req.path}`);
    for (const [k, v] of p) if (k !== "after") next.searchParams.set(k, v);
    next.searchParams.set("after", cursor(offset + limit));
    return { status: 200, json: { data, paging: { cursors: { before: cursor(offset), after: cursor(offset + limit) }, ...(more ? { next: next.toString() } : {}) } } };
  };

  const limitOf = (p: URLSearchParams): number | Answer => {
    const l = p.get("limit");
    if (l === null) return 25;
    if (!/^\d+$/.test(l) || Number(l) < 1 || Number(l) > maxLimit) return graphError(400, 100, `(#100) limit must be a number from 1 to ${maxLimit}`, undefined, "OAuthException");
    return Number(l);
  };

  const handle = (req: RecordedRequest, play: (account: string) => Fault | null): Answer => {
    calls++;
    const m = /^\/(v\d+\.\d+)\/(act_(\d+)|(\d+))(\/insights)?$/.exec(req.path);
    if (!m) {
      violations.push(`${req.method} ${req.path}: no such path`);
      return graphError(400, 2500, "Unknown path components", undefined, "OAuthException");
    }
    const [, v, , actId, runId, insights] = m;
    const p = params(req);
    if (!versions.includes(v as string)) return graphError(400, 2635, `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${versions[versions.length - 1]}.`);
    const token = p.get("access_token");
    if (req.headers.authorization) violations.push(`${req.path}: token sent as a header (Meta documents the access_token parameter)`);
    if (!token) return graphError(400, 104, "An access token is required to request this resource.");
    if (fake.tokenExpired && token === o.accessToken) return graphError(400, 190, "Error validating access token: Session has expired.", 463);
    if (token !== o.accessToken) return graphError(400, 190, "Invalid OAuth access token - Cannot parse access token");
    if (o.appSecret !== undefined) {
      const want = createHmac("sha256", o.appSecret).update(token).digest("hex");
      if (p.get("appsecret_proof") !== want) return graphError(400, 100, "Invalid appsecret_proof provided in the API argument", undefined, "GraphMethodException");
    }
    if (req.method === "POST" && !String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) violations.push(`${req.path}: POST body as ${req.headers["content-type"]}`);
    const account = actId ? o.data.accounts.find((a) => a.id === actId) : runs.get(runId as string)?.account;
    const fault = play(account?.id ?? "");
    const headers = usage(fault?.kind === "throttle_headers");
    const answer = (a: Answer): Answer => ({ ...a, headers: { ...headers, ...a.headers } });
    if (fault?.kind === "rate_limit") return answer(graphError(400, 17, "(#17) User request limit reached", 2446079));
    if (fault?.kind === "server_error") return answer({ status: 500, json: { error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", code: 2, is_transient: true, fbtrace_id: "x" } } });
    if (fault?.kind === "too_much_data") return answer(graphError(400, 100, "Please reduce the amount of data you're asking for, then retry your request", 1487534));
    if (fault?.kind === "permission") return answer(graphError(400, 200, "(#200) Ad account owner has NOT grant ads_management or ads_read permission"));
    if (actId && !account) return answer(graphError(400, 100, `Unsupported get request. Object with ID 'act_${actId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33, "GraphMethodException"));
    if (!actId && !account) return answer(graphError(400, 100, `Unsupported get request. Object with ID '${runId}' does not exist.`, 33, "GraphMethodException"));
    const a = account as FakeAccount;
    for (const k of p.keys()) if (insights && !INSIGHT_PARAMS.has(k)) return answer(graphError(400, 100, `(#100) param ${k} is not a valid parameter`));

    // The ad account.
    if (actId && !insights) {
      if (req.method !== "GET") return answer(graphError(400, 100, "(#100) Unsupported post request."));
      const fields = (p.get("fields") ?? "id").split(",");
      for (const f of fields) if (!ACCOUNT_FIELDS.has(f)) return answer(graphError(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (AdAccount)`));
      const all: Record<string, unknown> = { id: `act_${a.id}`, account_id: a.id, name: a.name, currency: a.currency, timezone_name: a.timezone, account_status: 1 };
      return answer({ status: 200, json: Object.fromEntries([["id", `act_${a.id}`], ...fields.map((f) => [f, all[f]])]) });
    }
    // A report run's status.
    if (runId && !insights) {
      const run = runs.get(runId) as Run;
      const fields = (p.get("fields") ?? "id,async_status,async_percent_completion").split(",");
      for (const f of fields) if (!RUN_FIELDS.has(f)) return answer(graphError(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (AdReportRun)`));
      run.polls++;
      const done = run.polls > (o.pollsToComplete ?? 1);
      const status = !done ? (run.polls === 1 ? "Job Not Started" : "Job Running") : run.fails ? "Job Failed" : "Job Completed";
      const all: Record<string, unknown> = { id: run.id, account_id: a.id, async_status: status, async_percent_completion: done ? 100 : 50, date_start: run.since, date_stop: run.until };
      if (status === "Job Failed") Object.assign(all, { error_code: -2, error_subcode: 2490547, error_message: "Report failed", error_user_msg: "The report could not be generated. Please try again later." });
      return answer({ status: 200, json: Object.fromEntries([["id", run.id], ...fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]])]) });
    }
    // A report run's rows.
    if (runId && insights) {
      const run = runs.get(runId) as Run;
      if (run.polls <= (o.pollsToComplete ?? 1) || run.fails) return answer(graphError(400, 100, "(#100) The report run is not completed", 2490016));
      const limit = limitOf(p);
      if (typeof limit !== "number") return answer(limit);
      return answer(page(req, rowsOf(a, run.since, run.until, run.fields), limit));
    }
    // Insights of the ad account: synchronous (GET) or a report run (POST).
    if (p.get("level") !== "ad") return answer(graphError(400, 100, "(#100) level must be one of: ad, adset, campaign, account (cpi asks for ad)"));
    if (p.get("time_increment") !== "1") return answer(graphError(400, 100, "(#100) time_increment must be 1 for daily rows"));
    let range: { since?: unknown; until?: unknown };
    try {
      range = JSON.parse(p.get("time_range") ?? "");
    } catch {
      return answer(graphError(400, 100, "(#100) time_range must be a JSON object {since, until}"));
    }
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    if (typeof range.since !== "string" || typeof range.until !== "string" || !iso.test(range.since) || !iso.test(range.until) || range.since > range.until) {
      return answer(graphError(400, 100, "(#100) time_range must have since <= until as YYYY-MM-DD"));
    }
    const limit37 = new Date();
    limit37.setUTCMonth(limit37.getUTCMonth() - 37);
    if (range.since < limit37.toISOString().slice(0, 10)) return answer(graphError(400, 3018, "(#3018) The start date of the time range cannot be beyond 37 months from the current date"));
    const fields = (p.get("fields") ?? "").split(",").filter(Boolean);
    for (const f of fields) if (!INSIGHT_FIELDS.has(f)) return answer(graphError(400, 100, `(#100) ${f} is not valid for fields param.`));
    if (req.method === "POST") {
      const key = `${a.id}|${range.since}|${range.until}|${fields.join(",")}`;
      const id = (o.memo && runIds.get(key)) || String(6_000_000_000_000_000 + runs.size * 17 + Number(a.id.slice(-3)));
      runIds.set(key, id);
      runs.set(id, { id, account: a, since: range.since, until: range.until, fields, polls: 0, fails: fake.failRunsOf.has(a.id) });
      return answer({ status: 200, json: { report_run_id: id } });
    }
    const limit = limitOf(p);
    if (typeof limit !== "number") return answer(limit);
    return answer(page(req, rowsOf(a, range.since, range.until, fields), limit));
  };
  const api = await startFakeServer(handle, violations, { memo: (req) => (o.memo ?? false) && req.method === "GET" && req.path.endsWith("/insights") });
  fake = Object.assign(api, { apiUrl: api.url, tokenExpired: false, failRunsOf: new Set<string>() });
  return fake;
}
