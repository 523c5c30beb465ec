import assert from "node:assert/strict";
import { test } from "node:test";
import { flightPacing } from "./index.js";

const M = 1_000_000n; // one currency unit in micros

test("a 30-day $3,000 flight that spent $1,200 in 10 days overspends: projected $3,600, needs $90/day", () => {
  const p = flightPacing({ budget: 3000n * M, flightStart: "2026-10-01", flightEnd: "2026-10-30", asOf: "2026-10-10", spendToDate: 1200n * M });
  assert.equal(p.totalDays, 30);
  assert.equal(p.elapsedDays, 10);
  assert.equal(p.remainingDays, 20);
  assert.equal(p.expectedSpendToDate, 1000n * M);
  assert.equal(p.paceRatio, 1.2);
  assert.equal(p.dailyRate, 120n * M);
  assert.equal(p.projectedEndSpend, 3600n * M);
  assert.equal(p.projectedOverBudget, 600n * M);
  assert.equal(p.requiredDailySpend, 90n * M);
  assert.equal(p.status, "overspending");
  assert.match(p.message, /spend 90 a day/);
});

test("the recent daily rate drives the projection; on track within the tolerance; underspend", () => {
  const base = { budget: 3100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-31", asOf: "2026-10-10" };
  const onTrack = flightPacing({ ...base, spendToDate: 1000n * M, recentDailySpend: [95n * M, 100n * M, 105n * M] });
  assert.equal(onTrack.dailyRate, 100n * M);
  assert.equal(onTrack.projectedEndSpend, 3100n * M);
  assert.equal(onTrack.status, "on-track");
  const slowing = flightPacing({ ...base, spendToDate: 1000n * M, recentDailySpend: [40n * M, 30n * M, 20n * M] });
  assert.equal(slowing.projectedEndSpend, 1630n * M);
  assert.equal(slowing.status, "underspending");
  assert.equal(slowing.requiredDailySpend, 100n * M);
  // DST: the flight crosses the end of daylight saving time in New York; days are calendar days
  const dst = flightPacing({ budget: 700n * M, flightStart: "2026-10-29", flightEnd: "2026-11-04", asOf: "2026-11-01", spendToDate: 400n * M });
  assert.equal(dst.totalDays, 7);
  assert.equal(dst.elapsedDays, 4);
  assert.equal(dst.requiredDailySpend, 100n * M);
});

test("edges: not started, ended, already overspent, rounding to the micro, bad input", () => {
  const notYet = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-10", asOf: "2026-09-20", spendToDate: 0n });
  assert.equal(notYet.status, "not-started");
  assert.equal(notYet.elapsedDays, 0);
  assert.equal(notYet.paceRatio, null);
  assert.equal(notYet.requiredDailySpend, 10n * M);
  const ended = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-10", asOf: "2026-10-20", spendToDate: 80n * M });
  assert.equal(ended.ended, true);
  assert.equal(ended.remainingDays, 0);
  assert.equal(ended.requiredDailySpend, null);
  assert.equal(ended.projectedEndSpend, 80n * M);
  assert.equal(ended.status, "underspending");
  assert.match(ended.message, /ended with 20 of the budget unspent/);
  const over = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-10", asOf: "2026-10-05", spendToDate: 101n * M });
  assert.equal(over.status, "overspent");
  assert.equal(over.requiredDailySpend, 0n);
  const third = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-03", asOf: "2026-10-01", spendToDate: 0n });
  assert.equal(third.expectedSpendToDate, 33_333_333n);
  assert.equal(third.requiredDailySpend, 50n * M);
  assert.throws(() => flightPacing({ budget: 1n, flightStart: "2026-10-05", flightEnd: "2026-10-01", asOf: "2026-10-01", spendToDate: 0n }), /ends/);
  assert.throws(() => flightPacing({ budget: 0n, flightStart: "2026-10-01", flightEnd: "2026-10-02", asOf: "2026-10-01", spendToDate: 0n }), /positive/);
  assert.throws(() => flightPacing({ budget: 1n, flightStart: "2026-13-01", flightEnd: "2026-10-02", asOf: "2026-10-01", spendToDate: 0n }), /flight start/);
});
