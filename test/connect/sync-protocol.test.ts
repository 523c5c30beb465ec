// `cpi sync` against the fake Google Ads and Meta APIs: every request the connectors send follows
// the documented protocol (the fakes list any that does not), and the store holds exactly the
// delivery the fakes served, account by account, in each account's currency and time zone.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { tempDir } from "../helpers.js";
import { addGoogle, addMeta, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, metaDelivery, startFakes, yesterday } from "./fakes.js";
import { expectedTotals, storeTotals } from "./store-views.js";

let fakes: Fakes;
let google: FakeDelivery;
let meta: FakeDelivery;

before(async () => {
  google = googleDelivery(20);
  meta = metaDelivery(20, 11, { campaigns: 4, adGroups: 3, ads: 5 });
  fakes = await startFakes(google, meta, { googlePageSize: 100 });
});
after(() => fakes.close());

test("Google Ads through search pages and searchStream: the served rows land, every request as documented", async () => {
  for (const method of ["search", "searchStream"]) {
    const dir = tempDir("cpi-sync-google-");
    fakes.google.requests.length = 0;
    await addGoogle(dir, fakes, "acme-google", GOOGLE_ACCOUNTS.map((a) => a.id), ["--report-method", method]);
    const r = await cpiEnv(dir, ENV, "sync", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.length, 2);
    for (const a of out) {
      assert.equal(a.error, null);
      assert.equal(a.days, 90, "a first sync backfills 90 days");
      assert.equal(a.to, yesterday(a.timezone));
    }
    assert.deepEqual(await storeTotals(join(dir, "cpi.duckdb")), expectedTotals("google-ads", google, (a) => ({ from: out.find((x: { timezone: string }) => x.timezone === a.timezone).from, to: yesterday(a.timezone) }), false));
    assert.deepEqual(fakes.google.violations, []);
    const reports = fakes.google.requests.filter((q) => q.path.includes(`googleAds:${method}`));
    if (method === "search") assert.ok(reports.some((q) => JSON.parse(q.body).pageToken), "search pages were followed");
    for (const q of reports) {
      assert.equal(q.headers["developer-token"], ENV.GOOGLE_DEVELOPER_TOKEN);
      assert.equal(q.headers["login-customer-id"], "9876543210");
      assert.match(String(q.headers.authorization), /^Bearer ya29\.fake-/);
    }
    assert.equal(fakes.google.requests.filter((q) => q.path === "/token").length, 1, "one access token for the whole sync");
  }
});

test("Meta through report runs (long windows) and synchronous pages (a week): the served rows and reach land", async () => {
  const dir = tempDir("cpi-sync-meta-");
  fakes.meta.requests.length = 0;
  await addMeta(dir, fakes, "acme-meta", META_ACCOUNTS.map((a) => a.id));
  const first = await cpiEnv(dir, ENV, "sync", "--format", "json", "--since", "21d");
  assert.equal(first.code, 0, first.stderr);
  const out = JSON.parse(first.stdout);
  assert.deepEqual(await storeTotals(join(dir, "cpi.duckdb")), expectedTotals("meta", meta, (a) => ({ from: out.find((x: { timezone: string }) => x.timezone === a.timezone).from, to: yesterday(a.timezone) }), true));
  assert.ok(fakes.meta.requests.some((q) => q.method === "POST" && q.path.endsWith("/insights")), "a report run was started");
  assert.ok(fakes.meta.requests.some((q) => q.path.endsWith("/insights") && q.query.get("after")), "cursor pages were followed");
  // Reach: one platform reach row per ad and day, never summed into spend.
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  const [reach] = await store.query("SELECT count(*) AS n, sum(reach) AS reach FROM platform_reach WHERE level = 'ad'");
  await store.close();
  const served = META_ACCOUNTS.flatMap((a) => (meta.days.get(a.id) ?? []).filter((d) => d.date >= (out.find((x: { account: string }) => x.account === a.id).from as string) && d.date <= yesterday(a.timezone)));
  assert.equal(reach?.n, BigInt(served.length));
  assert.equal(reach?.reach, BigInt(served.reduce((s, d) => s + d.reach, 0)));

  // A later sync with a 5-day lookback pulls a week at most: synchronous GETs, no report run. The
  // usage headers near a limit make it pause; "too much data" sends it to a report run after all.
  fakes.meta.requests.length = 0;
  fakes.meta.fault({ kind: "throttle_headers", account: META_ACCOUNTS[0]?.id as string, times: 1 });
  fakes.meta.fault({ kind: "too_much_data", account: META_ACCOUNTS[1]?.id as string, times: 1, pathIncludes: "insights" });
  const second = await cpiEnv(dir, ENV, "sync", "--format", "json", "--lookback", "5");
  assert.equal(second.code, 0, second.stderr);
  for (const a of JSON.parse(second.stdout)) assert.equal(a.days, 6);
  assert.match(second.stderr, /ad account act_1020304050: Meta reports 97 % of a limit used \(x-app-usage\); pausing 0 s/);
  assert.match(second.stderr, /the insights of act_5040302010 for .*: too much for one request; running a report instead/);
  assert.deepEqual(
    fakes.meta.requests.filter((q) => q.method === "POST").map((q) => q.path),
    [`/v27.0/act_${META_ACCOUNTS[1]?.id}/insights`],
    "one report run, for the account Meta said asked too much",
  );
  // A --since older than the 37 months of insights Meta keeps starts at the oldest day it has.
  const old = await cpiEnv(dir, ENV, "sync", "--since", "2020-01-01", "--format", "json");
  assert.equal(old.code, 0, old.stderr);
  assert.match(old.stderr, /act_1020304050: Meta keeps insights for 37 months: pulling from \d{4}-\d{2}-\d{2}, not 2020-01-01/);
  assert.deepEqual(fakes.meta.violations, []);
  for (const q of fakes.meta.requests) assert.match((q.method === "POST" ? new URLSearchParams(q.body) : q.query).get("appsecret_proof") ?? "", /^[0-9a-f]{64}$/);
});

test("a restated window replaces the stored one whole: a day the platform now reports nothing for is emptied", async () => {
  const dir = tempDir("cpi-sync-window-");
  await addMeta(dir, fakes, "m", [META_ACCOUNTS[0]?.id as string]);
  const id = META_ACCOUNTS[0]?.id as string;
  const last = yesterday("Europe/Berlin");
  assert.equal((await cpiEnv(dir, ENV, "sync", "--since", "5d")).code, 0);
  const count = async () => {
    const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
    try {
      const [r] = await store.query(`SELECT count(*) AS n, count(*) FILTER (WHERE date_start = DATE '${last}') AS last FROM spend`);
      return { n: Number(r?.n), last: Number(r?.last) };
    } finally {
      await store.close();
    }
  };
  const before = await count();
  assert.ok(before.last > 0, "yesterday had delivery");
  // The platform restates yesterday to nothing (every ad of the account): no row of that day comes back.
  const kept = meta.days.get(id) ?? [];
  meta.days.set(id, kept.filter((d) => d.date !== last));
  try {
    const r = await cpiEnv(dir, ENV, "sync", "--since", "5d", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].to, last, "the window still ends yesterday");
    assert.deepEqual(await count(), { n: before.n - before.last, last: 0 });
  } finally {
    meta.days.set(id, kept);
  }
});
