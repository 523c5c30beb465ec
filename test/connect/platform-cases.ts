// One entry per platform the table-driven connector suites run (platforms.test.ts,
// platform-faults.test.ts, the secrets test): its seeded delivery, its fake API, how `cpi connect add`
// points a connection at the fake (secrets from environment variables), its export file, and the
// plain words its failures must be told in.
import { addDays } from "../../src/domain/dates.js";
import { type FakeDelivery, generateDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { linkedinCampaignManagerExport, tiktokAdsManagerCsv } from "../../src/test-support/fake-platforms/export-files.js";
import { type FakeLinkedIn, startFakeLinkedIn } from "../../src/test-support/fake-platforms/fake-linkedin.js";
import type { FakeApi } from "../../src/test-support/fake-platforms/fake-server.js";
import { type FakeTikTok, startFakeTikTok } from "../../src/test-support/fake-platforms/fake-tiktok.js";
import { write } from "../helpers.js";
import { cpiEnv, yesterday } from "./fakes.js";

/** Secret values of these platforms, looked for everywhere they must not be. */
export const PLATFORM_SECRETS = {
  LINKEDIN_CLIENT_SECRET: "liCS-WPL_AP1.Sup3rSecret",
  LINKEDIN_REFRESH_TOKEN: "AQXrefreshTokenNeverShown0123",
  TIKTOK_TOKEN: "tt-act.AdvertiserTokenNeverShown42",
};

export const PLATFORM_ENV: Record<string, string> = { ...PLATFORM_SECRETS, CPI_SYNC_WAIT_MS: "5" };

export interface FakeAccountSpec {
  id: string;
  name: string;
  currency: string;
  timezone: string;
}

export interface PlatformCase {
  platform: string;
  source: string;
  accounts: FakeAccountSpec[];
  /** Seeded delivery over `days` days up to yesterday (±1 day around the accounts' zones). */
  delivery(days: number, seed: number): FakeDelivery;
  start(data: FakeDelivery): Promise<FakeApi>;
  /** The CPI_<PLATFORM>_… variables that point every connection of the platform at the fake (docs/sync.md's commands). */
  env(fake: FakeApi): Record<string, string>;
  /** `cpi connect add` arguments after the platform: credentials as variables, URLs at the fake. */
  addArgs(fake: FakeApi, name: string, accounts: string[]): string[];
  /** Path part of the report requests (faults aimed at the report, not the account lookup). */
  reportPath: string;
  /** Makes the credentials refused from now on (a revoked refresh token, an invalid token), or accepted again. */
  refuse(fake: FakeApi, on: boolean): void;
  /** Access tokens issued by the fake's token endpoint (0 for platforms without refresh). */
  issued(fake: FakeApi): number;
  /** Writes one account's export file of `w` in `dir`: the path and `cpi import` flags it needs. */
  exportFile(dir: string, data: FakeDelivery, a: FakeAccountSpec, w: { from: string; to: string }): string[];
  /** What the output says when… */
  says: { refused: RegExp; permission: RegExp; unknown: RegExp; retired: RegExp; throttled: RegExp };
  /** An account id the fake does not know, and an API version it does not serve. */
  unknownAccount: string;
  retiredVersion: string[];
  /** A scenario only this platform has (an expired token refreshed once). */
  refreshes: boolean;
  /** Whether the platform reports reach per ad and day (stored as platform reach). */
  reach: boolean;
  /** What a first sync's progress must say, and whether its requests followed the platform's paging. */
  firstSync: { says: RegExp; paged: (fake: FakeApi) => boolean };
  /** What the access tokens the fake issues look like (none may be printed either). */
  issuedToken: RegExp;
}

const LINKEDIN_ACCOUNTS = [
  { id: "507123456", name: "Acme LinkedIn EU", currency: "EUR", timezone: "UTC" },
  { id: "508765432", name: "Acme LinkedIn, \"US\"", currency: "USD", timezone: "UTC" },
];

const linkedin: PlatformCase = {
  platform: "linkedin",
  source: "linkedin",
  accounts: LINKEDIN_ACCOUNTS,
  delivery: (days, seed) => {
    const to = yesterday("Pacific/Kiritimati");
    return generateDelivery({ seed, platform: "linkedin", accounts: LINKEDIN_ACCOUNTS, campaigns: 3, adGroups: 1, ads: 3, from: addDays(to, -(days + 1)), to });
  },
  start: async (data) => {
    const fake = await startFakeLinkedIn({ data, clientId: "78abcdefghijkl", clientSecret: PLATFORM_SECRETS.LINKEDIN_CLIENT_SECRET, refreshToken: PLATFORM_SECRETS.LINKEDIN_REFRESH_TOKEN, pageSize: 2 });
    // A creative deleted since it ran: the finder leaves it out, cpi reads it by id.
    fake.hiddenCreatives.add(data.accounts[0]?.campaigns[1]?.adGroups[0]?.ads[0]?.id as string);
    return fake;
  },
  addArgs: (fake, name, accounts) => {
    const f = fake as FakeLinkedIn;
    return ["--name", name, ...accounts.flatMap((a) => ["--account", a]), "--client-id", "78abcdefghijkl", "--client-secret-env", "LINKEDIN_CLIENT_SECRET", "--refresh-token-env", "LINKEDIN_REFRESH_TOKEN", "--api-url", f.apiUrl, "--token-url", f.tokenUrl];
  },
  env: (fake) => ({ CPI_LINKEDIN_API_URL: (fake as FakeLinkedIn).apiUrl, CPI_LINKEDIN_TOKEN_URL: (fake as FakeLinkedIn).tokenUrl }),
  reportPath: "adAnalytics",
  refuse: (fake, on) => {
    (fake as FakeLinkedIn).refuseRefresh = on;
  },
  issued: (fake) => (fake as FakeLinkedIn).issued,
  exportFile: (dir, data, a, w) => [write(dir, `linkedin-${a.id}.csv`, linkedinCampaignManagerExport(data, data.accounts.find((x) => x.id === a.id) as never, w)), "--account", a.id],
  says: {
    refused: /LinkedIn refused the credentials of connection 'c' \(invalid_grant: The provided authorization grant or refresh token is invalid, expired or revoked\): the refresh token has expired or was revoked; authorize cpi again and save the new credentials with 'cpi connect add linkedin --name c --update --refresh-token NEW_VALUE'/,
    permission: /the authorized member may not read ad account 507123456: give them a role on the account \(Viewer or above\)/,
    unknown: /LinkedIn knows no ad account 999999: check the id/,
    retired: /LinkedIn does not serve Marketing API version 202301 \(sunset, or not yet released\): set a current one \(YYYYMM\) with --api-version/,
    throttled: /LinkedIn is throttling the requests/,
  },
  unknownAccount: "999999",
  retiredVersion: ["--api-version", "202301"],
  refreshes: true,
  reach: false,
  firstSync: {
    says: /ad account 507123456: \d+ creative-days of \d+ creatives/,
    paged: (fake) => fake.requests.some((q) => q.query.has("pageToken")) && fake.requests.some((q) => /\/creatives\/urn%3Ali%3AsponsoredCreative%3A\d+$/.test(q.path)),
  },
  issuedToken: /AQV-fake-/,
};

const TIKTOK_ACCOUNTS = [
  { id: "7012345678901234567", name: "Acme TikTok US", currency: "USD", timezone: "America/New_York" },
  { id: "7098765432109876543", name: "Acme TikTok, \"SEA\"", currency: "SGD", timezone: "Asia/Singapore" },
];

const tiktok: PlatformCase = {
  platform: "tiktok",
  source: "tiktok",
  accounts: TIKTOK_ACCOUNTS,
  delivery: (days, seed) => {
    const to = yesterday("Pacific/Kiritimati");
    return generateDelivery({ seed, platform: "tiktok", accounts: TIKTOK_ACCOUNTS, campaigns: 2, adGroups: 2, ads: 2, from: addDays(to, -(days + 1)), to });
  },
  // Pages of 40 rows, and queries of more than 20 days "too large": cpi must page and shorten its slices.
  start: async (data) => {
    const fake = await startFakeTikTok({ data, accessToken: PLATFORM_SECRETS.TIKTOK_TOKEN, maxPageSize: 40, tooLargeOverDays: 20 });
    // An ad deleted since it ran: its spend is real, so cpi must ask for every ad status.
    fake.deletedAds.add(data.accounts[0]?.campaigns[0]?.adGroups[1]?.ads[0]?.id as string);
    return fake;
  },
  env: (fake) => ({ CPI_TIKTOK_API_URL: (fake as FakeTikTok).apiUrl }),
  addArgs: (fake, name, accounts) => ["--name", name, ...accounts.flatMap((a) => ["--account", a]), "--access-token-env", "TIKTOK_TOKEN", "--api-url", (fake as FakeTikTok).apiUrl],
  reportPath: "report/integrated",
  refuse: (fake, on) => {
    (fake as FakeTikTok).tokenInvalid = on;
  },
  issued: () => 0,
  exportFile: (dir, data, a, w) => [write(dir, `tiktok-${a.id}.csv`, tiktokAdsManagerCsv(data, data.accounts.find((x) => x.id === a.id) as never, w)), "--timezone", a.timezone],
  says: {
    refused: /TikTok refused the access token of connection 'c' \(invalid, expired or revoked\): authorize cpi again for the advertisers and save the new token with 'cpi connect add tiktok --name c --update --access-token NEW_VALUE' \(TikTok: code 40105/,
    permission: /the access token may not read advertiser 7012345678901234567: authorize cpi for this advertiser/,
    unknown: /TikTok knows no advertiser 7000000000000000001 this token can read/,
    retired: /TikTok does not serve API version v1\.2 at this address \(retired\?\): set a current one with --api-version/,
    throttled: /TikTok is throttling the requests/,
  },
  unknownAccount: "7000000000000000001",
  retiredVersion: ["--api-version", "v1.2"],
  refreshes: false,
  reach: true,
  firstSync: {
    says: /the ad report of advertiser 7012345678901234567 for .*: too large for TikTok; asking 7 days at a time/,
    paged: (fake) => fake.requests.some((q) => q.query.get("page") === "2"),
  },
  issuedToken: /tt-act\./,
};

/** The platforms of the table-driven suites. */
export const PLATFORM_CASES: readonly PlatformCase[] = [linkedin, tiktok];

/** Adds connection `name` of a case's platform for `accounts`, pointed at its fake. */
export async function addConnection(dir: string, c: PlatformCase, fake: FakeApi, name: string, accounts: string[], extra: string[] = []): Promise<void> {
  const r = await cpiEnv(dir, PLATFORM_ENV, "connect", "add", c.platform, ...c.addArgs(fake, name, accounts), ...extra);
  if (r.code !== 0) throw new Error(`connect add ${c.platform}: ${r.stderr}`);
}
