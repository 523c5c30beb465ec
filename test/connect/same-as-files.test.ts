// The same delivery, served by the fake Google Ads, Meta and Microsoft APIs and written as each platform's export
// file, gives identical `cpi report` output: a sync and an import store the same source ids, the same
// account, campaign, ad group and ad identities, currencies, zones, money to the micro and reach. And
// a sync after an import replaces the imported rows instead of adding to them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { googleAdsApiCsv, metaAdsManagerCsv, microsoftExportCsv } from "../../src/test-support/fake-platforms/export-files.js";
import { tempDir, write } from "../helpers.js";
import { addGoogle, addMeta, addMicrosoft, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, MICROSOFT_ACCOUNTS, metaDelivery, microsoftDelivery, startFakes } from "./fakes.js";
import { accountRows, reachRows, reports } from "./store-views.js";

let fakes: Fakes;
let google: FakeDelivery;
let meta: FakeDelivery;
let microsoft: FakeDelivery;
let synced: string;
let windows: Map<string, { from: string; to: string }>;

before(async () => {
  google = googleDelivery(25, 3, { campaigns: 4, adGroups: 2, ads: 3, pmax: 1 });
  meta = metaDelivery(25, 5, { campaigns: 3, adGroups: 2, ads: 4 });
  microsoft = microsoftDelivery(25, 9, { campaigns: 4, adGroups: 2, ads: 3, pmax: 1 });
  fakes = await startFakes(google, meta, { microsoft });
  synced = tempDir("cpi-sync-same-");
  await addGoogle(synced, fakes, "g", GOOGLE_ACCOUNTS.map((a) => a.id));
  await addMeta(synced, fakes, "m", META_ACCOUNTS.map((a) => a.id));
  await addMicrosoft(synced, fakes, "ms", MICROSOFT_ACCOUNTS.map((a) => a.id));
  const r = await cpiEnv(synced, ENV, "sync", "--format", "json", "--since", "30d");
  assert.equal(r.code, 0, r.stderr);
  windows = new Map(JSON.parse(r.stdout).map((a: { account: string; from: string; to: string }) => [a.account, { from: a.from, to: a.to }]));
});
after(() => fakes.close());

/** Each account's export file, holding the days its sync pulled. */
/** The "Time Zone:" line a Microsoft Advertising report download states for the test accounts' zones. */
const MICROSOFT_ZONE_LABELS: Record<string, string> = {
  "America/New_York": "(GMT-05:00) Eastern Time (US & Canada)",
  "Europe/Amsterdam": "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
};

function exportFiles(dir: string): { google: string[]; meta: { path: string; zone: string }[]; microsoft: string[] } {
  const within = (data: FakeDelivery, id: string) => {
    const w = windows.get(id) as { from: string; to: string };
    return { ...data, days: new Map([[id, (data.days.get(id) ?? []).filter((d) => d.date >= w.from && d.date <= w.to)]]) };
  };
  return {
    google: google.accounts.map((a) => write(dir, `google-${a.id}.csv`, googleAdsApiCsv(within(google, a.id), a))),
    meta: meta.accounts.map((a) => ({ path: write(dir, `meta-${a.id}.csv`, metaAdsManagerCsv(within(meta, a.id), a)), zone: a.timezone })),
    microsoft: microsoft.accounts.map((a) => {
      const w = windows.get(a.id) as { from: string; to: string };
      return write(dir, `microsoft-${a.id}.csv`, microsoftExportCsv(microsoft, a, MICROSOFT_ZONE_LABELS[a.timezone] as string, w.from, w.to));
    }),
  };
}

async function importAll(dir: string): Promise<void> {
  const files = exportFiles(dir);
  const g = await cpiEnv(dir, {}, "import", ...files.google, ...files.microsoft);
  assert.equal(g.code, 0, g.stderr);
  for (const m of files.meta) {
    const r = await cpiEnv(dir, {}, "import", m.path, "--timezone", m.zone);
    assert.equal(r.code, 0, r.stderr);
  }
}

test("served through the fake APIs or written as export files, the delivery gives identical reports and reach", async () => {
  const imported = tempDir("cpi-import-same-");
  await importAll(imported);
  const [a, b] = [await reports(synced), await reports(imported)];
  assert.equal(a[0]?.split("\n").length, b[0]?.split("\n").length);
  assert.ok((a[0]?.split("\n").length ?? 0) > 500, "hundreds of ad-days compared");
  assert.deepEqual(a, b);
  assert.match(a[1] ?? "", /google-ads,1234567890,EUR/);
  assert.match(a[1] ?? "", /meta,5040302010,JPY/);
  assert.match(a[1] ?? "", /microsoft-ads,180535609,USD/);
  assert.match(a[1] ?? "", /microsoft-ads,181000042,EUR/);
  const accounts = await accountRows(synced);
  assert.equal(accounts.length, 6);
  assert.deepEqual(accounts, await accountRows(imported));
  const reach = await reachRows(synced);
  assert.ok(reach.length > 100);
  assert.deepEqual(reach, await reachRows(imported));
});

test("a sync after importing the same days replaces the imported rows: nothing is counted twice", async () => {
  const dir = tempDir("cpi-import-then-sync-");
  await importAll(dir);
  const before = await reports(dir);
  await addGoogle(dir, fakes, "g", GOOGLE_ACCOUNTS.map((a) => a.id));
  await addMeta(dir, fakes, "m", META_ACCOUNTS.map((a) => a.id));
  await addMicrosoft(dir, fakes, "ms", MICROSOFT_ACCOUNTS.map((a) => a.id));
  const r = await cpiEnv(dir, ENV, "sync", "--format", "json", "--since", "30d");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { rows: number; replaced_rows: number }[];
  for (const x of out) assert.equal(x.replaced_rows, x.rows, "every synced row replaced its imported twin");
  assert.deepEqual(await reports(dir), before);
});
