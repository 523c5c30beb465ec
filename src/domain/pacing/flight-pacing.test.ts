import assert from "node:assert/strict";
import { test } from "node:test";
import { flightPacing, flightPacingOfDays, weekdayProfile } from "./index.js";

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
  const over = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-10", asOf: "2026-10-05", spendToDate: 106n * M });
  assert.equal(over.status, "overspent");
  assert.equal(over.requiredDailySpend, 0n);
  // The tolerance applies to money already spent too: a flight that ends 1.1 % over is on track, not "already over budget".
  const landed = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-10", asOf: "2026-10-10", spendToDate: 101_100_000n });
  assert.equal(landed.status, "on-track");
  assert.match(landed.message, /the flight ended having spent 101\.1 of 100/);
  const third = flightPacing({ budget: 100n * M, flightStart: "2026-10-01", flightEnd: "2026-10-03", asOf: "2026-10-01", spendToDate: 0n });
  assert.equal(third.expectedSpendToDate, 33_333_333n);
  assert.equal(third.requiredDailySpend, 50n * M);
  assert.throws(() => flightPacing({ budget: 1n, flightStart: "2026-10-05", flightEnd: "2026-10-01", asOf: "2026-10-01", spendToDate: 0n }), /ends/);
  assert.throws(() => flightPacing({ budget: 0n, flightStart: "2026-10-01", flightEnd: "2026-10-02", asOf: "2026-10-01", spendToDate: 0n }), /positive/);
  assert.throws(() => flightPacing({ budget: 1n, flightStart: "2026-13-01", flightEnd: "2026-10-02", asOf: "2026-10-01", spendToDate: 0n }), /flight start/);
});

test("the daily rate is the last 7 calendar days, a day without a row counting as 0 (issue 20: spend 1,000/day on 10-01..10 only, as of 10-20)", () => {
  const spend = Array.from({ length: 20 }, (_, i) => (i < 10 ? 1000n * M : 0n));
  const p = flightPacingOfDays({ budget: 30_000n * M, flightStart: "2026-10-01", flightEnd: "2026-10-30", asOf: "2026-10-20", days: { start: "2026-10-01", spend } });
  assert.equal(p.spendToDate, 10_000n * M);
  assert.equal(p.dailyRate, 0n);
  assert.equal(p.projectedEndSpend, 10_000n * M);
  assert.equal(p.status, "underspending");
});

test("a weekday profile: weekends spend less, so the projection of a flight's last days knows it", () => {
  // Ten weeks of spend: 100 on weekdays, 40 on Saturdays and Sundays; 2026-06-01 is a Monday.
  const week = [100, 100, 100, 100, 100, 40, 40].map((v) => BigInt(v) * M);
  const spend = Array.from({ length: 70 }, (_, i) => week[i % 7] as bigint);
  const profile = weekdayProfile(spend.map(Number), 6);
  assert.ok(profile);
  const sunday = profile[6] ?? 0;
  assert.ok(Math.abs((profile[0] ?? 0) / sunday - 2.5) < 1e-9, `Monday 2.5 × Sunday, got ${profile}`);
  assert.ok(Math.abs(profile.reduce((a, b) => a + b, 0) - 7) < 1e-9);
  assert.equal(weekdayProfile([0, 0, 5, 5, 5], 0), null, "under two weeks: no profile");
  // A flight of 4 weeks (2026-07-13 Monday … 08-09 Sunday, budget 2,320 = 4 × 580) as of Friday 08-07:
  // 2 weekend days of 40 remain. A flat projection would add 2 × 580/7 = 165.71; the profile adds 80.
  const p = flightPacingOfDays({ budget: 2320n * M, flightStart: "2026-07-13", flightEnd: "2026-08-09", asOf: "2026-08-07", days: { start: "2026-06-01", spend: spend.slice(0, 68) } });
  assert.equal(p.spendToDate, 2240n * M);
  assert.equal(p.dailyRate, 82_857_143n, "the mean of the last 7 calendar days: 580 / 7");
  assert.equal(p.projectedEndSpend, 2320n * M, "lands exactly on budget");
  assert.equal(p.status, "on-track");
  assert.equal(p.expectedSpendToDate, 2240n * M, "even pacing by weekday");
});
