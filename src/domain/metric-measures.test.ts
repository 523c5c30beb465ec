import assert from "node:assert/strict";
import { test } from "node:test";
import { measuresOf } from "./metric-measures.js";
import { METRIC_NAMES } from "./metrics.js";

test("the measures a report sums are those its metrics are derived from", () => {
  assert.deepEqual(measuresOf(["cpi"]), ["cost", "impressions"]);
  assert.deepEqual(measuresOf(["cost", "impressions", "clicks", "cpi", "cpm", "ctr"]), ["cost", "impressions", "clicks"]);
  assert.deepEqual(measuresOf(["roas"]), ["cost", "revenue"]);
  assert.deepEqual(measuresOf(["viewable_rate", "cvr"]), ["clicks", "conversions", "viewable_impressions", "measurable_impressions"]);
  assert.deepEqual(measuresOf(["reach"]), []);
  assert.deepEqual(measuresOf(["cpmr"]), ["cost"]);
  assert.deepEqual(measuresOf(["invalid_rate"]), ["impressions"]);
  // Every metric of the catalogue reads at least one measure or is a tracked-only one.
  for (const m of METRIC_NAMES) if (m !== "reach") assert.ok(measuresOf([m]).length > 0, m);
});
