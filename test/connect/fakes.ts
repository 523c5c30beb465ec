// Test harness for connectors: seeded delivery served by the fake Google Ads, Meta and Microsoft APIs, the
// connections added through `cpi connect add` (secrets from environment variables, base URLs at the
// fakes), and `cpi` run in-process with that environment.

import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { addDays } from "../../src/domain/dates.js";
import { yesterdayInZone } from "../../src/domain/zoned-day.js";
import { type FakeDelivery, generateDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { type FakeGoogleAds, startFakeGoogleAds } from "../../src/test-support/fake-platforms/fake-google-ads.js";
import { type FakeMeta, startFakeMeta } from "../../src/test-support/fake-platforms/fake-meta.js";
import { type FakeMicrosoft, startFakeMicrosoft } from "../../src/test-support/fake-platforms/fake-microsoft.js";

/** Secret values the tests look for everywhere they must not be. */
export const SECRETS = {
  GOOGLE_CLIENT_SECRET: "gcs-Sup3rS3cretClientValue",
  GOOGLE_REFRESH_TOKEN: "1//0gRefreshTokenNeverShown",
  GOOGLE_DEVELOPER_TOKEN: "devTok-ABCDEFGHIJ",
  META_TOKEN: "EAABsbCS1iHgBOSystemUserToken",
  META_APP_SECRET: "metaAppSecret-9876543210",
  MS_CLIENT_SECRET: "msClientSecret~Q8Z.fake",
  MS_REFRESH_TOKEN: "M.C5-fake-initial-refresh-token",
  MS_DEVELOPER_TOKEN: "msDevToken0123456789",
};

export const ENV: Record<string, string> = { ...SECRETS, CPI_SYNC_WAIT_MS: "5" };

/** Yesterday in a zone, now: the last day a sync pulls. */
export const yesterday = (zone: string) => yesterdayInZone(Date.now(), zone);

export const GOOGLE_ACCOUNTS = [
  { id: "1234567890", name: "Acme DE", currency: "EUR", timezone: "Europe/Berlin" },
  { id: "2345678901", name: "Acme US, \"West\"", currency: "USD", timezone: "America/Los_Angeles", managerId: "9876543210" },
];
export const MICROSOFT_ACCOUNTS = [
  { id: "180535609", name: "Acme MS US", currency: "USD", timezone: "America/New_York" },
  { id: "181000042", name: "Acme MS \"EU\", Amsterdam", currency: "EUR", timezone: "Europe/Amsterdam" },
];
export const META_ACCOUNTS = [
  { id: "1020304050", name: "Acme Meta EU", currency: "EUR", timezone: "Europe/Berlin" },
  { id: "5040302010", name: "Acme Meta Tokyo", currency: "JPY", timezone: "Asia/Tokyo" },
];

/** Delivery over the `days` days up to yesterday (in the accounts' zones; ±1 day is generated around them). */
export function googleDelivery(days = 20, seed = 7, size = { campaigns: 3, adGroups: 2, ads: 3, pmax: 1 }): FakeDelivery {
  const to = yesterday("Pacific/Kiritimati");
  return generateDelivery({ seed, platform: "google-ads", accounts: GOOGLE_ACCOUNTS, ...size, from: addDays(to, -(days + 1)), to });
}

export function metaDelivery(days = 20, seed = 11, size = { campaigns: 2, adGroups: 2, ads: 3 }): FakeDelivery {
  const to = yesterday("Pacific/Kiritimati");
  return generateDelivery({ seed, platform: "meta", accounts: META_ACCOUNTS, ...size, from: addDays(to, -(days + 1)), to });
}

export function microsoftDelivery(days = 20, seed = 13, size = { campaigns: 3, adGroups: 2, ads: 3, pmax: 1 }): FakeDelivery {
  const to = yesterday("Pacific/Kiritimati");
  return generateDelivery({ seed, platform: "microsoft-ads", accounts: MICROSOFT_ACCOUNTS, ...size, from: addDays(to, -(days + 1)), to });
}

export interface Fakes {
  google: FakeGoogleAds;
  meta: FakeMeta;
  microsoft: FakeMicrosoft;
  close(): Promise<void>;
}

export const MS_CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e";

/** The fake Google Ads, Meta and Microsoft APIs over the given delivery, with the credentials in SECRETS. */
export async function startFakes(google: FakeDelivery, meta: FakeDelivery, o: { googlePageSize?: number; metaPolls?: number; metaProof?: boolean; microsoft?: FakeDelivery } = {}): Promise<Fakes> {
  const g = await startFakeGoogleAds({
    data: google,
    clientId: "1234.apps.googleusercontent.com",
    clientSecret: SECRETS.GOOGLE_CLIENT_SECRET,
    refreshToken: SECRETS.GOOGLE_REFRESH_TOKEN,
    developerToken: SECRETS.GOOGLE_DEVELOPER_TOKEN,
    ...(o.googlePageSize ? { pageSize: o.googlePageSize } : {}),
  });
  const m = await startFakeMeta({ data: meta, accessToken: SECRETS.META_TOKEN, ...(o.metaProof === false ? {} : { appSecret: SECRETS.META_APP_SECRET }), pollsToComplete: o.metaPolls ?? 2 });
  const ms = await startFakeMicrosoft({ data: o.microsoft ?? microsoftDelivery(3), clientId: MS_CLIENT_ID, clientSecret: SECRETS.MS_CLIENT_SECRET, refreshToken: SECRETS.MS_REFRESH_TOKEN, developerToken: SECRETS.MS_DEVELOPER_TOKEN, pollsToComplete: 2 });
  return { google: g, meta: m, microsoft: ms, close: async () => void (await Promise.all([g.close(), m.close(), ms.close()])) };
}

/** Runs `cpi` in-process in `cwd` with the test environment (secrets in variables, short waits). */
export async function cpiEnv(cwd: string, env: Record<string, string>, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ ...env }, cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Adds the Google Ads connection `name` for `accounts` through the CLI, pointed at the fake. */
export async function addGoogle(dir: string, f: Fakes, name: string, accounts: string[], extra: string[] = []): Promise<void> {
  const r = await cpiEnv(
    dir,
    ENV,
    "connect", "add", "google-ads", "--name", name, ...accounts.flatMap((a) => ["--account", a]),
    "--login-customer-id", "987-654-3210",
    "--client-id", "1234.apps.googleusercontent.com",
    "--client-secret-env", "GOOGLE_CLIENT_SECRET",
    "--refresh-token-env", "GOOGLE_REFRESH_TOKEN",
    "--developer-token-env", "GOOGLE_DEVELOPER_TOKEN",
    "--api-url", f.google.apiUrl,
    "--token-url", f.google.tokenUrl,
    ...extra,
  );
  if (r.code !== 0) throw new Error(`connect add google-ads: ${r.stderr}`);
}

/** Adds the Meta connection `name` for `accounts` through the CLI, pointed at the fake. */
export async function addMeta(dir: string, f: Fakes, name: string, accounts: string[], extra: string[] = []): Promise<void> {
  const r = await cpiEnv(
    dir,
    ENV,
    "connect", "add", "meta", "--name", name, ...accounts.flatMap((a) => ["--account", `act_${a}`]),
    "--access-token-env", "META_TOKEN",
    "--app-secret-env", "META_APP_SECRET",
    "--api-url", f.meta.apiUrl,
    ...extra,
  );
  if (r.code !== 0) throw new Error(`connect add meta: ${r.stderr}`);
}

/** Adds the Microsoft Advertising connection `name` for `accounts` through the CLI, pointed at the fake. */
export async function addMicrosoft(dir: string, f: Fakes, name: string, accounts: string[], extra: string[] = []): Promise<void> {
  const r = await cpiEnv(
    dir,
    ENV,
    "connect", "add", "microsoft", "--name", name, ...accounts.flatMap((a) => ["--account", a]),
    "--client-id", MS_CLIENT_ID,
    "--client-secret-env", "MS_CLIENT_SECRET",
    "--refresh-token-env", "MS_REFRESH_TOKEN",
    "--developer-token-env", "MS_DEVELOPER_TOKEN",
    "--api-url", f.microsoft.apiUrl,
    "--customer-api-url", f.microsoft.apiUrl,
    "--token-url", f.microsoft.tokenUrl,
    ...extra,
  );
  if (r.code !== 0) throw new Error(`connect add microsoft: ${r.stderr}`);
}
