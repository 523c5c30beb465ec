// Tests and planning endpoints on the demo store answer what the CLI's --format json prints.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Store } from "../../src/store/store.js";
import { demoStore, inProcessApi } from "./harness.js";

let store: Store;
let api: ReturnType<typeof inProcessApi>;
let cli: Awaited<ReturnType<typeof demoStore>>["cli"];

before(async () => {
  const d = await demoStore();
  store = d.store;
  cli = d.cli;
  api = inProcessApi(store);
});
after(() => store.close());

async function cliJson(...argv: string[]) {
  const r = await cli(...argv, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}
async function ok(target: string) {
  const r = await api.call(target);
  assert.equal(r.status, 200, `${target}: ${r.text}`);
  return r.json;
}

test("GET /api/abtest = cpi abtest --format json", async () => {
  const got = await ok("/api/abtest?campaign=Launch%20Q4&arms=ad&unit=day&metric=cpi&method=bayesian");
  assert.deepEqual(got, await cliJson("abtest", "--campaign", "Launch Q4", "--arms", "ad", "--unit", "day", "--metric", "cpi", "--method", "bayesian"));
  assert.ok(got.comparisons.length >= 1);
  const bad = await api.call("/api/abtest?campaign=Launch%20Q4&unit=fortnight");
  assert.equal(bad.json.error.code, "unknown_dimension");
  const metric = await api.call("/api/abtest?metric=reach");
  assert.equal(metric.json.error.code, "invalid_request");
});

test("GET /api/abtest/plan = cpi abtest plan", async () => {
  const got = await ok("/api/abtest/plan?metric=cpi&baseline=0.012&daily_impressions=40000&mde=0.1");
  assert.deepEqual(got, await cliJson("abtest", "plan", "--metric", "cpi", "--baseline-cpi", "0.012", "--daily-impressions", "40000", "--mde", "0.1"));
  assert.equal((await api.call("/api/abtest/plan?metric=cpi")).status, 400);
});

test("GET /api/allocate = cpi allocate, with bounds", async () => {
  const got = await ok("/api/allocate?budget=20000&objective=clicks&currency=USD&min=linkedin%3D1500&max=direct%3D25%25");
  assert.deepEqual(got, await cliJson("allocate", "--budget", "20000", "--objective", "clicks", "--currency", "USD", "--min", "linkedin=1500", "--max", "direct=25%"));
  const bad = await api.call("/api/allocate?budget=20000&currency=USD&min=linkedin");
  assert.equal(bad.json.error.code, "bad_bound");
  // Issue 20.6: minimums above the budget are a 4xx naming the amounts, not a plan that overspends.
  const over = await api.call("/api/allocate?budget=1000&currency=USD&min=meta%3D800&min=linkedin%3D800");
  assert.equal(over.status, 400);
  assert.equal(over.json.error.code, "minimums_above_budget");
  assert.match(over.json.error.message, /add up to 1600\.00 \(linkedin at least 800\.00, meta at least 800\.00\), more than the budget of 1000\.00/);
  // Issue 20.8: the extrapolation travels with the plan, and max_extrapolation is the CLI's --max-extrapolation.
  const free = await ok("/api/allocate?budget=20000&currency=USD&max_extrapolation=none");
  assert.deepEqual(free, await cliJson("allocate", "--budget", "20000", "--currency", "USD", "--max-extrapolation", "none"));
  assert.equal(free.result.status, "extrapolated");
  assert.ok(free.extrapolation.some((e: { channel: string; ratio: number }) => e.channel === "direct" && e.ratio > 4));
});

test("GET /api/forecast and /api/pacing = the CLI", async () => {
  const f = await ok("/api/forecast?budget=5000&campaign=Search%20-%20Generic&days=30");
  assert.deepEqual(f, await cliJson("forecast", "--budget", "5000", "--campaign", "Search - Generic", "--days", "30"));
  const p = await ok("/api/pacing?campaign=Launch%20Q4&budget=5000&from=2026-10-01&to=2026-11-15");
  assert.deepEqual(p, await cliJson("pacing", "--campaign", "Launch Q4", "--budget", "5000", "--from", "2026-10-01", "--to", "2026-11-15"));
  assert.equal((await api.call("/api/pacing?budget=5000&from=2026-10-01&to=2026-11-15")).json.error.code, "bad_usage");
});

test("GET /api/curves: the CLI's fields plus observed days and the fitted curve", async () => {
  const got = await ok("/api/curves?by=source&currency=USD");
  const want = await cliJson("curves", "--by", "source", "--currency", "USD");
  assert.equal(got.channels.length, want.length);
  for (const [i, c] of got.channels.entries()) {
    assert.deepEqual({ channel: c.channel, days: c.days, impressions_curve: c.impressions_curve, spend_range: c.spend_range, today: c.today }, { channel: want[i].channel, days: want[i].days, impressions_curve: want[i].impressions_curve, spend_range: want[i].spend_range, today: want[i].today });
    if (c.impressions_curve) {
      assert.equal(c.curve.length, 41);
      assert.ok(c.curve.every((p: { spend: number; impressions: number }, j: number, a: { impressions: number }[]) => j === 0 || p.impressions >= (a[j - 1]?.impressions ?? 0)), "the curve rises");
    }
    assert.equal(c.observed.length, c.days);
  }
});

test("GET /api/reach and /api/discrepancies on tracked events = the CLI", async () => {
  // The demo tracks Launch Q4 from 2026-11-09 on; before that there is no reach data.
  const none = await api.call("/api/reach?by=campaign&to=2026-10-31");
  assert.equal(none.json.error.code, "no_data");
  const demoTracked = (await ok("/api/reach?by=campaign")).tracked[0].impressions;
  assert.equal(demoTracked, 78843);
  const events = Array.from({ length: 300 }, (_, i) => ({ ts: Date.UTC(2026, 9, 1 + (i % 5), 12), type: "impression" as const, impression_id: `i${i}`, campaign: "Launch Q4", creative: "A", placement: "news-site", visitor: (i % 100).toString(16).padStart(16, "0"), country: "", device: "desktop", measurable: false, reason: "" }));
  await store.appendTrackedEvents({ logId: "api-test", from: 0, to: 300, events });
  const r = await ok("/api/reach?by=campaign");
  assert.deepEqual(r, await cliJson("reach", "--by", "campaign"));
  assert.equal(r.tracked[0].impressions, demoTracked + 300);
  const d = await ok("/api/discrepancies?where=source%3Ddirect&tolerance=5");
  assert.deepEqual(d.rows, await cliJson("discrepancy", "--where", "source=direct", "--tolerance", "5"));
  // The demo's spend is in USD, EUR and GBP: impressions are compared without a currency.
  const all = await ok("/api/discrepancies?tolerance=5");
  assert.deepEqual(all.rows, await cliJson("discrepancy", "--tolerance", "5"));
  // Unfiltered, the tracked placement no source reports (news-site) shows as not reported; with
  // --where source=direct it is left out, since direct never reports that placement.
  type Gap = { campaign: string; placement: string; day: string; status: string; tracked: number; reported: number };
  assert.deepEqual(all.rows.filter((x: Gap) => x.status !== "not_reported"), d.rows);
  assert.deepEqual(
    all.rows.filter((x: Gap) => x.status === "not_reported").map((x: Gap) => [x.campaign, x.placement, x.day, x.tracked, x.reported]),
    ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05"].map((day) => ["Launch Q4", "news-site", day, 60, 0]),
  );
  assert.equal(all.rows.reduce((n: number, x: { tracked: number }) => n + x.tracked, 0), demoTracked + 300, "every tracked impression compared once");
  assert.equal((await api.call("/api/discrepancies?tolerance=-1")).status, 400);
});
