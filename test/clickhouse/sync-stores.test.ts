// test:slow
// A sync (the fake Google Ads and Meta APIs) into DuckDB, one ClickHouse server and the two-shard
// cluster, then a restating sync whose window has a day the platform now reports nothing for: every
// store must hold the same rows and give the same reports (the window a sync gives replaces on
// ClickHouse too).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { memoryConnectionFiles } from "../../src/app/connect/connection-files.js";
import { addConnection } from "../../src/app/connect/manage.js";
import { runReport } from "../../src/app/report.js";
import { syncConnections } from "../../src/app/sync/sync.js";
import { ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, metaDelivery, SECRETS, startFakes, yesterday } from "../connect/fakes.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { engineStores, type NamedStore } from "./stores.js";

const skip = skipReason();
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];
let fakes: Fakes;
const google = googleDelivery(10);
const meta = metaDelivery(10);

before(async () => {
  if (skip) return;
  cluster = await startClickHouse();
  stores = await engineStores(cluster);
  fakes = await startFakes(google, meta);
});
after(async () => {
  for (const s of stores) await s.store.close();
  await cluster?.stop();
  await fakes?.close();
});

async function connections() {
  const files = memoryConnectionFiles();
  const g = { client_id: "1234.apps.googleusercontent.com", login_customer_id: "9876543210", api_url: fakes.google.apiUrl, token_url: fakes.google.tokenUrl };
  await addConnection(files, { platform: "google-ads", name: "g", accounts: GOOGLE_ACCOUNTS.map((a) => a.id), values: g, env: { client_secret: "GOOGLE_CLIENT_SECRET", refresh_token: "GOOGLE_REFRESH_TOKEN" } }, ENV);
  await addConnection(files, { platform: "meta", name: "m", accounts: META_ACCOUNTS.map((a) => a.id), values: { api_url: fakes.meta.apiUrl }, env: { access_token: "META_TOKEN", app_secret: "META_APP_SECRET" } }, ENV);
  return files;
}

test("synced and re-synced, DuckDB, ClickHouse and the cluster hold the same rows", { skip: skip ?? false }, async () => {
  const options = { deadlineMs: 120_000, env: { ...ENV, ...SECRETS }, timing: { retryBaseMs: 1, pollMs: 1, pauseMs: 1 }, since: { days: 9 } };
  const files = await Promise.all(stores.map(() => connections()));
  for (const [i, s] of stores.entries()) {
    const out = await syncConnections(s.store, files[i] as Awaited<ReturnType<typeof connections>>, options);
    assert.deepEqual(out.map((a) => a.error), [null, null, null, null], s.name);
  }
  // Restated: the Berlin Meta account's yesterday is now empty; every other figure moves.
  const id = META_ACCOUNTS[0]?.id as string;
  const last = yesterday("Europe/Berlin");
  for (const d of [google, meta]) for (const [k, days] of d.days) d.days.set(k, days.filter((x) => !(k === id && x.date === last)).map((x) => ({ ...x, impressions: x.impressions + 1 })));
  const results: unknown[] = [];
  for (const [i, s] of stores.entries()) {
    const out = await syncConnections(s.store, files[i] as Awaited<ReturnType<typeof connections>>, options);
    assert.deepEqual(out.map((a) => a.error), [null, null, null, null], s.name);
    const report = await runReport(s.store, { metrics: ["cost", "impressions", "clicks", "conversions", "revenue"], dimensions: ["source", "account", "currency", "campaign", "ad", "day"], filters: [] });
    const lastDay = report.rows.filter((r) => r.keys[1] === id && r.keys[5] === last);
    assert.deepEqual(lastDay, [], `${s.name}: the emptied day is gone`);
    const reach = await s.store.query("SELECT source, account_id, level, ad, date_start, reach FROM platform_reach ORDER BY source, account_id, ad, date_start");
    // ClickHouse 18.16 reads "4.56" from TabSeparated as 4.5600000000000005 (its float parser is not
    // correctly rounded): fractional conversions are compared to the millionth.
    const rounded = (t: (typeof report.rows)[number]["totals"]) => ({ ...t, conversions: Math.round(t.conversions * 1e6) / 1e6 });
    results.push({ rows: report.rows.map((r) => [r.keys, rounded(r.totals)]), reach: reach.map((r) => ({ ...r, date_start: String(r.date_start), reach: Number(r.reach) })) });
  }
  assert.ok(((results[0] as { rows: unknown[] }).rows.length ?? 0) > 100);
  assert.deepEqual(results[1], results[0], "one ClickHouse server = DuckDB");
  assert.deepEqual(results[2], results[0], "the cluster = DuckDB");
});
