// Hostile names from imported data are shown as text, never run: campaign, ad group, ad and placement
// names full of markup go through the overview, drill-down, compare, A/B, curves, pacing, reach and
// discrepancy views without a dialog.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { importReports } from "../../src/app/import.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers.js";
import { launchBrowser, ready, SKIP, screenshot, serveDashboard } from "./browser.js";

const HOSTILE = {
  campaign: "<img src=x onerror=alert(1)>",
  campaign2: '"><script>alert(2)</script>',
  adGroup: "<svg/onload=alert(3)>",
  ad: "<iframe src=javascript:alert(4)></iframe>",
  ad2: "{{constructor.constructor('alert(5)')()}}",
  placement: "javascript:alert(6)//&amp;",
};

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function hostileCsv(): string {
  const lines = ["date,campaign,ad_group,ad,placement,source,currency,cost,impressions,clicks"];
  for (let d = 1; d <= 14; d++) {
    const day = `2026-10-${String(d).padStart(2, "0")}`;
    lines.push([day, HOSTILE.campaign, HOSTILE.adGroup, HOSTILE.ad, HOSTILE.placement, "direct", "USD", (50 + d).toFixed(2), String(10000 + d * 100), String(10 + d)].map(csvCell).join(","));
    lines.push([day, HOSTILE.campaign, HOSTILE.adGroup, HOSTILE.ad2, HOSTILE.placement, "direct", "USD", (55 + (d % 3)).toFixed(2), String(10000 + d * 90), String(12 + d)].map(csvCell).join(","));
    lines.push([day, HOSTILE.campaign2, "plain group", "plain ad", "plain site", "direct", "USD", "40.00", "9000", "9"].map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}

let store: Store;
let server: Server;
let url: string;
let browser: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const errors: string[] = [];

before(async () => {
  if (SKIP) return;
  store = await DuckDbStore.open(join(tempDir("cpi-xss-"), "cpi.duckdb"));
  await importReports(store, [{ name: "hostile.csv", bytes: new TextEncoder().encode(hostileCsv()) }]);
  ({ url, server } = await serveDashboard(store));
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
});
after(async () => {
  if (SKIP) return;
  await browser?.close();
  server?.close();
  await store?.close();
});

/** Elements that hostile markup would have created if it had been parsed. */
function injected(p: Page): Promise<number> {
  return p.evaluate(() => document.querySelectorAll("main img, main iframe, main script, #view svg[onload], [onerror], [onload]").length);
}

test("hostile campaign names show literally in the overview and fire nothing", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/overview?from=2026-10-01&to=2026-10-14&currency=USD`);
  await ready(page, "overview");
  const names = await page.locator('[data-testid="campaigns"] tbody tr td:first-child').allTextContents();
  assert.deepEqual(names.sort(), [HOSTILE.campaign, HOSTILE.campaign2].sort());
  assert.equal(await injected(page), 0);
  await screenshot(page, "xss-overview");
});

test("and in the drill-down, down to ads and placements, and in the breadcrumbs", { skip: SKIP }, async () => {
  await page.locator('[data-testid="campaigns"] tbody tr', { hasText: "onerror" }).click();
  await ready(page, "drill");
  assert.ok((await page.textContent(".crumbs"))?.includes(HOSTILE.campaign));
  assert.deepEqual(await page.locator('[data-testid="drill"] tbody td:first-child').allTextContents(), [HOSTILE.adGroup]);
  await page.locator('[data-testid="drill"] tbody tr').first().click();
  await ready(page, "drill");
  assert.deepEqual((await page.locator('[data-testid="drill"] tbody td:first-child').allTextContents()).sort(), [HOSTILE.ad, HOSTILE.ad2].sort());
  await page.locator('[data-testid="drill"] tbody tr', { hasText: "iframe" }).click();
  await ready(page, "drill");
  assert.deepEqual(await page.locator('[data-testid="drill"] tbody td:first-child').allTextContents(), [HOSTILE.placement]);
  assert.ok((await page.textContent(".crumbs"))?.includes(HOSTILE.ad));
  assert.equal(await injected(page), 0);
  await screenshot(page, "xss-drill");
});

test("and in a comparison, and as A/B arms drawn by the charts", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/compare?from=2026-10-01&to=2026-10-14&currency=USD&mode=campaigns&a=${encodeURIComponent(HOSTILE.campaign)}&b=${encodeURIComponent(HOSTILE.campaign2)}&by=campaign&run=1`);
  await ready(page, "compare");
  const sides = await page.locator('[data-testid="sides"] tbody th').allTextContents();
  assert.deepEqual(sides, [HOSTILE.campaign, HOSTILE.campaign2]);
  assert.ok((await page.textContent('[data-testid="verdict"]'))?.includes(HOSTILE.campaign2));
  await page.goto(`${url}/#/abtest?from=2026-10-01&to=2026-10-14&currency=USD&campaign=${encodeURIComponent(HOSTILE.campaign)}&arms=ad`);
  await ready(page, "abtest");
  await page.waitForSelector('[data-chart="lift"] svg');
  const chartText = await page.textContent('[data-chart="lift"]');
  assert.ok(chartText?.includes("alert(5)") || chartText?.includes("alert(4)"), "arm names appear as text in the chart");
  assert.equal(await injected(page), 0);
  await screenshot(page, "xss-abtest");
});

test("and in every other view that names campaigns or placements: curves, pacing, reach, discrepancies", { skip: SKIP }, async () => {
  // Tracked impressions of the hostile campaign on the hostile placement, so reach and discrepancies name them.
  const events = Array.from({ length: 1400 }, (_, i) => ({ ts: Date.UTC(2026, 9, 1 + (i % 14), 12), type: "impression" as const, impression_id: `x${i}`, campaign: HOSTILE.campaign, creative: HOSTILE.ad, placement: HOSTILE.placement, visitor: (i % 500).toString(16).padStart(16, "0"), country: "", device: "desktop", measurable: false, reason: "" }));
  await store.appendTrackedEvents({ logId: "xss-test", from: 0, to: events.length, events });
  const q = "from=2026-10-01&to=2026-10-14&currency=USD";
  const views: [string, string, string][] = [
    ["curves", `by=campaign`, HOSTILE.campaign],
    ["curves", `by=placement`, HOSTILE.placement],
    ["pacing", `campaign=${encodeURIComponent(HOSTILE.campaign)}&budget=1000&fl_from=2026-10-01&fl_to=2026-10-31`, HOSTILE.campaign],
    ["reach", "", HOSTILE.campaign],
    ["discrepancies", "", HOSTILE.placement],
  ];
  for (const [view, extra, name] of views) {
    await page.goto(`${url}/#/${view}?${q}&${extra}`);
    await ready(page, view);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.locator("#view .error").count(), 0, `${view}: ${await page.locator("#view .error").allTextContents()}`);
    assert.ok((await page.textContent("#view"))?.includes(name), `${view} ${extra} shows ${name} as text`);
    assert.equal(await injected(page), 0, view);
    await screenshot(page, `xss-${view}${extra.startsWith("by=") ? `-${extra.slice(3)}` : ""}`);
  }
});

test("no dialog fired and no script error anywhere", { skip: SKIP }, () => {
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
});
