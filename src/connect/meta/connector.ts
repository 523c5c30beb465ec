// Meta Marketing API (Graph): a system-user access token (with appsecret_proof when the app secret is
// given), ad-level insights with time_increment=1 by cursor pages, asynchronous report runs for
// windows longer than a week (or when Meta says a request asks for too much), usage headers read on
// every answer. Money is the decimal string Meta sends. Reference: ../shared/reference/ad-platform-apis.md §2.
import { createHmac } from "node:crypto";
import { addDays, daysBetweenInclusive } from "../../domain/dates.js";
import { dayInZone } from "../../domain/zoned-day.js";
import type { AccountInfo, Connector, ConnectorSession, PlatformSession, Pulled, PullWindow } from "../connector.js";
import { endpointFields, matching } from "../field-checks.js";
import { type ApiRequest, type ApiResponse, jsonBody } from "../http-client.js";
import { ApiProblem, type Json, malformed, plainDuration } from "../problem.js";
import { windowSlices } from "../slices.js";
import { accountOf, type Delivery, syncedReach, syncedRow } from "../synced-rows.js";
import { countOf, decimalCount, decimalMicros } from "../values.js";
import { metaProblem } from "./errors.js";
import { PAUSE_AT_PERCENT, usageOf } from "./usage.js";

const SOURCE = "meta";
/** Windows longer than this run as asynchronous report runs (Meta recommends them for ad level and long ranges). */
const SYNC_MAX_DAYS = 7;
/** Days per report run: a failed run costs at most this much work. */
const SLICE_DAYS = 30;
const PAGE_SIZE = 500;
const MAX_PAGES = 10_000;
const MAX_POLLS = 1_000;
/** Days of insights Meta keeps: 37 months (about 1,126 days), less two weeks' margin. */
const HISTORY_DAYS = 37 * 30;

/** The insights fields read, as the importer reads an export's columns (clicks are link clicks). */
export const INSIGHT_FIELDS = [
  "account_id",
  "account_name",
  "account_currency",
  "campaign_id",
  "campaign_name",
  "adset_id",
  "adset_name",
  "ad_id",
  "ad_name",
  "date_start",
  "date_stop",
  "spend",
  "impressions",
  "inline_link_clicks",
  "reach",
  "frequency",
  "actions",
  "action_values",
];


class MetaSession implements PlatformSession {
  private readonly base: string;
  private readonly version: string;
  private readonly actions: string[];
  /** When the next call may start, after usage headers asked for a pause (epoch ms). */
  private pauseUntil = 0;

  constructor(private readonly s: ConnectorSession) {
    this.version = s.values.api_version as string;
    this.base = `${s.values.api_url}/${this.version}`;
    this.actions = (s.values.conversion_actions ?? "").split(",").map((a) => a.trim()).filter(Boolean);
    s.http.addSecrets(s.values.access_token ?? "", s.values.app_secret ?? "");
  }

  /** The token (and its proof) as parameters, as Meta documents them. */
  private credentials(): Record<string, string> {
    const token = this.s.values.access_token as string;
    const secret = this.s.values.app_secret;
    return { access_token: token, ...(secret ? { appsecret_proof: createHmac("sha256", secret).update(token).digest("hex") } : {}) };
  }

  /** One Graph call: waits out a pause the usage headers asked for, reads the answer, notes the usage. */
  private async call(account: string, method: "GET" | "POST", path: string, params: Record<string, string>, what: string): Promise<Json> {
    const wait = this.pauseUntil - this.s.http.now();
    if (wait > 0) await this.s.http.wait(wait, `Meta's usage limits to recover (${what})`);
    const all = new URLSearchParams({ ...params, ...this.credentials() }).toString();
    const req: ApiRequest =
      method === "GET"
        ? { method, url: `${this.base}/${path}?${all}`, what }
        : { method, url: `${this.base}/${path}`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: all, what };
    return this.s.http.send(req, (res) => this.read(res, account, what));
  }

  private read(res: ApiResponse, account: string, what: string): Json {
    const body = jsonBody(res, what);
    const usage = usageOf(res.headers);
    if (usage.percent >= PAUSE_AT_PERCENT) {
      const pause = usage.regainMs ?? this.s.http.timing.pauseMs;
      this.pauseUntil = Math.max(this.pauseUntil, this.s.http.now() + pause);
      this.s.progress(`${what}: Meta reports ${usage.percent} % of a limit used (${usage.header}); pausing ${plainDuration(pause)}`);
    }
    const problem = metaProblem(res.status, body, account, this.version, what);
    if (problem) throw problem;
    if (!body || typeof body !== "object") throw malformed(what, "the answer is not a JSON object");
    return body;
  }

  async account(id: string): Promise<AccountInfo> {
    const what = `ad account act_${id}`;
    const a = await this.call(id, "GET", `act_${id}`, { fields: "name,currency,timezone_name,account_status" }, what);
    return accountOf(what, id, { name: a.name, currency: a.currency, timezone: a.timezone_name }, ["currency", "timezone_name"]);
  }

  async pull(account: AccountInfo, w: PullWindow): Promise<Pulled> {
    const out: Pulled = { rows: [], reach: [] };
    // Insights go back 37 months; asking for earlier days fails the whole request.
    const oldest = addDays(dayInZone(this.s.http.now(), account.timezone), -HISTORY_DAYS);
    if (w.from < oldest) this.s.progress(`act_${account.id}: Meta keeps insights for 37 months: pulling from ${oldest}, not ${w.from}`);
    const first = [w.from, oldest].sort()[1] as string;
    for (const slice of windowSlices({ from: first, to: w.to }, SLICE_DAYS)) {
      const rows = await this.slice(account, slice);
      for (const r of rows) this.add(out, account, r, slice);
    }
    return out;
  }

  private params(w: PullWindow): Record<string, string> {
    return { level: "ad", time_increment: "1", time_range: JSON.stringify({ since: w.from, until: w.to }), fields: INSIGHT_FIELDS.join(","), limit: String(PAGE_SIZE) };
  }

  /** One slice's rows: synchronously when short, else (or when Meta says it is too much) through a report run. */
  private async slice(account: AccountInfo, w: PullWindow): Promise<Json[]> {
    const what = `the insights of act_${account.id} for ${w.from}..${w.to}`;
    if (daysBetweenInclusive(w.from, w.to) <= SYNC_MAX_DAYS) {
      try {
        return await this.pages(account.id, `act_${account.id}/insights`, this.params(w), what);
      } catch (e) {
        if (!(e instanceof ApiProblem && e.kind === "bad_request" && /so much data/.test(e.message))) throw e;
        this.s.progress(`${what}: too much for one request; running a report instead`);
      }
    }
    const runId = await this.startRun(account.id, w, what);
    await this.awaitRun(account.id, runId, what);
    return this.pages(account.id, `${runId}/insights`, { limit: String(PAGE_SIZE) }, `${what} (report run ${runId})`);
  }

  /** Every row of an insights edge, following the `after` cursor until Meta gives no next page. */
  private async pages(account: string, path: string, params: Record<string, string>, what: string): Promise<Json[]> {
    const rows: Json[] = [];
    let after: string | undefined;
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const pageWhat = page > 1 ? `${what}, page ${page}` : what;
      const body = await this.call(account, "GET", path, after ? { ...params, after } : params, pageWhat);
      if (!Array.isArray(body.data)) throw malformed(pageWhat, "no data list");
      rows.push(...body.data);
      const next = body.paging?.next;
      const cursor = body.paging?.cursors?.after;
      if (!next) return rows;
      if (typeof cursor !== "string" || cursor === "" || seen.has(cursor) || page >= MAX_PAGES) throw malformed(pageWhat, "the page cursors do not end");
      seen.add(cursor);
      after = cursor;
    }
  }

  private async startRun(account: string, w: PullWindow, what: string): Promise<string> {
    const body = await this.call(account, "POST", `act_${account}/insights`, this.params(w), `${what} (starting a report run)`);
    const id = body.report_run_id;
    if (typeof id !== "string" && typeof id !== "number") throw malformed(what, "no report_run_id");
    this.s.progress(`${what}: report run ${id} started`);
    return String(id);
  }

  /** Polls a report run until Meta completes it; a failed or skipped run is a `job_failed` problem. */
  private async awaitRun(account: string, runId: string, what: string): Promise<void> {
    let interval = this.s.http.timing.pollMs;
    for (let poll = 1; poll <= MAX_POLLS; poll++) {
      const run = await this.call(account, "GET", runId, { fields: "async_status,async_percent_completion,error_code,error_message,error_subcode,error_user_msg" }, `${what} (report run ${runId})`);
      const status = String(run.async_status ?? "");
      if (status === "Job Completed") return;
      if (status === "Job Failed" || status === "Job Skipped") {
        const detail = run.error_user_msg || run.error_message || "Meta gave no reason";
        const code = run.error_code !== undefined ? ` (code ${run.error_code}${run.error_subcode ? `/${run.error_subcode}` : ""})` : "";
        throw new ApiProblem("job_failed", `${what}: Meta's report run ${runId} ended '${status}': ${detail}${code}; the next sync tries again`);
      }
      if (!["Job Not Started", "Job Started", "Job Running"].includes(status)) throw malformed(what, `report run status '${status}'`);
      await this.s.http.wait(interval, `report run ${runId} (${Number(run.async_percent_completion ?? 0)} % done)`);
      interval = Math.min(interval * 1.5, 30 * this.s.http.timing.pollMs);
    }
    throw new ApiProblem("job_failed", `${what}: Meta's report run ${runId} did not finish after ${MAX_POLLS} polls`);
  }

  /** Adds one insights row (checked: this account, one day inside the slice). */
  private add(out: Pulled, account: AccountInfo, r: Json, w: PullWindow): void {
    const what = `the insights of act_${account.id}`;
    const date = r?.date_start;
    if (typeof date !== "string" || date < w.from || date > w.to || r.date_stop !== date) throw malformed(what, `a row dated ${JSON.stringify(date)}..${JSON.stringify(r?.date_stop)} outside ${w.from}..${w.to} or not one day`);
    if (r.account_id !== undefined && String(r.account_id) !== account.id) throw malformed(what, `a row of account ${r.account_id}`);
    if (r.account_currency !== undefined && r.account_currency !== account.currency) throw malformed(what, `a row in ${r.account_currency}, not the account's ${account.currency}`);
    const picked = this.actions.find((a) => Array.isArray(r.actions) && r.actions.some((x: Json) => x?.action_type === a));
    const actionValue = (list: Json, what2: string, parse: (v: unknown, w: string) => number | bigint) => {
      const hit = Array.isArray(list) ? list.find((x: Json) => x?.action_type === picked) : undefined;
      return parse(hit?.value, `${what}: ${what2} ${picked}`);
    };
    const d: Delivery = {
      date,
      campaignId: String(r.campaign_id ?? ""),
      campaign: String(r.campaign_name ?? ""),
      adGroupId: String(r.adset_id ?? ""),
      adGroup: String(r.adset_name ?? ""),
      adId: String(r.ad_id ?? ""),
      ad: String(r.ad_name ?? ""),
      cost: decimalMicros(r.spend, `${what}: spend`),
      impressions: countOf(r.impressions, `${what}: impressions`),
      clicks: countOf(r.inline_link_clicks, `${what}: inline_link_clicks`),
      conversions: picked ? (actionValue(r.actions, "actions", decimalCount) as number) : 0,
      revenue: picked ? (actionValue(r.action_values, "action_values", decimalMicros) as bigint) : 0n,
    };
    if (d.adId === "" && d.campaignId === "") throw malformed(what, "a row without ad_id");
    const row = syncedRow(SOURCE, { ...account, name: r.account_name === undefined ? account.name : String(r.account_name) }, d);
    out.rows.push(row);
    if (r.reach !== undefined && r.reach !== null && r.reach !== "") {
      const f = r.frequency === undefined || r.frequency === null || r.frequency === "" ? null : decimalCount(r.frequency, `${what}: frequency`);
      out.reach.push(syncedReach(row, countOf(r.reach, `${what}: reach`), f));
    }
  }
}

const DEFAULT_ACTIONS = "omni_purchase,purchase";

/** The Meta connector. */
export const metaConnector: Connector = {
  available: true,
  platform: "meta",
  source: SOURCE,
  label: "Meta (Facebook, Instagram)",
  lookbackDays: 28,
  accountHelp: "an ad account id (act_1234567890 or 1234567890)",
  normaliseAccount: (id) => {
    const m = /^(?:act_)?(\d{1,20})$/.exec(id.trim());
    return m ? (m[1] as string) : null;
  },
  fields: [
    { key: "access_token", label: "access token", secret: true, required: true, help: "a system-user access token with ads_read (Business settings → System users)" },
    { key: "app_secret", label: "app secret", secret: true, required: false, help: "the app's secret: calls then carry appsecret_proof (needed when the app requires it)" },
    {
      key: "conversion_actions",
      label: "conversion actions",
      secret: false,
      required: false,
      default: DEFAULT_ACTIONS,
      check: matching(/^[\w.]+(,[\w.]+)*$/, "action types separated by commas (omni_purchase,purchase)", (v) => v.replace(/\s+/g, "")),
      help: `action types counted as conversions, the first a row has (default ${DEFAULT_ACTIONS}: aliases of one purchase, never summed)`,
    },
    ...endpointFields("https://graph.facebook.com", "v27.0", /^v\d+\.\d+$/),
  ],
  open: (session) => new MetaSession(session),
};
