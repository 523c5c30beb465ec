// The dashboard's allocator explains each channel with the CLI's sentences (web/ takes them from the
// pure domain/): both must say the same thing for every kind of explanation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ChannelExplanation, explanationText } from "../../src/domain/allocate/index.js";
import { toJsonValue } from "../../src/domain/json-output.js";
import { type Why, whyText } from "../../src/web/views/allocate-why.js";

const base: ChannelExplanation = { bound: "funded", offReason: null, spend: 3000, min: 1500, max: 9000, marginalCost: 2.13, equalisedCost: 2.03, threshold: null, averageCost: null, today: null };
const variants: ChannelExplanation[] = [
  base,
  { ...base, bound: "fixed" },
  { ...base, bound: "at-max", marginalCost: null },
  { ...base, bound: "at-min", equalisedCost: null },
  { ...base, bound: "off", offReason: "first-unit", spend: 0 },
  { ...base, bound: "off", offReason: "slow-start", spend: 0, threshold: 9000, averageCost: 4.5 },
  { ...base, bound: "off", offReason: "threshold", spend: 0, threshold: 4200, averageCost: 3.1 },
];
const todays: ChannelExplanation["today"][] = [
  null,
  { spend: 2688.7, marginalCost: 11.85, moved: "out" },
  { spend: 900, marginalCost: null, moved: "in" },
  { spend: 3000, marginalCost: 2.13, moved: "unchanged" },
];

test("the dashboard's reasons are the CLI's sentences, word for word, for every bound and objective", () => {
  const f = { amount: (v: number) => `$${v.toFixed(0)}`, unitCost: (v: number) => `$${v.toFixed(3)}` };
  let n = 0;
  for (const objective of ["impressions", "clicks", "conversions", "reach"]) {
    for (const v of variants) {
      for (const today of todays) {
        const e = { ...v, today };
        // The dashboard reads the API's JSON (snake_case keys): the same sentence as the CLI's.
        assert.equal(whyText(toJsonValue(e) as Why, objective, f), explanationText(e, objective, f));
        n++;
      }
    }
  }
  assert.equal(n, 112);
  assert.match(whyText(toJsonValue({ ...base, bound: "at-min" }) as Why, "reach", f), /^held at its minimum \$1500: beyond it one more person reached costs \$2\.130/);
});
