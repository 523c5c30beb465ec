// Microsoft Advertising API v13 (REST/JSON): OAuth through the Microsoft identity platform (refresh
// token grant, scope msads.manage offline_access, rotated refresh tokens saved), the account from
// Customer Management GetAccount, and delivery from the Reporting service: SubmitGenerateReport,
// PollGenerateReport until Success, then the ZIP at ReportDownloadUrl, whose CSV the Microsoft
// importer reads (ingest/platforms/microsoft.ts): the rows a sync stores are the rows an import of
// the same report stores. Reference: ../shared/reference/ad-platform-apis.md §3;
// https://learn.microsoft.com/en-us/advertising/guides/request-download-report
import { addDays } from "../../domain/dates.js";
import { isUserError } from "../../domain/errors.js";
import type { SpendRow } from "../../domain/spend.js";
import { dayInZone } from "../../domain/zoned-day.js";
import { parseReport } from "../../ingest/index.js";
import { onlyZipEntry } from "../../ingest/zip-entry.js";
import type { AccountInfo, Connector, ConnectorSession, PlatformSession, Pulled, PullWindow } from "../connector.js";
import { endpointFields, httpUrl, matching } from "../field-checks.js";
import { type ApiRequest, type ApiResponse, jsonBody } from "../http-client.js";
import { RefreshTokenAuth } from "../oauth.js";
import { ApiProblem, type Json, malformed } from "../problem.js";
import { microsoftProblem } from "./errors.js";
import { microsoftTimeZone } from "./time-zones.js";

const SOURCE = "microsoft-ads";
/** Polls of one report before cpi gives up on it (the deadline usually ends it first). */
const MAX_POLLS = 1_000;
/** Days of daily performance data Microsoft keeps: 36 months, less two weeks' margin. */
const HISTORY_DAYS = 36 * 30;
export const SCOPE = "https://ads.microsoft.com/msads.manage offline_access";

/** Columns of the ad report: identities, the account's currency and the measures the importer reads. */
export const AD_COLUMNS = ["TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName", "AdGroupId", "AdGroupName", "AdId", "AdTitle", "CurrencyCode", "Impressions", "Clicks", "Spend", "Conversions", "Revenue"];
/** Columns of the campaign report, kept for the campaign-days no ad reports. */
export const CAMPAIGN_COLUMNS = ["TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName", "CurrencyCode", "Impressions", "Clicks", "Spend", "Conversions", "Revenue"];

/** A date as the Reporting service's Date object. */
const dateOf = (d: string) => ({ Day: Number(d.slice(8, 10)), Month: Number(d.slice(5, 7)), Year: Number(d.slice(0, 4)) });

/** The Reporting service request of a daily report over one account and window (CSV, FormatVersion 2.0: no thousands separators). */
export function reportRequest(type: "AdPerformanceReportRequest" | "CampaignPerformanceReportRequest", accountId: string, w: PullWindow, reportTimeZone: string): Json {
  return {
    ReportRequest: {
      Type: type,
      ReportName: `cpi ${type === "AdPerformanceReportRequest" ? "ads" : "campaigns"} ${w.from}..${w.to}`,
      Format: "Csv",
      FormatVersion: "2.0",
      ExcludeReportHeader: true,
      ExcludeReportFooter: true,
      ExcludeColumnHeaders: false,
      ReturnOnlyCompleteData: false,
      Aggregation: "Daily",
      Columns: type === "AdPerformanceReportRequest" ? AD_COLUMNS : CAMPAIGN_COLUMNS,
      Scope: { AccountIds: [Number(accountId)] },
      Time: { CustomDateRangeStart: dateOf(w.from), CustomDateRangeEnd: dateOf(w.to), ReportTimeZone: reportTimeZone },
    },
  };
}

/** What GetAccount said about an account beyond AccountInfo: the values its report requests carry. */
interface AccountExtra {
  /** The account's TimeZone value, sent back as the report's ReportTimeZone. */
  zoneValue: string;
  /** The manager account (customer) owning it, for the CustomerId header when the connection sets none. */
  parentCustomerId: string;
}

class MicrosoftSession implements PlatformSession {
  private readonly auth: RefreshTokenAuth;
  private readonly version: string;
  private readonly extra = new Map<string, AccountExtra>();

  constructor(private readonly s: ConnectorSession) {
    const v = s.values;
    this.version = v.api_version as string;
    this.auth = new RefreshTokenAuth(
      s.http,
      { tokenUrl: v.token_url as string, clientId: v.client_id as string, ...(v.client_secret ? { clientSecret: v.client_secret } : {}), refreshToken: v.refresh_token as string, scope: SCOPE },
      { platformLabel: "Microsoft", connection: s.connection, fix: s.fix },
      undefined,
      (token) => s.rotated?.("refresh_token", token),
    );
    s.http.addSecrets(v.developer_token ?? "");
  }

  /** The headers of a call about `account` (the Reporting service wants the account and its manager). */
  private headers(account: string | null): Record<string, string> {
    const v = this.s.values;
    const customer = v.customer_id || (account ? this.extra.get(account)?.parentCustomerId : undefined);
    return {
      "content-type": "application/json",
      accept: "application/json",
      DeveloperToken: v.developer_token as string,
      ...(account ? { CustomerAccountId: account } : {}),
      ...(account && customer ? { CustomerId: customer } : {}),
    };
  }

  /** Reads a JSON answer: the body, or the problem its ApplicationFault describes. */
  private read(account: string, what: string): (res: ApiResponse) => Json {
    return (res) => {
      const body = res.status === 404 && !res.text.trimStart().startsWith("{") ? null : jsonBody(res, what);
      const problem = microsoftProblem(res.status, body, account, this.version, what, res.headers);
      if (problem) throw problem;
      if (!body || typeof body !== "object" || Array.isArray(body)) throw malformed(what, "the answer is not a JSON object");
      return body;
    };
  }

  private async call(account: string, url: string, body: Json, what: string, headerAccount: string | null): Promise<Json> {
    const req: ApiRequest = { method: "POST", url, headers: this.headers(headerAccount), body: JSON.stringify(body), what };
    return this.s.http.send(req, this.read(account, what), this.auth);
  }

  async account(id: string): Promise<AccountInfo> {
    const what = `account ${id}`;
    const got = await this.call(id, `${this.s.values.customer_api_url}/CustomerManagement/${this.version}/Account/Query`, { AccountId: Number(id) }, what, null);
    const a = got.Account;
    if (!a || typeof a !== "object") throw new ApiProblem("unknown_account", `${what}: Microsoft Advertising returned no account for this id`);
    if (String(a.Id) !== id) throw malformed(what, `an account with Id ${JSON.stringify(a.Id)}`);
    const zoneValue = String(a.TimeZone ?? "");
    const timezone = microsoftTimeZone(zoneValue);
    // Not retried: the same answer would come back. The account's rows cannot be dated without it.
    if (timezone === null) throw new ApiProblem("bad_request", `${what}: Microsoft Advertising gives its time zone as '${zoneValue}', which this cpi does not know (newer than its list of Microsoft's zones): update cpi`);
    const currency = String(a.CurrencyCode ?? "");
    if (!/^[A-Z]{3}$/.test(currency)) throw malformed(what, `CurrencyCode '${currency}'`);
    this.extra.set(id, { zoneValue, parentCustomerId: a.ParentCustomerId === undefined || a.ParentCustomerId === null ? "" : String(a.ParentCustomerId) });
    const number = typeof a.Number === "string" && a.Number !== "" && a.Number !== id ? [a.Number] : [];
    return { id, name: String(a.Name ?? ""), currency, timezone, aliases: number };
  }

  async pull(account: AccountInfo, w: PullWindow): Promise<Pulled> {
    const oldest = addDays(dayInZone(this.s.http.now(), account.timezone), -HISTORY_DAYS);
    if (w.from < oldest) this.s.progress(`account ${account.id}: Microsoft Advertising keeps daily data for 36 months: pulling from ${oldest}, not ${w.from}`);
    const window = { from: [w.from, oldest].sort()[1] as string, to: w.to };
    if (window.from > window.to) return { rows: [], reach: [] };
    const ads = await this.report(account, "AdPerformanceReportRequest", window);
    const campaigns = await this.report(account, "CampaignPerformanceReportRequest", window);
    const covered = new Set(ads.map((r) => `${r.campaign_id}\u0000${r.date_start}`));
    const rows = [...ads, ...campaigns.filter((r) => !covered.has(`${r.campaign_id}\u0000${r.date_start}`))];
    this.s.progress(`account ${account.id}: ${ads.length.toLocaleString("en-US")} ad-days, ${(rows.length - ads.length).toLocaleString("en-US")} campaign-days without ads`);
    return { rows, reach: [] };
  }

  /** One report's rows: submitted, polled until Microsoft has it, downloaded and read as the importer reads it. */
  private async report(account: AccountInfo, type: "AdPerformanceReportRequest" | "CampaignPerformanceReportRequest", w: PullWindow): Promise<SpendRow[]> {
    const what = `the ${type === "AdPerformanceReportRequest" ? "ad" : "campaign"} report of account ${account.id} for ${w.from}..${w.to}`;
    const base = `${this.s.values.api_url}/Reporting/${this.version}/GenerateReport`;
    const zone = this.extra.get(account.id)?.zoneValue as string;
    const submitted = await this.call(account.id, `${base}/Submit`, reportRequest(type, account.id, w, zone), `${what} (submitting it)`, account.id);
    const id = submitted.ReportRequestId;
    if (typeof id !== "string" || id === "" || id.length > 40) throw malformed(what, "no ReportRequestId");
    this.s.progress(`${what}: report ${id} submitted`);
    for (let attempt = 1; ; attempt++) {
      const url = await this.awaitReport(account.id, base, id, what);
      if (url === null) return []; // Success without a file: no delivery in the window
      try {
        return await this.s.http.send({ method: "GET", url, headers: { accept: "application/zip, application/octet-stream" }, what: `${what} (downloading report ${id})` }, (res) => this.readFile(res, account, w, `${what} (report ${id})`));
      } catch (e) {
        // The download address lives 5 minutes: when it has expired, a new poll gives a fresh one.
        if (!(e instanceof ApiProblem && (e.status === 403 || e.status === 404) && attempt === 1)) throw e;
        this.s.progress(`${what}: the download address of report ${id} expired; asking for a new one`);
      }
    }
  }

  /** Polls a report until Microsoft says Success (its download address, null when there is no data) or Error. */
  private async awaitReport(account: string, base: string, id: string, what: string): Promise<string | null> {
    let interval = this.s.http.timing.pollMs;
    for (let poll = 1; poll <= MAX_POLLS; poll++) {
      const got = await this.call(account, `${base}/Poll`, { ReportRequestId: id }, `${what} (report ${id})`, account);
      const st = got.ReportRequestStatus;
      const status = String(st?.Status ?? "");
      if (status === "Success") {
        const url = st.ReportDownloadUrl;
        if (url === null || url === undefined || url === "") return null;
        if (typeof url !== "string" || !("value" in httpUrl(url))) throw malformed(what, "a ReportDownloadUrl that is not a URL");
        return url;
      }
      if (status === "Error") throw new ApiProblem("job_failed", `${what}: Microsoft Advertising's report ${id} ended with Status 'Error'; the next sync tries again`);
      if (status !== "Pending") throw malformed(what, `report status '${status}'`);
      await this.s.http.wait(interval, `report ${id} of account ${account}`);
      interval = Math.min(interval * 1.5, 30 * this.s.http.timing.pollMs);
    }
    throw new ApiProblem("job_failed", `${what}: Microsoft Advertising's report ${id} was not ready after ${MAX_POLLS} polls`);
  }

  /** The downloaded ZIP's CSV read by the Microsoft importer, its rows checked against the account and window. */
  private readFile(res: ApiResponse, account: AccountInfo, w: PullWindow, what: string): SpendRow[] {
    if (res.status !== 200) {
      const status = res.status;
      throw new ApiProblem(status >= 500 || status === 429 ? "transient" : "bad_request", `${what}: the download answered HTTP ${status}`, { status });
    }
    let parsed: ReturnType<typeof parseReport>;
    try {
      const csv = onlyZipEntry(res.bytes);
      parsed = parseReport(csv.bytes, { fileName: csv.name, source: SOURCE, timezone: account.timezone, account: account.id, currency: account.currency });
    } catch (e) {
      if (!isUserError(e)) throw e;
      throw malformed(what, e.message);
    }
    const error = parsed.issues.find((i) => i.severity === "error");
    if (error) throw malformed(what, `line ${error.line}${error.column ? `, ${error.column}` : ""}: ${error.message}`);
    for (const r of parsed.rows) {
      if (r.account_id !== account.id) throw malformed(what, `a row of account ${r.account_id}`);
      if (r.currency !== account.currency) throw malformed(what, `a row in ${r.currency}, not the account's ${account.currency}`);
      if (r.date_start !== r.date_end || r.date_start < w.from || r.date_end > w.to) throw malformed(what, `a row dated ${r.date_start}..${r.date_end} outside ${w.from}..${w.to} or not one day`);
    }
    return parsed.rows;
  }
}

/** The Microsoft Advertising connector. */
export const microsoftConnector: Connector = {
  available: true,
  platform: "microsoft",
  source: SOURCE,
  label: "Microsoft Advertising",
  lookbackDays: 14,
  accountHelp: "an account id (the digits of Account ID, not the account number such as F1234567)",
  normaliseAccount: (id) => (/^\d{1,19}$/.test(id.trim()) ? id.trim() : null),
  fields: [
    { key: "client_id", label: "OAuth client id", secret: false, required: true, help: "Application (client) id of your app registration in Microsoft Entra" },
    { key: "client_secret", label: "OAuth client secret", secret: true, required: false, help: "client secret of the app registration (web apps; leave out for a public client)" },
    { key: "refresh_token", label: "OAuth refresh token", secret: true, required: true, help: "refresh token of a user with access to the accounts (scope https://ads.microsoft.com/msads.manage offline_access)" },
    { key: "developer_token", label: "developer token", secret: true, required: true, help: "developer token (Microsoft Advertising → Settings → Developer settings)" },
    {
      key: "customer_id",
      label: "customer id",
      secret: false,
      required: false,
      check: matching(/^\d{1,19}$/, "a customer (manager account) id: digits"),
      help: "the manager account (customer) through which the user reaches the accounts; default: each account's own customer",
    },
    ...endpointFields("https://reporting.api.bingads.microsoft.com", "v13", /^v\d{2,}$/),
    { key: "customer_api_url", label: "Customer Management base URL", secret: false, required: false, default: "https://clientcenter.api.bingads.microsoft.com", check: httpUrl, help: "base URL of the Customer Management service (default https://clientcenter.api.bingads.microsoft.com)" },
    {
      key: "token_url",
      label: "token endpoint",
      secret: false,
      required: false,
      default: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
      check: httpUrl,
      help: "OAuth token endpoint (default https://login.microsoftonline.com/common/oauth2/v2.0/token; a single-tenant app puts its tenant id in place of common)",
    },
  ],
  open: (session) => new MicrosoftSession(session),
};
