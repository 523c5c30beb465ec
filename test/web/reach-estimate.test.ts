// test:slow
// Estimated reach on the dashboard (issue 24), at 1440 px and 390 px on the demo store: Explore sends
// its Reach choice with the report (POST /api/report's `reach`); when the answer's reach is estimated,
// a note under the table (and under a reach chart) states it with the total's relative standard error
// — the API's figure, as `cpi report` prints it — each reach cell its row's on hover, and the reach
// figures are the API's estimates. Auto over the small demo store is exact: no note.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { reachRseText } from "../../src/domain/tracking/reach-sample.js";
import { ready, SKIP, screenshot } from "./browser.js";
import { demoDashboard } from "./demo-dashboard.js";
import { apiJson, frames, overflow, WIDTHS } from "./layout.js";

const dash = demoDashboard();
const FROM = "2026-10-29";
const TO = "2026-11-27";
const tracked = [{ dimension: "source", op: "eq", values: ["tracked"] }];

type Row = Record<string, string | number | boolean | null>;
interface Answer {
  rows: Row[];
  total: Row;
  reach_estimated?: boolean;
  reach_rse?: number | null;
}
const report = (body: Record<string, unknown>): Promise<Answer> => apiJson(dash.url, "/api/report", { currency: "USD", from: FROM, to: TO, filters: tracked, ...body });
/** A count as the page prints it ("1,234,560" in en-US), back to a number. */
const counted = (text: string | null) => Number((text ?? "").replace(/,/g, ""));

for (const w of WIDTHS) {
  test(`${w.name} px: Explore notes an estimated reach with the API's error; the figures are the API's; auto on a small store is exact`, { skip: SKIP }, async () => {
    const page = dash.pages.get(w.name) as Page;
    const base = `${dash.url}/#/explore?from=${FROM}&to=${TO}&currency=USD&by=campaign&m=impressions&m=reach&source=tracked`;

    // Auto (the default): the demo's tracked impressions are far below the threshold, so reach is exact.
    await page.goto(base);
    await ready(page, "explore");
    const exact = await report({ metrics: ["impressions", "reach"], dimensions: ["campaign"] });
    assert.equal(exact.reach_estimated, undefined);
    assert.ok(exact.rows.length > 0 && (exact.total.reach as number) > 0, "the demo tracks reach in this period");
    assert.equal(await page.locator('[data-testid="reach-estimate"]').count(), 0, "no note when reach is exact");
    assert.equal(counted(await page.textContent('[data-testid="explore"] tfoot td[data-key="reach"]')), exact.total.reach);

    // Reach: estimated, chosen on the page: the address keeps it, the note and the figures are the API's.
    await page.selectOption('select[name="reach"]', "estimate");
    await page.waitForFunction(() => location.hash.includes("reach=estimate"));
    await ready(page, "explore");
    await frames(page);
    const est = await report({ metrics: ["impressions", "reach"], dimensions: ["campaign"], reach: "estimate" });
    assert.equal(est.reach_estimated, true);
    assert.equal(typeof est.reach_rse, "number");
    const note = page.locator('[data-testid="reach-estimate"]');
    assert.equal(await note.count(), 1);
    assert.equal(await note.getAttribute("data-rse"), String(est.reach_rse), "the total's error is the API's");
    const text = (await note.textContent()) ?? "";
    assert.ok(text.includes(`Reach estimated from a 1/64 sample of visitors, ${reachRseText(est.reach_rse as number)} on the total`), text);
    assert.equal(await note.locator("*").count(), 0, "the note is text only");
    assert.equal(counted(await page.textContent('[data-testid="explore"] tfoot td[data-key="reach"]')), est.total.reach, "the total reach is the API's estimate");
    const shown = await page.locator('[data-testid="explore"] tbody tr').evaluateAll((trs) =>
      // No named function in here: the page cannot see the test's compiled helpers.
      trs.map((tr) => ({
        campaign: tr.querySelector('td[data-key="campaign"]')?.textContent ?? "",
        reach: tr.querySelector('td[data-key="reach"]')?.textContent ?? "",
        title: tr.querySelector('td[data-key="reach"] [title]')?.getAttribute("title") ?? null,
      })),
    );
    assert.equal(shown.length, est.rows.length);
    for (const r of est.rows) {
      const s = shown.find((x) => x.campaign === String(r.campaign));
      assert.ok(s, `row ${r.campaign}`);
      assert.equal(counted(s.reach), r.reach, `${r.campaign}: reach`);
      assert.equal(r.reach_estimated, true);
      assert.equal(s.title, typeof r.reach_rse === "number" ? `estimated, ${reachRseText(r.reach_rse)}` : "estimated: no sampled visitor", `${r.campaign}: its error on hover`);
    }
    assert.equal(await overflow(page), 0, "wider than the screen");
    await screenshot(page, `explore-reach-estimated-${w.name}`);

    // Over time with reach charted: the chart's own report is estimated too, with its own total's error.
    await page.goto(`${base}&reach=estimate&grain=day&chart=reach`);
    await ready(page, "explore");
    await frames(page);
    const chart = await report({ metrics: ["reach"], dimensions: ["day"], reach: "estimate" });
    const table = await report({ metrics: ["impressions", "reach"], dimensions: ["campaign", "day"], reach: "estimate" });
    assert.deepEqual(await note.evaluateAll((xs) => xs.map((x) => (x as HTMLElement).dataset.rse)), [String(chart.reach_rse), String(table.reach_rse)], "the chart's note, then the table's");
    await page.selectOption('select[name="reach"]', "exact");
    await page.waitForFunction(() => location.hash.includes("reach=exact"));
    await ready(page, "explore");
    assert.equal(await note.count(), 0, "exact: no note");
  });
}

test("the pages raised no error", { skip: SKIP }, () => {
  assert.deepEqual(dash.errors, []);
});
