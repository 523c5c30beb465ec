// test:slow
// The dashboard in headless Chromium on the demo store: headline numbers equal `cpi report`, sorting and
// filtering, drill-down, a comparison, an upload (dry run, then a real import with a token), every
// panel, every view on a phone-sized screen, numbers in a German browser's locale, and no request to
// anything but the cpi server. Screenshots go to test-artifacts/. Skips when /usr/bin/chromium is absent.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { after, before, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { createApiToken } from "../../src/app/api-tokens.js";
import type { Store } from "../../src/store/store.js";
import { demoFile, demoStore } from "../api/harness.js";
import { launchBrowser, ready, SKIP, screenshot, serveDashboard, watchForeignRequests } from "./browser.js";

let store: Store;
let cli: Awaited<ReturnType<typeof demoStore>>["cli"];
let server: Server;
let url: string;
let browser: BrowserContext;
let page: Page;
let foreign: string[];
const pageErrors: string[] = [];

before(async () => {
  if (SKIP) return;
  const d = await demoStore();
  store = d.store;
  cli = d.cli;
  ({ url, server } = await serveDashboard(store));
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("dialog", (d) => pageErrors.push(`dialog: ${d.message()}`));
  foreign = watchForeignRequests(page, url);
});
after(async () => {
  if (SKIP) return;
  await browser?.close();
  server?.close();
  await store?.close();
});

async function cliJson(...argv: string[]) {
  const r = await cli(...argv, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("the overview loads, and its headline numbers are those of `cpi report` for the same period", { skip: SKIP }, async (t) => {
  const started = Date.now();
  await page.goto(`${url}/`);
  await ready(page, "overview");
  const elapsed = Date.now() - started;
  const navTiming = await page.evaluate(() => performance.now());
  t.diagnostic(`overview on the demo store: ready ${elapsed} ms after goto (${Math.round(navTiming)} ms since navigation start)`);
  const from = await page.inputValue('input[name="from"]');
  const to = await page.inputValue('input[name="to"]');
  const currency = await page.inputValue('select[name="currency"]');
  assert.deepEqual([from, to, currency], ["2026-10-29", "2026-11-27", "USD"], "default: the last 30 days of data in USD");
  const [want] = await cliJson("report", "--metrics", "cost,impressions,cpi,cpm,ctr", "--from", from, "--to", to, "--currency", currency);
  for (const m of ["cost", "impressions", "cpi", "cpm", "ctr"]) {
    const v = await page.getAttribute(`.kpi[data-metric="${m}"]`, "data-value");
    assert.equal(Number(v), want[m], `${m} on the page = cpi report`);
  }
  const spend = await page.textContent('.kpi[data-metric="cost"] .kpi-value');
  assert.equal(spend, new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(want.cost), "formatted for the locale and currency");
  assert.ok((await page.locator('[data-chart="cpi"] svg').count()) >= 1);
  assert.ok((await page.locator('[data-chart="spend"] svg').count()) >= 1);
  const campaigns = await cliJson("report", "--by", "campaign", "--metrics", "cost", "--from", from, "--to", to, "--currency", currency);
  assert.equal(await page.locator('[data-testid="campaigns"] tbody tr').count(), campaigns.length);
  assert.equal(await page.locator('[data-testid="campaigns"] tbody svg.spark').count(), campaigns.length, "a sparkline per campaign");
  await screenshot(page, "overview");
});

test("the campaign table sorts and filters", { skip: SKIP }, async () => {
  const names = () => page.locator('[data-testid="campaigns"] tbody tr td:first-child').allTextContents();
  const costs = async () => (await page.locator('[data-testid="campaigns"] tbody tr td:nth-child(2)').allTextContents()).map((x) => Number(x.replace(/[^0-9.]/g, "")));
  const byCost = await costs();
  assert.deepEqual(byCost, [...byCost].sort((a, b) => b - a), "sorted by cost, largest first");
  await page.click('[data-testid="campaigns"] th[data-key="campaign"]');
  const sorted = await names();
  assert.deepEqual(sorted, [...sorted].sort((a, b) => a.localeCompare(b)));
  assert.equal(await page.isVisible('[data-testid="campaigns"] tfoot'), true, "the totals row");
  await page.fill('.view-overview input[type="search"]', "search");
  assert.deepEqual(await names(), ["Search - Brand", "Search - Generic"]);
  assert.equal(await page.isVisible('[data-testid="campaigns"] tfoot'), false, "the totals of every row are hidden while the filter hides some");
  await page.fill('.view-overview input[type="search"]', "");
  assert.equal(await page.isVisible('[data-testid="campaigns"] tfoot'), true);
});

test("drill-down: campaign → ad group → ad → placement, each level adding up to the CLI's numbers", { skip: SKIP }, async () => {
  await page.locator('[data-testid="campaigns"] tbody tr', { hasText: "Prospecting - Video" }).click();
  await ready(page, "drill");
  assert.match((await page.textContent(".crumbs")) ?? "", /Campaign: Prospecting - Video/);
  const from = await page.inputValue('input[name="from"]');
  const to = await page.inputValue('input[name="to"]');
  const groups = await cliJson("report", "--by", "ad_group", "--metrics", "impressions", "--where", "campaign=Prospecting - Video", "--from", from, "--to", to, "--currency", "USD");
  const shown = await page.locator('[data-testid="drill"] tbody tr td:first-child').allTextContents();
  assert.deepEqual(shown.sort(), groups.map((g: { ad_group: string }) => g.ad_group).sort());
  await page.locator('[data-testid="drill"] tbody tr').first().click();
  await ready(page, "drill");
  assert.match((await page.textContent(".crumbs")) ?? "", /Ad group: /);
  await page.locator('[data-testid="drill"] tbody tr').first().click();
  await ready(page, "drill");
  assert.match((await page.textContent(".crumbs")) ?? "", /Ad: /);
  assert.match((await page.textContent('[data-testid="drill"] thead')) ?? "", /Placement/);
  await screenshot(page, "drill-down");
  await page.click(".crumbs a >> nth=0");
  await ready(page, "drill");
  const sources = await cliJson("report", "--by", "source", "--metrics", "impressions", "--from", from, "--to", to, "--currency", "USD");
  assert.equal(await page.locator('[data-testid="drill"] tbody tr').count(), sources.length);
});

test("compare: Launch Q4 vs Launch Q3 over all data shows the seed case and the decomposition chart", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/compare`);
  await ready(page, "compare");
  await page.selectOption('select[name="preset"]', "all");
  await ready(page, "compare");
  await page.selectOption('select[name="a"]', "Launch Q4");
  await page.selectOption('select[name="b"]', "Launch Q3");
  await page.click('form button[type="submit"]');
  await page.waitForSelector('[data-testid="verdict"]');
  await ready(page, "compare");
  const verdict = await page.textContent('[data-testid="verdict"]');
  const want = await cliJson("compare", "--campaign", "Launch Q4", "--vs", "Launch Q3");
  assert.ok(verdict?.includes(want.verdict), `${verdict} includes ${want.verdict}`);
  assert.match(verdict ?? "", /33\.3/);
  assert.match((await page.textContent(".compare-result")) ?? "", /166,667 more/);
  assert.ok((await page.locator('[data-chart="decomposition"] svg').count()) >= 1);
  await screenshot(page, "compare");
});

test("compare two periods: side B defaults to the period before; verdict and decomposition = cpi compare", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/compare?from=2026-10-29&to=2026-11-27&currency=USD`);
  await ready(page, "compare");
  await page.selectOption('select[name="mode"]', "periods");
  await ready(page, "compare");
  assert.deepEqual([await page.inputValue('input[name="vs_from"]'), await page.inputValue('input[name="vs_to"]')], ["2026-09-29", "2026-10-28"]);
  await page.click('form button[type="submit"]');
  await ready(page, "compare");
  await page.waitForSelector('[data-testid="verdict"]');
  const want = await cliJson("compare", "--from", "2026-10-29", "--to", "2026-11-27", "--vs-from", "2026-09-29", "--vs-to", "2026-10-28", "--explain-by", "campaign", "--currency", "USD");
  assert.equal(await page.textContent('[data-testid="verdict"]'), `${want.a.label} vs ${want.b.label}: ${want.verdict}`);
  assert.equal(await page.locator('[data-testid="decomposition"] tbody tr').count(), want.decomposition.segments.length);
  assert.ok((await page.locator('[data-chart="decomposition"] svg').count()) >= 1);
  await screenshot(page, "compare-periods");
});

test("drill-down from the top: source → account → campaign, each level = cpi report under the path", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/drill?from=2026-10-29&to=2026-11-27&currency=USD`);
  await ready(page, "drill");
  const where: string[] = [];
  for (const level of ["source", "account", "campaign"]) {
    assert.equal(await page.getAttribute('[data-testid="drill"] thead th >> nth=0', "data-key"), level);
    const want = await cliJson("report", "--by", level, "--metrics", "cost,impressions", ...where.flatMap((w) => ["--where", w]), "--from", "2026-10-29", "--to", "2026-11-27", "--currency", "USD");
    const top = want.sort((a: { cost: number }, b: { cost: number }) => b.cost - a.cost)[0];
    const names = await page.locator('[data-testid="drill"] tbody tr td:first-child').allTextContents();
    assert.deepEqual(names.sort(), want.map((r: Record<string, string>) => r[level]).sort(), `${level} rows under ${where.join(", ") || "all sources"}`);
    const row = page.locator('[data-testid="drill"] tbody tr').first();
    assert.equal(await row.locator("td").first().textContent(), top[level], "sorted by cost, largest first");
    assert.equal(await row.locator("td").nth(2).textContent(), top.impressions.toLocaleString("en-US"));
    where.push(`${level}=${top[level]}`);
    await row.click();
    await ready(page, "drill");
  }
  assert.equal(await page.getAttribute('[data-testid="drill"] thead th >> nth=0', "data-key"), "ad_group");
  assert.equal(await page.locator(".crumbs a[data-level]").count(), 3);
});

const UPLOAD = "date,campaign,source,currency,cost,impressions,clicks\n2026-11-20,Browser Upload,direct,USD,100,20000,20\n2026-11-21,Browser Upload,direct,USD,100,20000,25\n";

test("import by upload: a dry run shows what was detected; the import itself needs a token", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/import`);
  await ready(page, "import");
  await page.setInputFiles('input[type="file"]', { name: "upload.csv", mimeType: "text/csv", buffer: Buffer.from(UPLOAD) });
  await page.waitForSelector('[data-testid="detected"]');
  assert.equal(await page.textContent('[data-testid="detected"] [data-field="source"]'), "direct");
  assert.equal(await page.textContent('[data-testid="detected"] [data-field="rows"]'), "2");
  await screenshot(page, "import-preview");
  const before = await cliJson("report", "--where", "campaign=Browser Upload", "--metrics", "impressions");
  assert.deepEqual(before, [], "the dry run wrote nothing");
  // No token yet: the write is refused and the page asks for one.
  await page.click('[data-testid="confirm-import"]');
  await page.waitForSelector(".token-form");
  assert.match((await page.textContent(".error")) ?? "", /token/);
  const { token } = await createApiToken(store, "browser-test");
  await page.fill('input[name="token"]', token);
  await page.click('.token-form button[type="submit"]');
  await page.waitForSelector('[data-testid="imported"]');
  assert.match((await page.textContent('[data-testid="imported"]')) ?? "", /Imported 2 rows/);
  const afterImport = await cliJson("report", "--where", "campaign=Browser Upload", "--metrics", "impressions");
  assert.equal(afterImport[0].impressions, 40_000);
  await screenshot(page, "import-done");
  await page.evaluate(() => localStorage.removeItem("cpi.token"));
});

test("a file dropped on the page is checked the same way (drag and drop)", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/import`);
  await ready(page, "import");
  const meta = demoFile("meta.csv");
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "meta-export.csv", { type: "text/csv" }));
    return dt;
  }, meta);
  await page.dispatchEvent(".dropzone", "drop", { dataTransfer });
  await page.waitForSelector('[data-testid="detected"]');
  assert.equal(await page.textContent('[data-testid="detected"] [data-field="source"]'), "meta");
  assert.equal(await page.textContent('[data-testid="detected"] [data-field="rows"]'), (meta.trim().split("\n").length - 1).toLocaleString("en-US"));
});

test("an upload with a bad row lists the issue (file, line, column, reason) before anything is imported", { skip: SKIP }, async () => {
  await page.goto(`${url}/#/import`);
  await ready(page, "import");
  const bad = "date,campaign,source,currency,cost,impressions\n2026-11-20,Bad Upload,direct,USD,10,1000\n2026-11-21,Bad Upload,direct,USD,ten,1000\n";
  await page.setInputFiles('input[type="file"]', { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.waitForSelector('[data-testid="detected"]');
  assert.equal(await page.textContent('[data-testid="detected"] tbody td:nth-child(5)'), "1");
  assert.match((await page.textContent("ul.issues")) ?? "", /^bad\.csv:3, column 'cost': /);
  assert.match((await page.textContent("label.check")) ?? "", /skip the 1 bad one/);
  assert.deepEqual(await cliJson("report", "--where", "campaign=Bad Upload", "--metrics", "impressions"), [], "nothing imported yet");
  await screenshot(page, "import-issues");
});

test("writes from the page without a token are refused by the server", { skip: SKIP }, async () => {
  const status = await page.evaluate(async () => {
    const form = new FormData();
    form.append("file", new Blob(["date,campaign,cost,impressions\n2026-11-01,X,1,1\n"]), "x.csv");
    const imp = await fetch("/api/imports", { method: "POST", body: form });
    const con = await fetch("/api/contracts", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ campaign: "X", flat: 1, from: "2026-11-01", to: "2026-11-02" }) });
    return [imp.status, con.status];
  });
  assert.deepEqual(status, [401, 401]);
});

test("every panel renders on the demo store: A/B test, reach, curves, allocator, pacing, discrepancies, alerts", { skip: SKIP }, async () => {
  // First-party events for Launch Q4 on one reported placement, so reach and discrepancies have data
  // (visitor keys are per day, as the tracking server makes them).
  const placement = "industry-news.example / leaderboard";
  const events = Array.from({ length: 3000 }, (_, i) => ({ ts: Date.UTC(2026, 10, 20 + (i % 3), 12), type: "impression" as const, impression_id: `w${i}`, campaign: "Launch Q4", creative: "Visual A", placement, visitor: ((i % 3) * 100_000 + (i % 700)).toString(16).padStart(16, "0"), country: "", device: "desktop", measurable: false, reason: "" }));
  await store.appendTrackedEvents({ logId: "dashboard-test", from: 0, to: 3000, events });
  for (const view of ["abtest", "reach", "curves", "allocate", "pacing", "discrepancies", "alerts"]) {
    await page.goto(`${url}/#/${view}`);
    await ready(page, view);
    await page.waitForTimeout(300); // charts drawn on the next animation frame
    assert.equal(await page.locator(".error").count(), 0, `${view}: ${await page.locator(".error").allTextContents()}`);
    await screenshot(page, view);
  }
  await page.goto(`${url}/#/reach`);
  await ready(page, "reach");
  await page.waitForSelector('[data-chart="frequency"] svg');
  assert.match((await page.textContent(".view-reach table")) ?? "", /Launch Q4/);
  await page.goto(`${url}/#/discrepancies`);
  await ready(page, "discrepancies");
  assert.match((await page.textContent(".view-discrepancies table")) ?? "", /industry-news\.example \/ leaderboard/);
  await page.goto(`${url}/#/abtest`);
  await ready(page, "abtest");
  await page.waitForSelector('[data-chart="lift"] svg');
  await page.goto(`${url}/#/curves?by=source`);
  await ready(page, "curves");
  const channels = await cliJson("curves", "--by", "source", "--from", await page.inputValue('input[name="from"]'), "--to", await page.inputValue('input[name="to"]'), "--currency", "USD");
  await page.waitForFunction((n) => document.querySelectorAll('[data-chart="curve"] svg').length === n, channels.length);
  for (const card of await page.locator(".view-curves article").all()) assert.match((await card.locator('[data-chart="curve"]').textContent()) ?? "", /today/, "today's spend is marked on every curve");
  const answer = page.waitForResponse((r) => r.url().includes("/api/allocate"));
  await page.goto(`${url}/#/allocate`);
  await ready(page, "allocate");
  await page.waitForSelector('[data-testid="allocation"]');
  // The reasons speak of the table's amounts (the period's, in dollars), not a day's share of them.
  const allocation = await (await answer).json();
  const usd = (v: number, digits: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  const reasons = await page.locator('[data-testid="reasons"] li').allTextContents();
  assert.equal(reasons.length, allocation.per_period.length);
  for (const [i, p] of allocation.per_period.entries()) {
    assert.ok(reasons[i]?.startsWith(`${p.channel}: `), reasons[i]);
    if (p.today !== null) assert.ok(reasons[i]?.includes(`at today's ${usd(p.today, 0)} one more impression costs $`) || reasons[i]?.endsWith("unchanged from today"), reasons[i]);
  }
  const first = await page.textContent('[data-testid="allocation"] tbody');
  await page.locator('input[name="budget"]').fill("120000");
  await page.waitForFunction((before) => document.querySelector('[data-testid="allocation"] tbody')?.textContent !== before, first);
  assert.match((await page.textContent('[data-testid="budget"]')) ?? "", /120,000/);
});

test("pacing: the verdict is the CLI's, its amounts formatted in the currency", { skip: SKIP }, async () => {
  const flight = { campaign: "Search - Generic", budget: "20000", fl_from: "2026-11-01", fl_to: "2026-12-31" };
  await page.goto(`${url}/#/pacing?${new URLSearchParams({ currency: "USD", ...flight })}`);
  await ready(page, "pacing");
  const want = await cliJson("pacing", "--campaign", flight.campaign, "--budget", flight.budget, "--from", flight.fl_from, "--to", flight.fl_to, "--currency", "USD");
  const usd = (amount: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount);
  const verdict = page.locator('[data-testid="pacing-verdict"]');
  assert.equal(await verdict.getAttribute("data-status"), want.status);
  assert.equal(
    await verdict.textContent(),
    `On course to spend ${usd(want.projected_end_spend)}, ${usd(-want.projected_over_budget)} under the budget of $20,000.00; spend ${usd(want.required_daily_spend)} a day to land on it`,
  );
  await screenshot(page, "pacing-flight");
});

test("on a phone-sized screen the page fits its width (tables scroll inside their frames)", { skip: SKIP }, async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as never);
  await phone.setViewportSize({ width: 390, height: 844 });
  for (const view of ["overview", "drill", "compare", "import", "abtest", "reach", "curves", "allocate", "pacing", "discrepancies", "alerts"]) {
    await phone.goto(`${url}/#/${view}`);
    await ready(phone, view).catch(async (e) => {
      throw new Error(`${view}: ${e.message} (${await phone.evaluate(() => JSON.stringify({ ...document.body.dataset, hash: location.hash }))})`);
    });
    await phone.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))); // charts drawn on the next frame
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${view}: the page is ${overflow}px wider than the screen`);
    await screenshot(phone, `phone-${view}`);
  }
  await phone.close();
});

test("numbers follow the browser's locale: a German browser sees 1.234,56 € and 1,34 %", { skip: SKIP }, async () => {
  const de = await launchBrowser(undefined, "de-DE");
  try {
    const p = await de.newPage();
    const deForeign = watchForeignRequests(p, url);
    await p.goto(`${url}/#/overview?from=2026-10-29&to=2026-11-27&currency=EUR`);
    await ready(p, "overview");
    assert.equal(await p.evaluate(() => navigator.language), "de-DE");
    const [want] = await cliJson("report", "--metrics", "cost,impressions,ctr", "--from", "2026-10-29", "--to", "2026-11-27", "--currency", "EUR");
    const kpi = (m: string) => p.textContent(`.kpi[data-metric="${m}"] .kpi-value`);
    assert.equal(await kpi("cost"), new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(want.cost));
    assert.match((await kpi("cost")) ?? "", /^\d{1,3}(\.\d{3})*,\d{2}\s€$/, "German grouping and decimal comma, the euro sign after");
    assert.equal(await kpi("impressions"), new Intl.NumberFormat("de-DE").format(want.impressions));
    assert.equal(await kpi("ctr"), new Intl.NumberFormat("de-DE", { style: "percent", minimumFractionDigits: 2 }).format(want.ctr));
    await screenshot(p, "overview-de");
    assert.deepEqual(deForeign, []);
  } finally {
    await de.close();
  }
});

test("the page made no request to anything but the cpi server, and raised no error", { skip: SKIP }, () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(pageErrors, []);
});
