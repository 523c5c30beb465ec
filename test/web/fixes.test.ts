// test:slow
// What a marketer found trying the dashboard (issue 21), each tried at 1440 px and 390 px on the demo
// store plus two campaigns of its own: drill-down past "(none)" levels and a chosen next level;
// Compare on the README's headline case from the default period; an unusable period in the address;
// the allocator's budget and objective across a reload; lift charts saying which way wins; axes with
// years and no text over text; whole conversions; the tab bar's scroll hint; Discrepancies' gap and
// status on a phone. Numbers are checked against the API; every page must fit the screen's width.
// Screenshots go to test-artifacts/.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { addDays } from "../../src/domain/dates.js";
import { blankSpendRow, type SpendRow } from "../../src/domain/spend.js";
import { ready, SKIP, screenshot } from "./browser.js";
import { demoDashboard } from "./demo-dashboard.js";
import { apiJson, frames, overflow, overlappingChartText, WIDTHS, withinWidth } from "./layout.js";

const dash = demoDashboard(async (store) => {
  // "No Groups": placements only, no ad group or ad (as a publisher's report). "Mixed": one ad group
  // named, the other rows without one.
  const rows: SpendRow[] = [];
  for (let d = 0; d < 10; d++) {
    const day = addDays("2026-11-10", d);
    const base = { ...blankSpendRow(), source: "direct", account_id: "pub", currency: "USD", date_start: day, date_end: day };
    rows.push({ ...base, campaign: "No Groups", campaign_id: "ng", placement: "site-a.example / top", cost: 50_000_000n, impressions: 10_000, clicks: 12 });
    rows.push({ ...base, campaign: "No Groups", campaign_id: "ng", placement: "site-b.example / side", cost: 20_000_000n, impressions: 8_000, clicks: 5 });
    rows.push({ ...base, campaign: "Mixed", campaign_id: "mx", ad_group: "Named group", ad: "Ad in group", cost: 30_000_000n, impressions: 6_000 });
    rows.push({ ...base, campaign: "Mixed", campaign_id: "mx", ad: "Loose ad", cost: 10_000_000n, impressions: 4_000 });
  }
  await store.importSpend([{ file: "extra.csv", contentHash: "extra", format: "test", reach: [], rows }]);
});
const PERIOD = "from=2026-10-29&to=2026-11-27&currency=USD";

/** Opens a view at an address and waits for it (and its charts). */
async function open(page: Page, hash: string, view: string): Promise<void> {
  await page.goto(`${dash.url}/${hash}`);
  await ready(page, view);
  await frames(page);
}

/** The page fits the screen's width and no chart text covers another. */
async function fits(page: Page, what: string): Promise<void> {
  assert.equal(await overflow(page), 0, `${what}: wider than the screen`);
  assert.deepEqual(await overlappingChartText(page), [], `${what}: chart texts overlap`);
}

const report = (body: Record<string, unknown>) => apiJson(dash.url, "/api/report", { currency: "USD", from: "2026-10-29", to: "2026-11-27", ...body });
const cells = (page: Page, col: number) => page.locator(`[data-testid="drill"] tbody tr td:nth-child(${col})`).allTextContents();

for (const w of WIDTHS) {
  test(`${w.name} px: drill-down passes through levels that hold only "(none)", and the next level can be picked`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    await open(page, `#/drill?${PERIOD}&campaign=No%20Groups`, "drill");
    assert.equal(await page.getAttribute('[data-testid="drill"] thead th >> nth=0', "data-key"), "placement", "ad group and ad hold only (none): straight to placements");
    assert.deepEqual(await page.locator(".crumbs [data-skipped]").evaluateAll((xs) => xs.map((x) => (x as HTMLElement).dataset.skipped)), ["ad_group", "ad"]);
    const want = await report({ metrics: ["impressions"], dimensions: ["placement"], filters: [{ dimension: "campaign", op: "eq", values: ["No Groups"] }] });
    assert.deepEqual((await cells(page, 1)).sort(), want.rows.map((r: { placement: string }) => r.placement).sort());
    assert.deepEqual((await cells(page, 3)).sort(), want.rows.map((r: { impressions: number }) => r.impressions.toLocaleString("en-US")).sort());
    await fits(page, "drill (none)");
    await screenshot(page, `drill-none-${w.name}`);
    // The user picks the next level instead.
    await page.selectOption('select[name="next"]', "device");
    await ready(page, "drill");
    assert.equal(await page.getAttribute('[data-testid="drill"] thead th >> nth=0', "data-key"), "device");
    assert.deepEqual(await cells(page, 1), ["(none)"]);
    assert.equal((await cells(page, 3))[0], (100_000 + 80_000).toLocaleString("en-US"));
    // A "(none)" row among named ones goes down to its own rows only.
    await open(page, `#/drill?${PERIOD}&campaign=Mixed`, "drill");
    assert.equal(await page.getAttribute('[data-testid="drill"] thead th >> nth=0', "data-key"), "ad_group");
    await page.locator('[data-testid="drill"] tbody tr', { hasText: "(none)" }).click();
    await ready(page, "drill");
    assert.match((await page.textContent(".crumbs")) ?? "", /Ad group: \(none\)/);
    assert.deepEqual(await cells(page, 1), ["Loose ad"], "only the ads without an ad group");
    assert.equal((await cells(page, 3))[0], "40,000");
    await fits(page, "drill none row");
  });

  test(`${w.name} px: Compare from the default period on the README's case widens the period and agrees with the API`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    await open(page, "#/compare", "compare");
    const inPeriod = await page.locator('select[name="a"] optgroup[label="In this period"] option').allTextContents();
    const held = await report({ metrics: ["impressions"], dimensions: ["campaign"], from: await page.inputValue('input[name="from"]'), to: await page.inputValue('input[name="to"]') });
    assert.deepEqual(inPeriod.sort(), held.rows.filter((r: { impressions: number }) => r.impressions > 0).map((r: { campaign: string }) => r.campaign).sort(), "the period's campaigns first");
    await page.selectOption('select[name="a"]', "Launch Q4");
    await page.selectOption('select[name="b"]', "Launch Q3");
    await page.click('form button[type="submit"]');
    await page.waitForSelector('[data-testid="verdict"]');
    await ready(page, "compare");
    assert.match((await page.textContent('[data-testid="widened"]')) ?? "", /^Launch Q3 had no impressions in the period picked: it now covers 2026-07-01 – 2026-11-27/);
    const [from, to] = [await page.inputValue('input[name="from"]'), await page.inputValue('input[name="to"]')];
    assert.deepEqual([from, to], ["2026-07-01", "2026-11-27"]);
    const want = await apiJson(dash.url, `/api/compare?campaign=Launch%20Q4&vs=Launch%20Q3&from=${from}&to=${to}&currency=USD`);
    assert.equal(await page.textContent('[data-testid="verdict"]'), `Launch Q4 vs Launch Q3: ${want.verdict}`);
    assert.equal(await page.textContent('[data-testid="sides"] tbody tr:nth-child(2) td[data-metric="impressions"]'), want.b.impressions.toLocaleString("en-US"));
    await fits(page, "compare");
    await screenshot(page, `compare-widened-${w.name}`);
    // Over a period that does not hold it, the answer says "in this period".
    const r = await fetch(`${dash.url}/api/compare?campaign=Launch%20Q4&vs=Launch%20Q3&from=2026-10-29&to=2026-11-27&currency=USD`);
    assert.equal(r.status, 400);
    assert.match((await r.json()).error.message, /^Launch Q3 has no impressions in this period \(2026-10-29 – 2026-11-27\)/);
  });

  test(`${w.name} px: an unusable period in the address is named, with a way back`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    await page.goto(`${dash.url}/#/overview?from=banana`);
    await page.waitForFunction(() => document.body.dataset.ready === "overview");
    assert.equal(await page.textContent(".error"), "The address gives from=banana, which is not a date: write it as YYYY-MM-DD (e.g. 2026-11-01).");
    await page.goto(`${dash.url}/#/overview?from=2026-11-20&to=2026-11-01`);
    await page.waitForFunction(() => document.body.dataset.rendered === location.hash);
    assert.equal(await page.textContent(".error"), "The address's period starts after it ends (from 2026-11-20, to 2026-11-01): from must be on or before to.");
    await fits(page, "bad period");
    await screenshot(page, `bad-period-${w.name}`);
    await page.click('[data-testid="reset-period"]');
    await ready(page, "overview");
    assert.equal(await page.locator(".kpi").count(), 5);
  });

  test(`${w.name} px: the allocator keeps its budget and objective across a reload`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    await open(page, `#/allocate?${PERIOD}`, "allocate");
    await page.waitForSelector('[data-testid="allocation"]');
    await page.selectOption('select[name="objective"]', "clicks");
    await page.locator('input[name="budget"]').fill("42000");
    await page.waitForFunction(() => location.hash.includes("budget=42000") && location.hash.includes("objective=clicks"));
    const answer = page.waitForResponse((r) => r.url().includes("/api/allocate"));
    await page.reload();
    await ready(page, "allocate");
    assert.equal(await page.inputValue('select[name="objective"]'), "clicks");
    assert.equal(await page.inputValue('input[name="budget"]'), "42000");
    const sent = new URL((await answer).url());
    assert.deepEqual([sent.searchParams.get("budget"), sent.searchParams.get("objective")], ["42000", "clicks"]);
    await page.waitForSelector('[data-testid="allocation"]');
    await fits(page, "allocator");
  });

  test(`${w.name} px: charts: dates with their year, no label over another, lift says lower CPI wins, conversions whole`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    await open(page, `#/overview?${PERIOD}`, "overview");
    const ticks = await page.locator('[data-chart="cpi"] svg g[aria-label="x-axis tick label"] text').allTextContents();
    assert.ok(ticks.length >= 2 && ticks.every((t) => /2026/.test(t)), `ticks with the year: ${ticks}`);
    assert.match((await page.textContent('[data-chart="cpi"]')) ?? "", /previous period/, "the previous period is drawn under this one");
    await fits(page, "overview");
    const conv = await report({ metrics: ["conversions"], dimensions: ["campaign"] });
    const generic = conv.rows.find((r: { campaign: string }) => r.campaign === "Search - Generic");
    const cell = page.locator('[data-testid="campaigns"] tbody tr', { hasText: "Search - Generic" }).locator("td:nth-child(8)");
    assert.equal(await cell.textContent(), generic.conversions.toLocaleString("en-US", { maximumFractionDigits: 2 }));
    assert.doesNotMatch((await cell.textContent()) ?? "", /\.00$/);
    await screenshot(page, `overview-${w.name}`);
    await open(page, `#/abtest?${PERIOD}&campaign=Display%20-%20Remarketing&arms=ad&metric=cpi`, "abtest");
    await page.waitForSelector('[data-chart="lift"] svg');
    await frames(page);
    assert.match((await page.textContent('[data-testid="lift-direction"]')) ?? "", /For CPI a lower value is the win/);
    assert.match((await page.textContent('[data-chart="lift"] svg')) ?? "", /lower CPI/);
    await fits(page, "abtest");
    await screenshot(page, `abtest-${w.name}`);
    for (const view of ["curves", "allocate"]) {
      await open(page, `#/${view}?${PERIOD}`, view);
      await page.waitForSelector(`[data-chart] svg`);
      await frames(page);
      await fits(page, view);
    }
  });

  test(`${w.name} px: the tab bar says when it scrolls; Discrepancies keeps gap and status in view`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    await open(page, `#/overview?${PERIOD}`, "overview");
    const hint = page.locator("#nav-more");
    if (w.width < 600) {
      assert.equal(await hint.isVisible(), true, "the › hint shows while tabs lie beyond the edge");
      await hint.click();
      await page.waitForFunction(() => (document.getElementById("nav") as HTMLElement).scrollLeft > 0);
    } else assert.equal(await hint.isVisible(), false, "every tab fits: no hint");
    await open(page, `#/discrepancies?${PERIOD}`, "discrepancies");
    assert.ok(await withinWidth(page, "#nav a.active"), "the active tab is scrolled into view");
    for (const key of ["gap", "status"]) assert.ok(await withinWidth(page, `.view-discrepancies th[data-key="${key}"]`), `${key} column in view`);
    await fits(page, "discrepancies");
    await screenshot(page, `discrepancies-${w.name}`);
  });
}

const EVERY_VIEW: [string, string][] = [
  ["overview", ""],
  ["explore", "&grain=week"],
  ["drill", "&campaign=Prospecting%20-%20Video"],
  ["compare", "&a=Launch%20Q4&b=Search%20-%20Brand&run=1"],
  ["import", ""],
  ["abtest", ""],
  ["reach", ""],
  ["curves", ""],
  ["allocate", ""],
  ["pacing", "&campaign=Search%20-%20Generic&budget=20000&fl_from=2026-11-01&fl_to=2026-12-31"],
  ["discrepancies", ""],
  ["alerts", ""],
  ["sync", ""],
];

for (const w of WIDTHS) {
  test(`${w.name} px: every view fits the screen, its chart texts apart; a screenshot of each`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    for (const [view, extra] of EVERY_VIEW) {
      await open(page, `#/${view}?${PERIOD}${extra}`, view);
      if (view === "compare") await page.waitForSelector('[data-chart="decomposition"] svg');
      await frames(page);
      assert.equal(await page.locator(".view .error").count(), 0, `${view}: ${await page.locator(".view .error").allTextContents()}`);
      await fits(page, view);
      await screenshot(page, `view-${view}-${w.name}`);
    }
  });
}

test("the pages raised no error", { skip: SKIP }, () => {
  assert.deepEqual(dash.errors, []);
});
