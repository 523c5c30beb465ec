// `cpi sync` against the fake Microsoft Advertising API: every request follows the documented REST
// protocol (the fake lists any that does not), reports are submitted, polled until ready and their
// ZIP downloaded, and the store holds exactly the delivery served, in each account's currency and zone.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { addDays } from "../../src/domain/dates.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { campaignDays, microsoftReportCsv } from "../../src/test-support/fake-platforms/export-files.js";
import { parentCustomerOf } from "../../src/test-support/fake-platforms/fake-microsoft.js";
import { tempDir, write } from "../helpers.js";
import { addMicrosoft, cpiEnv, ENV, type Fakes, googleDelivery, MICROSOFT_ACCOUNTS, metaDelivery, microsoftDelivery, SECRETS, startFakes, yesterday } from "./fakes.js";

let fakes: Fakes;
let ms: FakeDelivery;

before(async () => {
  ms = microsoftDelivery(20);
  fakes = await startFakes(googleDelivery(1), metaDelivery(1), { microsoft: ms });
});
after(() => fakes.close());

async function storeRows(db: string): Promise<Record<string, unknown>[]> {
  const store = await DuckDbStore.open(db);
  try {
    return (await store.query("SELECT source, account_id, account_name, currency, account_timezone AS tz, count(*) AS n, sum(cost_micros) AS cost, sum(impressions) AS impr, sum(clicks) AS clicks, count(*) FILTER (WHERE ad_id = '') AS campaign_rows FROM spend GROUP BY ALL ORDER BY ALL")).map((r) => ({ ...r }));
  } finally {
    await store.close();
  }
}

test("Microsoft Advertising: submit, poll, download; the served ads and campaigns without ads land, every request as documented", async () => {
  const dir = tempDir("cpi-sync-microsoft-");
  fakes.microsoft.requests.length = 0;
  await addMicrosoft(dir, fakes, "acme-ms", MICROSOFT_ACCOUNTS.map((a) => a.id));
  const r = await cpiEnv(dir, ENV, "sync", "--format", "json", "--since", "21d");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { account: string; from: string; to: string; timezone: string; currency: string; rows: number; error: string | null }[];
  const want = MICROSOFT_ACCOUNTS.map((a) => {
    const w = out.find((x) => x.account === a.id) as { from: string; to: string; timezone: string };
    assert.equal(w.timezone, a.timezone);
    assert.equal(w.to, yesterday(a.timezone));
    const days = (ms.days.get(a.id) ?? []).filter((d) => d.date >= w.from && d.date <= w.to);
    return {
      source: "microsoft-ads",
      account_id: a.id,
      account_name: a.name,
      currency: a.currency,
      tz: a.timezone,
      n: BigInt(days.length),
      cost: days.reduce((s, d) => s + d.costMicros, 0n),
      impr: BigInt(days.reduce((s, d) => s + d.impressions, 0)),
      clicks: BigInt(days.reduce((s, d) => s + d.clicks, 0)),
      campaign_rows: BigInt(days.filter((d) => d.adId === "").length),
    };
  });
  assert.ok((want[0]?.campaign_rows ?? 0n) > 0n, "a campaign without ads (Performance Max) is among the served delivery");
  assert.deepEqual(await storeRows(join(dir, "cpi.duckdb")), want);
  assert.deepEqual(fakes.microsoft.violations, []);

  // The protocol: one token for the sync, then per account GetAccount and two reports (ads, campaigns),
  // each submitted once, polled until Success (the fake answers Pending twice) and downloaded once.
  const reqs = fakes.microsoft.requests;
  assert.equal(reqs.filter((q) => q.path === "/oauth2/v2.0/token").length, 1);
  const token = new URLSearchParams(reqs.find((q) => q.path === "/oauth2/v2.0/token")?.body);
  assert.equal(token.get("scope"), "https://ads.microsoft.com/msads.manage offline_access");
  assert.equal(token.get("grant_type"), "refresh_token");
  for (const a of MICROSOFT_ACCOUNTS) {
    const submits = reqs.filter((q) => q.path === "/Reporting/v13/GenerateReport/Submit" && q.headers.customeraccountid === a.id);
    assert.deepEqual(submits.map((q) => JSON.parse(q.body).ReportRequest.Type), ["AdPerformanceReportRequest", "CampaignPerformanceReportRequest"]);
    const sent = JSON.parse(submits[0]?.body as string).ReportRequest;
    assert.deepEqual(sent.Scope, { AccountIds: [Number(a.id)] });
    assert.equal(sent.Aggregation, "Daily");
    assert.equal(sent.FormatVersion, "2.0");
    assert.equal(sent.Time.ReportTimeZone, a.timezone === "America/New_York" ? "EasternTimeUSCanada" : "AmsterdamBerlinBernRomeStockholmVienna", "the report asks for the account's own zone");
    for (const q of submits) {
      assert.equal(q.headers.customerid, parentCustomerOf(a), "CustomerId: the account's own customer when the connection names none");
      assert.equal(q.headers.developertoken, SECRETS.MS_DEVELOPER_TOKEN);
      assert.match(String(q.headers.authorization), /^Bearer EwB4A8l6-fake-/);
    }
    assert.equal(reqs.filter((q) => q.path.endsWith("/Poll") && q.headers.customeraccountid === a.id).length, 6, "3 polls per report: Pending, Pending, Success");
  }
  const downloads = reqs.filter((q) => q.path.startsWith("/download/"));
  assert.equal(downloads.length, 4);
  for (const q of downloads) assert.equal(q.headers.authorization, undefined, "the pre-signed download carries no credentials");
  assert.match(r.stderr, /acme-ms: the platform issued a new refresh token; the one in \$MS_REFRESH_TOKEN may stop working/);
  assert.equal(campaignDays(ms.days.get(MICROSOFT_ACCOUNTS[0]?.id as string) ?? []).length > 0, true);
});

test("Microsoft Advertising: a refresh token kept in the file is replaced by the one Microsoft rotates in", async () => {
  const dir = tempDir("cpi-sync-microsoft-rotate-");
  const add = await cpiEnv(dir, ENV, "connect", "add", "microsoft", "--name", "m", "--account", MICROSOFT_ACCOUNTS[0]?.id as string, "--client-id", "6731de76-14a6-49ae-97bc-6eba6914391e", "--client-secret-env", "MS_CLIENT_SECRET", "--refresh-token", SECRETS.MS_REFRESH_TOKEN, "--developer-token-env", "MS_DEVELOPER_TOKEN", "--api-url", fakes.microsoft.apiUrl, "--customer-api-url", fakes.microsoft.apiUrl, "--token-url", fakes.microsoft.tokenUrl);
  assert.equal(add.code, 0, add.stderr);
  const r = await cpiEnv(dir, ENV, "sync", "--since", "3d");
  assert.equal(r.code, 0, r.stderr);
  const { readFileSync } = await import("node:fs");
  const file = JSON.parse(readFileSync(join(dir, "cpi.connections.json"), "utf8"));
  assert.equal(file.connections[0].secrets.refresh_token, fakes.microsoft.issuedRefreshTokens.at(-1), "the rotated refresh token is saved");
  for (const t of fakes.microsoft.issuedRefreshTokens) assert.ok(!r.stderr.includes(t) && !r.stdout.includes(t), "a rotated token is never printed");
});

test("Microsoft Advertising: a window without delivery (no download address) stores nothing and fails nothing", async () => {
  const dir = tempDir("cpi-sync-microsoft-empty-");
  const id = MICROSOFT_ACCOUNTS[0]?.id as string;
  const kept = ms.days.get(id) ?? [];
  ms.days.set(id, []);
  try {
    await addMicrosoft(dir, fakes, "m", [id]);
    const r = await cpiEnv(dir, ENV, "sync", "--since", "5d", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].rows, 0);
  } finally {
    ms.days.set(id, kept);
  }
});

test("Microsoft Advertising: rows imported under the account number (a UI report's 'Account number') are replaced by a sync, not counted twice", async () => {
  const dir = tempDir("cpi-sync-microsoft-number-");
  const a = MICROSOFT_ACCOUNTS[0] as (typeof MICROSOFT_ACCOUNTS)[number];
  const account = ms.accounts.find((x) => x.id === a.id) as NonNullable<FakeDelivery["accounts"][number]>;
  const to = yesterday(a.timezone);
  const from = addDays(to, -3);
  const days = (ms.days.get(a.id) ?? []).filter((d) => d.date >= from && d.date <= to && d.adId !== "");
  const columns = ["TimePeriod", "AccountNumber", "AccountName", "CampaignId", "CampaignName", "AdGroupId", "AdGroupName", "AdId", "AdTitle", "CurrencyCode", "Impressions", "Clicks", "Spend", "Conversions", "Revenue"];
  const file = write(dir, "ms-ui.csv", microsoftReportCsv(account, days, { columns, formatVersion: "1.0", header: { name: "Ads", zoneLabel: "(GMT-05:00) Eastern Time (US & Canada)", from, to }, footer: true, columnHeaders: true, bom: true }));
  const imported = await cpiEnv(dir, {}, "import", file);
  assert.equal(imported.code, 0, imported.stderr);
  await addMicrosoft(dir, fakes, "m", [a.id]);
  const r = await cpiEnv(dir, ENV, "sync", "--since", from, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const [got] = JSON.parse(r.stdout) as { rows: number; replaced_rows: number }[];
  assert.equal(got?.replaced_rows, days.length, "every imported ad-day was replaced");
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  try {
    assert.deepEqual(await store.query("SELECT DISTINCT account_id FROM spend"), [{ account_id: a.id }]);
  } finally {
    await store.close();
  }
});

