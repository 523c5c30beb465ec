import assert from "node:assert/strict";
import { test } from "node:test";
import { saturatingCpmCurve } from "../curves/saturating-cpm-curve.js";
import { allocateBudget, explanationText, objectiveUnit, scaleExplanation } from "./index.js";

test("one more click, impression, person reached, conversion: the objective's unit in the singular", () => {
  assert.deepEqual(
    ["clicks", "impressions", "reach", "conversions"].map(objectiveUnit),
    ["click", "impression", "person reached", "conversion"],
  );
  const r = allocateBudget({
    budget: 100,
    objective: "clicks",
    channels: [
      { name: "a", curve: saturatingCpmCurve(5, 200), min: 60, current: 50 },
      { name: "b", curve: saturatingCpmCurve(4, 500), current: 50 },
    ],
  });
  const a = r.channels.find((c) => c.name === "a");
  assert.equal(a?.bound, "at-min");
  assert.match(a?.reason ?? "", /^held at its minimum 60\.0: beyond it one more click costs [\d.]+, more than elsewhere/);
  assert.doesNotMatch(r.channels.map((c) => c.reason).join(" "), /one more clicks/);
});

test("a daily explanation restated over 30 days: amounts ×30, the cost of one more unit as it was", () => {
  const r = allocateBudget({
    budget: 100,
    objective: "impressions",
    channels: [
      { name: "a", curve: saturatingCpmCurve(5, 200), min: 50, current: 70 },
      { name: "b", curve: saturatingCpmCurve(4, 500), current: 30 },
    ],
  });
  const daily = r.channels.find((c) => c.name === "a")?.explanation;
  assert.ok(daily && daily.bound === "at-min" && daily.today);
  const period = scaleExplanation(daily, 30, 1);
  assert.equal(period.min, 1500);
  assert.equal(period.today?.spend, 2100);
  assert.equal(period.marginalCost, daily.marginalCost);
  const usd = { amount: (v: number) => `$${v.toFixed(2)}`, unitCost: (v: number) => `$${v.toFixed(4)}` };
  assert.equal(
    explanationText(period, "impressions", usd),
    `held at its minimum $1500.00: beyond it one more impression costs $${daily.marginalCost?.toFixed(4)}, more than elsewhere (the equalised cost is $${daily.equalisedCost?.toFixed(4)}); money moved out: at today's $2100.00 one more impression costs $${daily.today.marginalCost?.toFixed(4)} vs $${daily.equalisedCost?.toFixed(4)} at the recommended split`,
  );
});
