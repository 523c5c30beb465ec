import assert from "node:assert/strict";
import { test } from "node:test";
import { hashWith, periodAfter, periodProblem } from "./state.js";

test("after an import, a preset period moves with the data and a period outside it is reset", () => {
  const before = { first_day: "2026-06-01", last_day: "2026-11-27" };
  const after = { first_day: "2026-06-01", last_day: "2026-12-10" };
  assert.deepEqual(periodAfter(before, after, "2026-10-29", "2026-11-27"), { from: "2026-11-11", to: "2026-12-10" }, "Last 30 days stays the last 30 days");
  assert.deepEqual(periodAfter(before, after, "2026-06-01", "2026-11-27"), { from: "2026-06-01", to: "2026-12-10" }, "All data stays all data");
  assert.equal(periodAfter(before, after, "2026-07-03", "2026-08-09"), null, "a period the user picked, still in the data, is kept");
  assert.deepEqual(periodAfter(before, { first_day: "2027-01-01", last_day: "2027-01-31" }, "2026-07-03", "2026-08-09"), { from: "2027-01-02", to: "2027-01-31" }, "no longer in the data: reset");
  assert.deepEqual(periodAfter({ first_day: null, last_day: null }, after, "2026-12-01", "2026-12-30"), { from: "2026-11-11", to: "2026-12-10" }, "an empty store's first import");
  assert.equal(periodAfter(before, before, "2026-10-29", "2026-11-27"), null);
});

test("an address's period: not a date, or from after to, is named", () => {
  assert.equal(periodProblem("banana", null), "The address gives from=banana, which is not a date: write it as YYYY-MM-DD (e.g. 2026-11-01).");
  assert.equal(periodProblem("2026-02-30", "2026-03-01")?.startsWith("The address gives from=2026-02-30"), true);
  assert.equal(periodProblem("2026-11-20", "2026-11-01"), "The address's period starts after it ends (from 2026-11-20, to 2026-11-01): from must be on or before to.");
  assert.equal(periodProblem("2026-11-01", "2026-11-20"), null);
  assert.equal(periodProblem(null, null), null);
});

test("another period keeps every other parameter of the address, repeated ones too", () => {
  assert.equal(hashWith("#/explore?from=a&to=b&by=campaign&by=week&m=cpi", { from: "2026-01-01", to: "2026-01-31", currency: "EUR" }), "#/explore?from=2026-01-01&to=2026-01-31&currency=EUR&by=campaign&by=week&m=cpi");
});
