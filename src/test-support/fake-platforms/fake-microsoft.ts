// A fake Microsoft Advertising API v13 (REST/JSON) and Microsoft identity platform token endpoint, as
// Microsoft documents them (tests and benchmarks; not part of the build): POST /oauth2/v2.0/token
// (refresh-token grant with scope msads.manage offline_access; every refresh hands back a new
// refresh token), POST /CustomerManagement/v13/Account/Query (GetAccount), POST
// /Reporting/v13/GenerateReport/Submit and /Poll (Pending, then Success with a download address, or
// Error), GET /download/{id}.zip (the ZIP holding the report CSV). Every call is checked: method,
// path, headers (Authorization: Bearer, DeveloperToken, CustomerId, CustomerAccountId), body fields
// and values; anything else answers Microsoft's ApplicationFault and is listed in `violations`.
import { randomBytes } from "node:crypto";
import { zipSync } from "fflate";
import type { FakeAccount, FakeDelivery } from "./delivery.js";
import { campaignDays, isMicrosoftColumn, microsoftReportCsv } from "./export-files.js";
import { type Answer, type FakeApi, type Fault, formOf, type RecordedRequest, startFakeServer } from "./fake-server.js";

export interface FakeMicrosoftOptions {
  data: FakeDelivery;
  clientId: string;
  /** When set, refreshes must carry it (a web app); else none may (a public client). */
  clientSecret?: string;
  refreshToken: string;
  developerToken: string;
  versions?: string[];
  /** Polls answered Pending before Success (default 1). */
  pollsToComplete?: number;
  /** Serve a report asked for again (same account, type, columns, dates, format) as first zipped (benchmarks). */
  memo?: boolean;
}

export interface FakeMicrosoft extends FakeApi {
  apiUrl: string;
  tokenUrl: string;
  /** Answer invalid_grant to every refresh from now on (the refresh token was revoked or expired). */
  refuseRefresh: boolean;
  /** Reports of these accounts end with Status Error. */
  failReportsOf: Set<string>;
  /** Refresh tokens handed out so far (Microsoft rotates them on every refresh). */
  issuedRefreshTokens: string[];
}

/** The manager account (customer) owning a fake account: its managerId, else one derived from its id. */
export const parentCustomerOf = (a: FakeAccount): string => a.managerId ?? `7${a.id.slice(-6)}`;

/** Microsoft's TimeZone values (guides/time-zones.md) the fake accepts as ReportTimeZone, and the account zones it gives. */
const TIME_ZONES: Record<string, string> = {
  "America/New_York": "EasternTimeUSCanada",
  "America/Los_Angeles": "PacificTimeUSCanadaTijuana",
  "Europe/Amsterdam": "AmsterdamBerlinBernRomeStockholmVienna",
  "Europe/London": "GreenwichMeanTimeDublinEdinburghLisbonLondon",
  "Australia/Sydney": "CanberraMelbourneSydney",
  "Asia/Tokyo": "OsakaSapporoTokyo",
  UTC: "GreenwichMeanTimeDublinEdinburghLisbonLondon",
};
const REPORT_TIME_ZONES = new Set([...Object.values(TIME_ZONES), "BrusselsCopenhagenMadridParis", "CentralTimeUSCanada", "MountainTimeUSCanada"]);

const REQUEST_KEYS = new Set(["Type", "ReportName", "Format", "FormatVersion", "ExcludeReportHeader", "ExcludeReportFooter", "ExcludeColumnHeaders", "ReturnOnlyCompleteData", "Aggregation", "Columns", "Scope", "Time", "Filter"]);
const AGGREGATIONS = new Set(["Summary", "Hourly", "Daily", "Weekly", "WeeklyStartingMonday", "Monthly", "Yearly", "DayOfWeek", "HourOfDay"]);
const AD_ONLY = new Set(["AdGroupId", "AdGroupName", "AdId", "AdTitle"]);

interface Report {
  id: string;
  account: FakeAccount;
  type: string;
  columns: string[];
  from: string;
  to: string;
  formatVersion: "1.0" | "2.0";
  excludeHeader: boolean;
  excludeFooter: boolean;
  excludeColumnHeaders: boolean;
  zone: string;
  polls: number;
  fails: boolean;
  sig: string;
}

/** Microsoft's REST error body: an ApplicationFault with its operation errors. */
function fault(status: number, code: number, errorCode: string, message: string, type = "ApiFaultDetail"): Answer {
  const errors = [{ Code: code, ErrorCode: errorCode, Message: message, Details: null }];
  return { status, json: { ApplicationFault: { Type: type, TrackingId: randomBytes(8).toString("hex"), ...(type === "AdApiFaultDetail" ? { Errors: errors } : { OperationErrors: errors, BatchErrors: [] }) } } };
}

const isoOf = (t: { Day?: unknown; Month?: unknown; Year?: unknown } | undefined): string | null => {
  if (!t || ![t.Day, t.Month, t.Year].every((n) => Number.isInteger(n))) return null;
  const iso = `${String(t.Year).padStart(4, "0")}-${String(t.Month).padStart(2, "0")}-${String(t.Day).padStart(2, "0")}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
};

/**
 * Starts the fake Microsoft Advertising API. Point a connection's api_url and customer_api_url at
 * `apiUrl` and token_url at `tokenUrl`.
 * @example const ms = await startFakeMicrosoft({ data, clientId: "c", refreshToken: "r", developerToken: "d" })
 */
export async function startFakeMicrosoft(o: FakeMicrosoftOptions): Promise<FakeMicrosoft> {
  const versions = o.versions ?? ["v13"];
  const valid = new Set<string>();
  const refreshTokens = new Set([o.refreshToken]);
  const reports = new Map<string, Report>();
  const zips = new Map<string, Uint8Array>();
  /** Zipped reports by what they hold, when `memo` is set. */
  const made = new Map<string, Uint8Array | null>();
  const violations: string[] = [];
  let fake: FakeMicrosoft;

  const token = (req: RecordedRequest): Answer => {
    const f = formOf(req);
    if (req.method !== "POST" || !String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      violations.push(`token: ${req.method} with content-type ${req.headers["content-type"]}`);
      return { status: 400, json: { error: "invalid_request", error_description: "AADSTS900144: The request body must contain the following parameter: 'grant_type'." } };
    }
    if (f.get("grant_type") !== "refresh_token") return { status: 400, json: { error: "unsupported_grant_type", error_description: "AADSTS70003: The app requested an unsupported grant type." } };
    const scopes = new Set((f.get("scope") ?? "").split(" "));
    if (!scopes.has("https://ads.microsoft.com/msads.manage") || !scopes.has("offline_access")) {
      violations.push(`token: scope '${f.get("scope")}'`);
      return { status: 400, json: { error: "invalid_scope", error_description: "AADSTS70011: The provided value for the input parameter 'scope' is not valid." } };
    }
    if (f.get("client_id") !== o.clientId) return { status: 400, json: { error: "unauthorized_client", error_description: "AADSTS700016: Application was not found in the directory." } };
    if ((o.clientSecret ?? null) !== f.get("client_secret")) return { status: 401, json: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." } };
    if (fake.refuseRefresh || !refreshTokens.has(f.get("refresh_token") ?? "")) {
      return { status: 400, json: { error: "invalid_grant", error_description: "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity." } };
    }
    const access = `EwB4A8l6-fake-${randomBytes(12).toString("hex")}`;
    const refresh = `M.C5-fake-refresh-${randomBytes(12).toString("hex")}`;
    valid.add(access);
    refreshTokens.add(refresh);
    fake.issuedRefreshTokens.push(refresh);
    return { status: 200, json: { token_type: "Bearer", scope: "https://ads.microsoft.com/msads.manage", expires_in: 3599, ext_expires_in: 3599, access_token: access, refresh_token: refresh } };
  };

  /** Checks what every API call must carry; the fault or error to answer, or null to go on. */
  const common = (req: RecordedRequest, v: string, account: string, play: (account: string) => Fault | null): Answer | null => {
    if (req.method !== "POST" || !String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      violations.push(`${req.method} ${req.path}: content-type ${req.headers["content-type"]}`);
      return fault(400, 100, "NullRequest", "The request message is null.");
    }
    if (req.query.size > 0) violations.push(`${req.path}: query parameters ${req.query.toString()}`);
    if (!versions.includes(v)) return { status: 404, text: "<html><body><h2>404 - File or directory not found.</h2></body></html>" };
    const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""));
    if (!auth) {
      violations.push(`${req.path}: no Authorization: Bearer header`);
      return fault(401, 105, "InvalidCredentials", "Authentication failed. Either supplied credentials are invalid or the account is inactive.", "AdApiFaultDetail");
    }
    const f = play(account);
    if (f?.kind === "expire_token") valid.clear();
    if (!valid.has(auth[1] as string)) {
      return f?.kind === "expire_token"
        ? fault(401, 109, "AuthenticationTokenExpired", "Authentication token expired. Please renew it or obtain a new token.", "AdApiFaultDetail")
        : fault(401, 105, "InvalidCredentials", "Authentication failed. Either supplied credentials are invalid or the account is inactive.", "AdApiFaultDetail");
    }
    if (req.headers.developertoken !== o.developerToken) {
      if (req.headers.developertoken === undefined) violations.push(`${req.path}: no DeveloperToken header`);
      return fault(401, 105, "InvalidCredentials", "Authentication failed. Either supplied credentials are invalid or the account is inactive.", "AdApiFaultDetail");
    }
    if (f?.kind === "permission") return fault(400, 106, "UserIsNotAuthorized", "The user does not represent a authorized developer.", "AdApiFaultDetail");
    if (f?.kind === "rate_limit") return fault(400, 207, "ConcurrentRequestOverLimit", "You have exceeded the number of reports that you can request at the same time.");
    if (f?.kind === "rate_limit_retry_after") return { ...fault(429, 117, "CallRateExceeded", "You have exceeded the number of calls that you are allowed to make in one minute."), headers: { "retry-after": "1" } };
    if (f?.kind === "server_error") return fault(500, 0, "InternalError", "An internal error has occurred.");
    if (f?.kind === "echo_secret") return fault(400, 100, "NullRequest", `Bad request with ${req.headers.authorization} and DeveloperToken ${req.headers.developertoken}.`);
    return null;
  };

  const body = (req: RecordedRequest): Record<string, unknown> | null => {
    try {
      const b = JSON.parse(req.body);
      return b && typeof b === "object" && !Array.isArray(b) ? b : null;
    } catch {
      return null;
    }
  };

  /** A request cpi should never send: listed, and answered as Microsoft answers an invalid one. */
  const refused = (req: RecordedRequest, why: string, code = 100, name = "InvalidRequest"): Answer => {
    violations.push(`${req.method} ${req.path}: ${why}`);
    return fault(400, code, name, why);
  };

  const getAccount = (req: RecordedRequest, v: string, play: (account: string) => Fault | null): Answer => {
    const b = body(req);
    const id = b ? String(b.AccountId ?? "") : "";
    const early = common(req, v, id, play);
    if (early) return early;
    if (!b || Object.keys(b).some((k) => k !== "AccountId" && k !== "ReturnAdditionalFields") || !/^\d+$/.test(id)) return refused(req, `body ${req.body.slice(0, 80)}`);
    const a = o.data.accounts.find((x) => x.id === id);
    if (!a) return fault(400, 1102, "InvalidAccountId", "The account identifier is not valid.");
    const zone = TIME_ZONES[a.timezone];
    if (!zone) throw new Error(`the fake Microsoft API has no TimeZone value for ${a.timezone}`);
    return { status: 200, json: { Account: { BillToCustomerId: parentCustomerOf(a), CurrencyCode: a.currency, AccountFinancialStatus: "ClearFinancialStatus", Id: Number(a.id), Language: "English", Name: a.name, Number: `F${a.id.slice(-7)}`, ParentCustomerId: Number(parentCustomerOf(a)), AccountLifeCycleStatus: "Active", TimeZone: zone, PauseReason: null } } };
  };

  /** The report's account, checked against the headers; or the answer refusing it. */
  const reportAccount = (req: RecordedRequest, a: FakeAccount | undefined): Answer | null => {
    if (!a) return fault(400, 106, "UserIsNotAuthorized", "The user does not represent a authorized developer.", "AdApiFaultDetail");
    if (req.headers.customeraccountid !== a.id) return refused(req, `CustomerAccountId header ${req.headers.customeraccountid} is not the report's account ${a.id}`, 116, "RequestMissingHeaders");
    if (req.headers.customerid === undefined) return refused(req, "no CustomerId header", 116, "RequestMissingHeaders");
    if (req.headers.customerid !== parentCustomerOf(a)) return fault(400, 106, "UserIsNotAuthorized", "The user does not represent a authorized developer.", "AdApiFaultDetail");
    return null;
  };

  const submit = (req: RecordedRequest, v: string, play: (account: string) => Fault | null): Answer => {
    const b = body(req);
    const r = (b?.ReportRequest ?? null) as Record<string, unknown> | null;
    const scope = (r?.Scope ?? {}) as { AccountIds?: unknown[] };
    const ids = Array.isArray(scope.AccountIds) ? scope.AccountIds.map(String) : [];
    const early = common(req, v, ids[0] ?? "", play);
    if (early) return early;
    if (!b || !r || Object.keys(b).length !== 1) return refused(req, "the body is not {ReportRequest: {...}}");
    for (const k of Object.keys(r)) if (!REQUEST_KEYS.has(k)) return refused(req, `ReportRequest.${k} is not a ReportRequest element`);
    const type = String(r.Type ?? "");
    if (type !== "AdPerformanceReportRequest" && type !== "CampaignPerformanceReportRequest") return refused(req, `Type '${type}' is not a report the fake serves`);
    if ((r.Format ?? "Csv") !== "Csv") return refused(req, `Format '${r.Format}' (the fake writes Csv)`);
    if (r.FormatVersion !== undefined && r.FormatVersion !== "1.0" && r.FormatVersion !== "2.0") return refused(req, `FormatVersion '${r.FormatVersion}'`);
    for (const k of ["ExcludeReportHeader", "ExcludeReportFooter", "ExcludeColumnHeaders", "ReturnOnlyCompleteData"]) if (r[k] !== undefined && typeof r[k] !== "boolean") return refused(req, `${k} is not a boolean`);
    if (r.ReturnOnlyCompleteData === true) return refused(req, "ReturnOnlyCompleteData true fails until Microsoft's books close (2004 NoCompleteDataAvaliable)");
    if (!AGGREGATIONS.has(String(r.Aggregation ?? "Summary"))) return refused(req, `Aggregation '${r.Aggregation}'`);
    const columns = Array.isArray(r.Columns) ? r.Columns.map(String) : [];
    if (columns.length === 0) return refused(req, "no Columns");
    for (const c of columns) if (!isMicrosoftColumn(c) || (type === "CampaignPerformanceReportRequest" && AD_ONLY.has(c))) return refused(req, `column '${c}' is not one of ${type}'s the fake serves`);
    if (r.Aggregation !== "Daily" || !columns.includes("TimePeriod")) return refused(req, "cpi asks for Daily rows with a TimePeriod column (without it Microsoft ignores the aggregation)");
    if (ids.length !== 1 || !/^\d+$/.test(ids[0] as string)) return refused(req, `Scope.AccountIds ${JSON.stringify(scope.AccountIds)}`);
    const time = (r.Time ?? {}) as { CustomDateRangeStart?: { Day?: unknown; Month?: unknown; Year?: unknown }; CustomDateRangeEnd?: { Day?: unknown; Month?: unknown; Year?: unknown }; ReportTimeZone?: unknown; PredefinedTime?: unknown };
    const from = isoOf(time.CustomDateRangeStart);
    const to = isoOf(time.CustomDateRangeEnd);
    if (!from || !to || time.PredefinedTime !== undefined) return refused(req, "Time needs CustomDateRangeStart and CustomDateRangeEnd as {Day, Month, Year}, and no PredefinedTime", 113, "InvalidDateObject");
    if (from > to) return fault(400, 2017, "InvalidCustomDateRangeStart", "The custom date range start date is after the end date.");
    if (!REPORT_TIME_ZONES.has(String(time.ReportTimeZone ?? ""))) return refused(req, `ReportTimeZone '${time.ReportTimeZone}'`);
    const a = o.data.accounts.find((x) => x.id === ids[0]);
    const wrong = reportAccount(req, a);
    if (wrong) return wrong;
    const id = `${Date.now()}${randomBytes(6).toString("hex")}`.slice(0, 40);
    reports.set(id, {
      id,
      account: a as FakeAccount,
      type,
      columns,
      from,
      to,
      formatVersion: (r.FormatVersion as "1.0" | "2.0" | undefined) ?? "1.0",
      excludeHeader: r.ExcludeReportHeader === true,
      excludeFooter: r.ExcludeReportFooter === true,
      excludeColumnHeaders: r.ExcludeColumnHeaders === true,
      zone: String(time.ReportTimeZone),
      polls: 0,
      fails: fake.failReportsOf.has(ids[0] as string),
      sig: randomBytes(12).toString("base64url"),
    });
    return { status: 200, json: { ReportRequestId: id } };
  };

  /** The report's CSV, zipped (once per content with `memo`); null when it has no rows. */
  const zipOf = (rep: Report): Uint8Array | null => {
    if (!o.memo) return makeZip(rep);
    const key = JSON.stringify([rep.account.id, rep.type, rep.columns, rep.from, rep.to, rep.formatVersion, rep.excludeHeader, rep.excludeFooter, rep.excludeColumnHeaders, rep.zone]);
    if (!made.has(key)) made.set(key, makeZip(rep));
    return made.get(key) as Uint8Array | null;
  };
  const makeZip = (rep: Report): Uint8Array | null => {
    const all = (o.data.days.get(rep.account.id) ?? []).filter((d) => d.date >= rep.from && d.date <= rep.to);
    const days = rep.type === "AdPerformanceReportRequest" ? all.filter((d) => d.adId !== "") : campaignDays(all);
    if (days.length === 0) return null;
    const zoneLabel = rep.zone.replace(/([a-z])([A-Z])/g, "$1 $2");
    const csv = microsoftReportCsv(rep.account, days, {
      columns: rep.columns,
      formatVersion: rep.formatVersion,
      ...(rep.excludeHeader ? {} : { header: { name: rep.type, zoneLabel, from: rep.from, to: rep.to } }),
      footer: !rep.excludeFooter,
      columnHeaders: !rep.excludeColumnHeaders,
      bom: true,
    });
    return zipSync({ [`${rep.type}.csv`]: new TextEncoder().encode(csv) });
  };

  const poll = (req: RecordedRequest, v: string, play: (account: string) => Fault | null): Answer => {
    const b = body(req);
    const rep = reports.get(String(b?.ReportRequestId ?? ""));
    const early = common(req, v, rep?.account.id ?? "", play);
    if (early) return early;
    if (!b || Object.keys(b).length !== 1 || typeof b.ReportRequestId !== "string") return refused(req, "the body is not {ReportRequestId: string}");
    if (!rep) return fault(400, 2100, "ReportingServiceInvalidReportId", "The specified report request identifier is not valid.");
    const wrong = reportAccount(req, rep.account);
    if (wrong) return wrong;
    rep.polls++;
    if (rep.polls <= (o.pollsToComplete ?? 1)) return { status: 200, json: { ReportRequestStatus: { ReportDownloadUrl: null, Status: "Pending" } } };
    if (rep.fails) return { status: 200, json: { ReportRequestStatus: { ReportDownloadUrl: null, Status: "Error" } } };
    const zip = zips.get(rep.id) ?? zipOf(rep);
    if (zip === null) return { status: 200, json: { ReportRequestStatus: { ReportDownloadUrl: null, Status: "Success" } } };
    zips.set(rep.id, zip);
    return { status: 200, json: { ReportRequestStatus: { ReportDownloadUrl: `${fake.url}/download/${rep.id}.zip?sv=2020-08-04&se=2026-12-31T00%3A00%3A00Z&sig=${rep.sig}`, Status: "Success" } } };
  };

  const download = (req: RecordedRequest, play: (account: string) => Fault | null): Answer => {
    const m = /^\/download\/([^/]+)\.zip$/.exec(req.path);
    const rep = m ? reports.get(m[1] as string) : undefined;
    if (req.method !== "GET" || !rep) {
      violations.push(`${req.method} ${req.path}: no such download`);
      return { status: 404, text: "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code></Error>" };
    }
    if (req.headers.authorization || req.headers.developertoken) violations.push(`${req.path}: the download carries credentials (it is a pre-signed address on another host)`);
    if (req.query.get("sig") !== rep.sig) return { status: 403, text: "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code></Error>" };
    const f = play(rep.account.id);
    if (f?.kind === "server_error") return { status: 503, text: "<Error><Code>ServerBusy</Code></Error>" };
    return { status: 200, bytes: zips.get(rep.id) as Uint8Array, headers: { "content-type": "application/x-zip-compressed" } };
  };

  const api = await startFakeServer(
    (req, play) => {
      if (req.path === "/oauth2/v2.0/token") return token(req);
      if (req.path.startsWith("/download/")) return download(req, play);
      const cm = /^\/CustomerManagement\/([^/]+)\/Account\/Query$/.exec(req.path);
      if (cm) return getAccount(req, cm[1] as string, play);
      const rp = /^\/Reporting\/([^/]+)\/GenerateReport\/(Submit|Poll)$/.exec(req.path);
      if (rp) return rp[2] === "Submit" ? submit(req, rp[1] as string, play) : poll(req, rp[1] as string, play);
      violations.push(`${req.method} ${req.path}: no such operation`);
      return { status: 404, text: "<html><body><h2>404 - File or directory not found.</h2></body></html>" };
    },
    violations,
    {},
  );
  fake = Object.assign(api, { apiUrl: api.url, tokenUrl: `${api.url}/oauth2/v2.0/token`, refuseRefresh: false, failReportsOf: new Set<string>(), issuedRefreshTokens: [] as string[] });
  return fake;
}
