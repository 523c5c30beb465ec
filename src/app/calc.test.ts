import assert from "node:assert/strict";
import { test } from "node:test";
import { calculate } from "./calc.js";

test("the seed case: $5,000 for 500,000 impressions against a $0.015 baseline", () => {
  const r = calculate({ cost: "5000", impressions: "500000", baselineCpi: "0.015" });
  assert.equal(r.cpi, 0.01);
  assert.equal(r.cpm, 10);
  assert.ok(Math.abs((r.cpi_change as number) - -1 / 3) < 1e-12);
  assert.equal(r.extra_impressions, 166666.67);
  assert.equal(r.cpc, undefined);
});

test("optional inputs add CPC, CTR, CPA, CVR, ROAS", () => {
  const r = calculate({ cost: 1200, impressions: 80000, clicks: 960, conversions: 24, revenue: 3100 });
  assert.equal(r.cpc, 1.25);
  assert.equal(r.ctr, 0.012);
  assert.equal(r.cpa, 50);
  assert.equal(r.cvr, 0.025);
  assert.ok(Math.abs((r.roas as number) - 3100 / 1200) < 1e-12);
});

test("zero impressions give null ratios; bad numbers are user errors", () => {
  const r = calculate({ cost: 10, impressions: 0 });
  assert.equal(r.cpi, null);
  assert.equal(r.cpm, null);
  assert.throws(() => calculate({ cost: "abc", impressions: 1 }), /--cost must be a number, got 'abc'/);
  assert.throws(() => calculate({ cost: -1, impressions: 1 }), /--cost must be 0 or more/);
  assert.throws(() => calculate({ cost: 1, impressions: 1, baselineCpi: 0 }), /--baseline-cpi must be greater than 0/);
});
