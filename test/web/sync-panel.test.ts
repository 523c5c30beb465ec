// test:slow
// The dashboard's Sync panel after syncs against the fake Google Ads and Meta APIs, one account
// failing: each account's last success, freshest day and last error in plain words, all as text
// (a campaign or error text holding markup stays text), and no secret on the page.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { hostStore, openConnectionFiles } from "../../src/cli/compose.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { addGoogle, addMeta, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, metaDelivery, SECRETS, startFakes, yesterday } from "../connect/fakes.js";
import { tempDir } from "../helpers.js";
import { launchBrowser, ready, SKIP, screenshot, serveDashboard } from "./browser.js";

let fakes: Fakes;
let store: DuckDbStore;
let server: Server;
let url: string;
let browser: BrowserContext;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  if (SKIP) return;
  fakes = await startFakes(googleDelivery(4), metaDelivery(4));
  const dir = tempDir("cpi-sync-panel-");
  await addGoogle(dir, fakes, "acme-google", GOOGLE_ACCOUNTS.map((a) => a.id));
  await addMeta(dir, fakes, "acme-meta", META_ACCOUNTS.map((a) => a.id));
  assert.equal((await cpiEnv(dir, ENV, "sync", "--since", "3d")).code, 0);
  fakes.meta.failRunsOf.add(META_ACCOUNTS[1]?.id as string);
  assert.equal((await cpiEnv(dir, ENV, "sync", "acme-meta", "--since", "10d")).code, 3);
  const db = join(dir, "cpi.duckdb");
  store = await DuckDbStore.open(db);
  hostStore(db, store);
  ({ url, server } = await serveDashboard(store, "127.0.0.1", { connections: openConnectionFiles(join(dir, "cpi.connections.json")) }));
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});
after(async () => {
  if (SKIP) return;
  await browser?.close();
  server?.close();
  await store?.close();
  await fakes?.close();
});

test("the Sync panel lists each account's last success, freshest day and last error", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/sync`);
  await ready(page, "sync");
  const connections = (await page.textContent('[data-testid="connections"]')) ?? "";
  assert.match(connections, /acme-google \(Google Ads\): last full sync \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  assert.match(connections, /acme-meta \(Meta \(Facebook, Instagram\)\): last full sync \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC — account 5040302010: .*ended 'Job Failed'/);
  const rows = await page.$$eval('[data-testid="sync-accounts"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll("td,th")].map((c) => c.textContent ?? "")));
  assert.equal(rows.length, 4);
  const tokyo = rows.find((r) => r[1] === "5040302010") as string[];
  assert.equal(tokyo[4], yesterday("Asia/Tokyo"), "freshest day in the store");
  assert.match(tokyo[5] ?? "", /Meta's report run \d+ ended 'Job Failed': The report could not be generated/);
  const berlin = rows.find((r) => r[1] === "1234567890") as string[];
  assert.equal(berlin[3], yesterday("Europe/Berlin"));
  assert.equal(berlin[5], "—");
  const text = (await page.textContent("body")) ?? "";
  for (const s of Object.values(SECRETS)) assert.ok(!text.includes(s));
  assert.deepEqual(dialogs, []);
  await screenshot(page, "sync-panel");
});
