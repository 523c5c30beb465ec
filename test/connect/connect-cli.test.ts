// `cpi connect add|list|test|remove`: the connections file (0600, secrets in it or named variables),
// secrets never listed, bad input refused with a clear message, and `connect test` saying in plain
// words what is wrong, against the fake Google Ads and Meta APIs.
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { tempDir } from "../helpers.js";
import { addGoogle, addMeta, addMicrosoft, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, MICROSOFT_ACCOUNTS, metaDelivery, SECRETS, startFakes } from "./fakes.js";

let fakes: Fakes;
before(async () => {
  fakes = await startFakes(googleDelivery(3), metaDelivery(3));
});
after(() => fakes.close());

test("connect add keeps secrets in a file only its owner may read, or as variable names; list never shows them", async () => {
  const dir = tempDir("cpi-connect-");
  const add = await cpiEnv(dir, {}, "connect", "add", "meta", "--name", "acme", "--account", "act_1020304050", "--account", "5040302010", "--access-token", SECRETS.META_TOKEN, "--app-secret-env", "META_APP_SECRET", "--format", "json");
  assert.equal(add.code, 0, add.stderr);
  const path = join(dir, "cpi.connections.json");
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const file = JSON.parse(readFileSync(path, "utf8"));
  assert.deepEqual(file.connections[0].accounts, ["1020304050", "5040302010"], "act_ prefixes dropped: ids as Meta's exports carry them");
  assert.deepEqual(file.connections[0].secrets, { access_token: SECRETS.META_TOKEN, app_secret: { env: "META_APP_SECRET" } });
  assert.match(add.stderr, /added connection 'acme' \(Meta \(Facebook, Instagram\), 2 accounts\).*cpi connect test acme/);
  const list = await cpiEnv(dir, { META_APP_SECRET: SECRETS.META_APP_SECRET }, "connect", "list");
  assert.equal(list.code, 0);
  assert.match(list.stdout, /acme\s+meta\s+1020304050, 5040302010/);
  assert.match(list.stdout, /access_token: stored in the connections file, app_secret: \$META_APP_SECRET \(set\)/);
  const json = await cpiEnv(dir, {}, "connect", "list", "--format", "json");
  assert.deepEqual(JSON.parse(json.stdout)[0].secrets, { access_token: "stored in the connections file", app_secret: "$META_APP_SECRET (not set)" });
  for (const out of [add, list, json]) for (const s of Object.values(SECRETS)) assert.ok(!out.stdout.includes(s) && !out.stderr.includes(s));

  const update = await cpiEnv(dir, {}, "connect", "add", "meta", "--name", "acme", "--update", "--access-token-env", "META_TOKEN");
  assert.equal(update.code, 0, update.stderr);
  assert.deepEqual(JSON.parse(readFileSync(path, "utf8")).connections[0].secrets.access_token, { env: "META_TOKEN" }, "the stored token is gone from the file");
  assert.ok(!readFileSync(path, "utf8").includes(SECRETS.META_TOKEN));

  const removed = await cpiEnv(dir, {}, "connect", "remove", "acme");
  assert.equal(removed.code, 0);
  assert.deepEqual(JSON.parse(readFileSync(path, "utf8")).connections, []);
});

test("bad input is refused with a message naming the flag, and the file stays as it was", async () => {
  const dir = tempDir("cpi-connect-bad-");
  const path = join(dir, "cpi.connections.json");
  const cases: [string[], RegExp][] = [
    [["connect", "add", "snapchat", "--account", "1"], /unknown platform 'snapchat'; cpi connects to google-ads, meta, microsoft, linkedin, tiktok/],
    [["connect", "add", "microsoft", "--account", "F1234567", "--client-id", "c", "--refresh-token", "r", "--developer-token", "d"], /--account 'F1234567' is not an account id \(the digits of Account ID, not the account number such as F1234567\)/],
    [["connect", "add", "microsoft", "--account", "180535609", "--client-id", "c", "--refresh-token", "r"], /Microsoft Advertising needs the developer token: give --developer-token \(or --developer-token-env VARIABLE/],
    [["connect", "add", "linkedin", "--account", "act_1", "--client-id", "c", "--client-secret", "s", "--refresh-token", "r"], /--account 'act_1' is not an ad account id \(507123456, or urn:li:sponsoredAccount:507123456\)/],
    [["connect", "add", "linkedin", "--account", "507123456", "--client-id", "c", "--client-secret", "s", "--refresh-token", "r", "--api-version", "v2"], /--api-version: 'v2' does not look like 202607/],
    [["connect", "add", "tiktok", "--account", "act_1", "--access-token", "t"], /--account 'act_1' is not an advertiser id \(7012345678901234567\)/],
    [["connect", "add", "tiktok", "--account", "7012345678901234567"], /TikTok needs the access token: give --access-token \(or --access-token-env VARIABLE/],
    [["connect", "add", "google-ads", "--account", "12-34", "--client-id", "c", "--client-secret", "s", "--refresh-token", "r"], /--account '12-34' is not a customer id \(123-456-7890 or 1234567890; not a manager account\)/],
    [["connect", "add", "google-ads", "--account", "1234567890", "--client-id", "c", "--client-secret", "s"], /Google Ads needs the OAuth refresh token: give --refresh-token \(or --refresh-token-env VARIABLE/],
    [["connect", "add", "meta", "--account", "act_1", "--access-token", "t", "--access-token-env", "T"], /give --access-token or --access-token-env, not both/],
    [["connect", "add", "meta", "--account", "act_1", "--access-token-env", "9BAD"], /--access-token-env '9BAD' is not an environment variable name/],
    [["connect", "add", "meta", "--account", "act_1", "--access-token", "t", "--client-id", "x"], /--client-id is not a Meta \(Facebook, Instagram\) setting/],
    [["connect", "add", "meta", "--account", "act_1", "--access-token", "t", "--api-url", "ftp://x"], /--api-url: 'ftp:\/\/x' is not an http\(s\) URL/],
    [["connect", "add", "meta", "--account", "act_1", "--access-token", "t", "--name", "a b"], /--name 'a b' must be letters, digits/],
    [["connect", "add", "meta", "--access-token", "t"], /name the accounts to sync with --account \(an ad account id/],
    [["connect", "test", "nope"], /no connections in .*cpi.connections.json: add one with 'cpi connect add/],
    [["connect", "remove", "nope"], /there is no connection named 'nope'/],
    [["sync"], /no connections in .*cpi\.connections\.json/],
  ];
  for (const [argv, message] of cases) {
    const r = await cpiEnv(dir, {}, ...argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, argv.join(" "));
    assert.equal(existsSync(path), false, "nothing written");
  }
  assert.equal((await cpiEnv(dir, {}, "connect", "add", "meta", "--account", "act_1", "--access-token", "t")).code, 0);
  const dup = await cpiEnv(dir, {}, "connect", "add", "meta", "--account", "act_2", "--access-token", "t");
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /a connection named 'meta' exists: pick another --name, or change it with --update/);
  chmodSync(path, 0o644);
  const readable = await cpiEnv(dir, {}, "connect", "list");
  assert.equal(readable.code, 2);
  assert.match(readable.stderr, /cpi\.connections\.json holds credentials but other users may read it: run 'chmod 600 .*cpi\.connections\.json'/);
});

test("connect test: each account's name, currency and zone, or what is wrong in plain words", async () => {
  const dir = tempDir("cpi-connect-test-");
  await addGoogle(dir, fakes, "g", [...GOOGLE_ACCOUNTS.map((a) => a.id), "1112223334"]);
  await addMeta(dir, fakes, "m", [...META_ACCOUNTS.map((a) => a.id), "999"]);
  const g = await cpiEnv(dir, ENV, "connect", "test", "g");
  assert.equal(g.code, 2);
  assert.match(g.stdout, /1234567890\s+Acme DE\s+EUR\s+Europe\/Berlin\s+ok/);
  assert.match(g.stdout, /2345678901\s+Acme US, "West"\s+USD\s+America\/Los_Angeles\s+ok/);
  assert.match(g.stdout, /1112223334 .*Google Ads knows no customer 1112223334: check the id/);
  const m = await cpiEnv(dir, ENV, "connect", "test", "m", "--format", "json");
  assert.equal(m.code, 2);
  const mj = JSON.parse(m.stdout);
  assert.deepEqual(mj.accounts.map((a: { ok: boolean }) => a.ok), [true, true, false]);
  assert.equal(mj.accounts[1].currency, "JPY");
  assert.match(mj.accounts[2].error, /Meta knows no ad account act_999 this token can see/);
  assert.equal(mj.accounts[2].error_kind, "unknown_account");

  const noLogin = tempDir("cpi-connect-test-login-");
  await cpiEnv(noLogin, ENV, "connect", "add", "google-ads", "--name", "g", "--account", "2345678901", "--client-id", "1234.apps.googleusercontent.com", "--client-secret-env", "GOOGLE_CLIENT_SECRET", "--refresh-token-env", "GOOGLE_REFRESH_TOKEN", "--api-url", fakes.google.apiUrl, "--token-url", fakes.google.tokenUrl);
  const perm = await cpiEnv(noLogin, ENV, "connect", "test", "g");
  assert.match(perm.stdout, /may not read customer 2345678901; when it reaches the account through a manager \(MCC\) account, set that manager's id with --login-customer-id/);

  const retired = tempDir("cpi-connect-test-version-");
  await addGoogle(retired, fakes, "g", ["1234567890"], ["--api-version", "v19"]);
  await addMeta(retired, fakes, "m", ["1020304050"], ["--api-version", "v19.0"]);
  const gv = await cpiEnv(retired, ENV, "connect", "test", "g");
  assert.match(gv.stdout, /Google Ads does not serve API version v19 at this address \(retired\?\): set a current one with --api-version/);
  const mv = await cpiEnv(retired, ENV, "connect", "test", "m");
  assert.match(mv.stdout, /Marketing API version v19\.0 is no longer served: set a current one with --api-version/);

  fakes.google.refuseRefresh = true;
  fakes.meta.tokenExpired = true;
  try {
    const gr = await cpiEnv(dir, ENV, "connect", "test", "g");
    assert.match(gr.stdout, /Google refused the credentials of connection 'g' \(invalid_grant: Token has been expired or revoked\.\): the refresh token has expired or was revoked/);
    const mr = await cpiEnv(dir, ENV, "connect", "test", "m");
    assert.match(mr.stdout, /the access token has expired: create a new system-user token/);
  } finally {
    fakes.google.refuseRefresh = false;
    fakes.meta.tokenExpired = false;
  }
  const unset = await cpiEnv(dir, {}, "connect", "test", "g");
  assert.equal(unset.code, 2);
  assert.match(unset.stdout, /connection 'g': the OAuth client secret comes from the environment variable GOOGLE_CLIENT_SECRET, which is not set in this environment/);
  const sync = await cpiEnv(dir, {}, "sync", "g");
  assert.equal(sync.code, 2, "a connection that cannot be used as configured needs the user");
  assert.match(sync.stderr, /GOOGLE_CLIENT_SECRET, which is not set/);
});

test("connect test, Microsoft Advertising: each account, or what is wrong in plain words (unknown account, permission, retired version, refused refresh token)", async () => {
  const dir = tempDir("cpi-connect-test-ms-");
  const [a1, a2] = MICROSOFT_ACCOUNTS.map((a) => a.id) as [string, string];
  await addMicrosoft(dir, fakes, "ms", [a1, a2, "999"]);
  fakes.microsoft.fault({ kind: "permission", account: a2, times: 1 });
  const r = await cpiEnv(dir, ENV, "connect", "test", "ms", "--format", "json");
  assert.equal(r.code, 2);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(
    j.accounts.map((a: { account: string; ok: boolean; currency: string | null; timezone: string | null; error_kind: string | null }) => [a.account, a.ok, a.currency, a.timezone, a.error_kind]),
    [
      [a1, true, "USD", "America/New_York", null],
      [a2, false, null, null, "permission"],
      ["999", false, null, null, "unknown_account"],
    ],
  );
  assert.match(j.accounts[1].error, /the user who authorized cpi may not read account 181000042: check the account id .* and that the user has access to it/);
  assert.match(j.accounts[2].error, /Microsoft Advertising knows no account 999: check the id \(Accounts summary → Account ID, not the account number\)/);

  const retired = tempDir("cpi-connect-test-ms-version-");
  await addMicrosoft(retired, fakes, "ms", [a1], ["--api-version", "v12"]);
  const v = await cpiEnv(retired, ENV, "connect", "test", "ms");
  assert.equal(v.code, 2);
  assert.match(v.stdout, /Microsoft Advertising does not serve API version v12 at this address \(retired\?\): set a current one with --api-version/);

  fakes.microsoft.refuseRefresh = true;
  try {
    const e = await cpiEnv(dir, ENV, "connect", "test", "ms");
    assert.equal(e.code, 2);
    assert.match(e.stdout, /Microsoft refused the credentials of connection 'ms' \(invalid_grant: AADSTS70008: .*\): the refresh token has expired or was revoked; authorize cpi again and save the new credentials with 'cpi connect add microsoft --name ms --update --refresh-token NEW_VALUE'/);
  } finally {
    fakes.microsoft.refuseRefresh = false;
  }
  for (const s of Object.values(SECRETS)) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s));
});
