// test:slow
// Alert rules from the page (issue 21), at 1440 px and 390 px on the demo store: draft a threshold rule,
// preview it on the period (the same numbers as the API's backtest of that draft, nothing saved), create
// it (the write asks for a token first), disable, enable and delete it, each change read back from
// the API. The page must fit the screen's width throughout. Screenshots go to test-artifacts/.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { createApiToken } from "../../src/app/api-tokens.js";
import { openAlertFiles } from "../../src/cli/compose.js";
import type { Store } from "../../src/store/store.js";
import { demoStore } from "../api/harness.js";
import { launchBrowser, ready, SKIP, screenshot, serveDashboard } from "./browser.js";
import { apiJson, overflow, WIDTHS } from "./layout.js";

let store: Store;
let server: Server;
let url: string;
let browser: BrowserContext;
let token: string;
const pageErrors: string[] = [];
const FROM = "2026-10-29";
const TO = "2026-11-27";

before(async () => {
  if (SKIP) return;
  const d = await demoStore();
  store = d.store;
  ({ url, server } = await serveDashboard(store, "127.0.0.1", { alerts: openAlertFiles(join(d.dir, "cpi.alerts.json")) }));
  ({ token } = await createApiToken(store, "alert-rules-test"));
  browser = await launchBrowser();
});
after(async () => {
  if (SKIP) return;
  await browser?.close();
  server?.close();
  await store?.close();
});

interface Rule {
  id: string;
  enabled?: boolean;
}
const rules = async () => (await apiJson<{ rules: Rule[] }>(url, "/api/alerts/rules")).rules;

async function fits(page: Page, what: string): Promise<void> {
  assert.equal(await overflow(page), 0, `${what}: wider than the screen`);
}

for (const w of WIDTHS) {
  test(`${w.name} px: draft, preview on past data, create, disable, enable and delete an alert rule`, { skip: SKIP }, async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: w.width, height: w.height });
    page.on("pageerror", (e) => pageErrors.push(`${w.name}: ${e.message}`));
    page.on("dialog", (d) => pageErrors.push(`${w.name}: dialog ${d.message()}`));
    await page.goto(`${url}/#/alerts?from=${FROM}&to=${TO}&currency=USD`);
    await ready(page, "alerts");
    await page.evaluate(() => localStorage.removeItem("cpi.token"));
    const id = `cpi-high-${w.name}`;
    await page.selectOption('select[name="rule-kind"]', "threshold");
    await page.selectOption('select[name="rule-metric"]', "cpi");
    await page.selectOption('select[name="rule-operator"]', ">");
    await page.fill('input[name="rule-value"]', "0.05");
    await page.selectOption('select[name="rule-by"]', "campaign");
    await page.fill('input[name="rule-id"]', id);

    // Preview: the API's backtest of the same draft over the period, nothing saved.
    await page.click('[data-testid="preview-rule"]');
    await page.waitForSelector('[data-testid="preview"] h3');
    const want = await apiJson(url, "/api/alerts/backtest", { from: FROM, to: TO, rule: { kind: "threshold", metric: "cpi", operator: ">", value: 0.05, by: "campaign" } });
    const sum = want.rules[0];
    assert.ok(sum.alerts > 0, "the demo's search campaigns cost more than $0.05 per impression");
    assert.equal(
      await page.textContent('[data-testid="preview"] h3'),
      `On ${FROM} – ${TO} (30 days) this rule would have raised ${sum.alerts} alert${sum.alerts === 1 ? "" : "s"}, firing on ${sum.days_firing} scope-days of ${sum.scopes} scopes. Nothing was saved or sent.`,
    );
    assert.equal(await page.locator('[data-testid="preview"] li').count(), want.alerts.length);
    assert.equal(await page.textContent('[data-testid="preview"] li >> nth=0'), `${want.alerts[0].scope_label} — ${want.alerts[0].message} (${want.alerts[0].since}${want.alerts[0].until !== want.alerts[0].since ? ` – ${want.alerts[0].until}` : ""}, ${want.alerts[0].days} day${want.alerts[0].days === 1 ? "" : "s"})`);
    assert.ok(!(await rules()).some((r) => r.id === id), "a preview saves nothing");
    await fits(page, "preview");
    await screenshot(page, `alert-rule-preview-${w.name}`);

    // Create: the write needs a token; the page asks for it and carries on.
    await page.click('[data-testid="create-rule"]');
    await page.waitForSelector('[data-testid="rules-status"] .token-form');
    await page.fill('[data-testid="rules-status"] input[name="token"]', token);
    await page.click('[data-testid="rules-status"] .token-form button[type="submit"]');
    await page.waitForSelector('[data-testid="rule-saved"]');
    assert.equal(await page.textContent('[data-testid="rule-saved"]'), `Rule ${id} created: cpi > 0.05 per campaign.`);
    const row = page.locator(`[data-testid="rules"] tr[data-rule="${id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('[data-field="state"]').textContent(), "on");
    const saved = (await rules()).find((r) => r.id === id);
    assert.ok(saved && saved.enabled !== false, "saved, and on (enabled is left out when true)");
    await fits(page, "created");
    await screenshot(page, `alert-rules-${w.name}`);

    // Disable, enable.
    await row.locator('button[data-act="disable"]').click();
    await page.waitForFunction((rid) => document.querySelector(`tr[data-rule="${rid}"] [data-field="state"]`)?.textContent === "off", id);
    assert.equal((await rules()).find((r) => r.id === id)?.enabled, false);
    await row.locator('button[data-act="enable"]').click();
    await page.waitForFunction((rid) => document.querySelector(`tr[data-rule="${rid}"] [data-field="state"]`)?.textContent === "on", id);
    assert.notEqual((await rules()).find((r) => r.id === id)?.enabled ?? true, false);

    // Delete: a second click confirms.
    await row.locator('button[data-act="delete"]').click();
    assert.equal(await row.locator('button[data-act="delete"]').textContent(), "Really delete?");
    assert.ok((await rules()).some((r) => r.id === id), "one click deletes nothing");
    await row.locator('button[data-act="delete"]').click();
    await page.waitForFunction((rid) => !document.querySelector(`tr[data-rule="${rid}"]`), id);
    assert.ok(!(await rules()).some((r) => r.id === id));
    await fits(page, "deleted");
    await page.close();
  });
}

test("the pages raised no error and opened no dialog", { skip: SKIP }, () => {
  assert.deepEqual(pageErrors, []);
});
