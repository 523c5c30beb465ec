// The dashboard served beyond loopback: nothing is shown without a token; with one, it works.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { after, before, test } from "node:test";
import type { BrowserContext } from "playwright-core";
import { createApiToken } from "../../src/app/api-tokens.js";
import type { Store } from "../../src/store/store.js";
import { demoStore } from "../api/harness.js";
import { launchBrowser, ready, SKIP, screenshot, serveDashboard } from "./browser.js";

let store: Store;
let server: Server;
let url: string;
let browser: BrowserContext;

before(async () => {
  if (SKIP) return;
  store = (await demoStore()).store;
  ({ url, server } = await serveDashboard(store, "0.0.0.0"));
  browser = await launchBrowser();
});
after(async () => {
  if (SKIP) return;
  await browser?.close();
  server?.close();
  await store?.close();
});

test("served on every interface, the dashboard asks for a token before showing any number", { skip: SKIP }, async () => {
  const page = await browser.newPage();
  await page.goto(`${url}/`);
  await ready(page, "error");
  assert.equal(await page.locator(".kpi").count(), 0);
  assert.match((await page.textContent(".error")) ?? "", /token/);
  const denied = await page.evaluate(async () => (await fetch("/api/report?metrics=cost&currency=USD")).status);
  assert.equal(denied, 401);
  await screenshot(page, "auth-token-needed");
  const { token } = await createApiToken(store, "remote dashboard");
  await page.fill('input[name="token"]', token);
  await page.click('.token-form button[type="submit"]');
  await ready(page, "overview");
  assert.equal(await page.locator(".kpi").count(), 5);
});

test("a wrong token is refused", { skip: SKIP }, async () => {
  const page = await browser.newPage();
  await page.goto(`${url}/`);
  await page.evaluate(() => localStorage.setItem("cpi.token", "cpi_not-a-real-token"));
  await page.reload();
  await ready(page, "error");
  assert.match((await page.textContent(".error")) ?? "", /not valid/);
  await page.evaluate(() => localStorage.removeItem("cpi.token"));
});
