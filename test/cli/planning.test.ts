import assert from "node:assert/strict";
import { before, test } from "node:test";
import { cpi, tempDir, write } from "../helpers.js";

let dir = "";
const db = ["--db", "cpi-demo.duckdb"];
before(async () => {
  dir = tempDir();
  const r = await cpi(dir, "demo");
  assert.equal(r.code, 0, r.stderr);
});

test("cpi curves: fitted parameters, fit quality, spend range and marginal CPM per channel", async () => {
  const r = await cpi(dir, "curves", ...db, "--currency", "USD", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const fits = JSON.parse(r.stdout);
  assert.deepEqual(
    fits.map((f: { channel: string }) => f.channel),
    ["direct", "google-ads", "linkedin", "meta"],
  );
  for (const f of fits) {
    assert.ok(f.days >= 100);
    assert.ok(f.impressions_curve.params.length >= 1);
    assert.ok(f.spend_range.min < f.spend_range.max);
    // Diminishing returns: the next thousand impressions cost at least the average.
    assert.ok(f.today.marginal_cpm >= f.today.cpm * 0.999, `${f.channel}: marginal ${f.today.marginal_cpm} vs average ${f.today.cpm}`);
  }
  const table = await cpi(dir, "curves", ...db, "--currency", "USD");
  assert.match(table.stdout, /Marginal CPM/);
});

test("cpi forecast: impressions with an interval, CPI, and an extrapolation flag outside the data", async () => {
  const inside = JSON.parse((await cpi(dir, "forecast", ...db, "--campaign", "Search - Generic", "--budget", "7800", "--days", "30", "--format", "json")).stdout);
  assert.equal(inside.daily_budget, 260);
  assert.equal(inside.extrapolation, false);
  assert.ok(inside.impressions.low < inside.impressions.value && inside.impressions.value < inside.impressions.high);
  assert.ok(Math.abs(inside.daily.cpi.value - 260 / inside.daily.impressions.value) < 1e-9);
  const outside = await cpi(dir, "forecast", ...db, "--campaign", "Search - Generic", "--budget", "100000", "--days", "30", "--format", "json");
  assert.equal(JSON.parse(outside.stdout).extrapolation, true);
  assert.match(outside.stderr, /extrapolation/);
  const many = await cpi(dir, "forecast", ...db, "--by", "source", "--budget", "100", "--currency", "USD");
  assert.equal(many.code, 2);
  assert.match(many.stderr, /needs one channel/);
});

test("cpi allocate: the whole budget, constraints held, equal marginal cost on funded channels", async () => {
  const r = await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD", "--min", "linkedin=1500", "--max", "direct=20%", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout);
  assert.equal(a.result.status, "optimal");
  const spend = Object.fromEntries(a.per_period.map((p: { channel: string; spend: number }) => [p.channel, p.spend]));
  const total = Object.values(spend as Record<string, number>).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(total - 20000) < 1e-6, `total ${total}`);
  assert.ok((spend.linkedin as number) >= 1500 - 1e-6);
  assert.ok((spend.direct as number) <= 4000 + 1e-6);
  const funded = a.result.channels.filter((c: { bound: string }) => c.bound === "funded");
  for (const c of funded) assert.ok(Math.abs(c.marginal_cost - a.result.marginal_cost) / a.result.marginal_cost < 1e-3);
  assert.ok(a.result.gain >= 0, "never worse than today's split");
  const bad = await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD", "--min", "tiktok=10");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no channel 'tiktok'/);
});

test("cpi allocate: minimums above the budget exit 2 naming the amounts, not a plan that overspends (issue 20.6)", async () => {
  const impossible = await cpi(dir, "allocate", ...db, "--budget", "1000", "--currency", "USD", "--min", "meta=800", "--min", "linkedin=800", "--format", "json");
  assert.equal(impossible.code, 2);
  assert.equal(impossible.stdout, "");
  assert.match(impossible.stderr, /add up to 1600\.00 \(linkedin at least 800\.00, meta at least 800\.00\), more than the budget of 1000\.00/);
  const shares = await cpi(dir, "allocate", ...db, "--budget", "1000", "--currency", "USD", "--min", "meta=60%", "--fixed", "direct=500");
  assert.equal(shares.code, 2);
  assert.match(shares.stderr, /add up to 1100\.00 \(direct fixed at 500\.00, meta at least 600\.00\)/);
  assert.doesNotMatch(shares.stdout, /Expected gain/);
});

test("cpi allocate: extrapolation beside the plan, a ceiling of 2× the highest daily spend by default, never 'optimal' beyond it (issue 20.8)", async () => {
  // Without a ceiling the demo's plan puts 16,953.94 of 20,000 (85 %) into direct, 565.13 a day, 4.1× its highest day (138.64).
  const free = JSON.parse((await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD", "--max-extrapolation", "none", "--format", "json")).stdout);
  const direct = (a: { per_period: { channel: string; spend: number }[] }) => a.per_period.find((p) => p.channel === "direct")?.spend ?? 0;
  assert.ok(direct(free) / 20000 > 0.84, String(direct(free)));
  assert.equal(free.result.status, "extrapolated");
  assert.equal(free.max_extrapolation, null);
  assert.deepEqual(free.extrapolation.map((e: { channel: string; ratio: number }) => [e.channel, e.ratio.toFixed(1)]), [["direct", "4.1"]]);
  assert.match(free.extrapolation[0].message, /^direct: the recommended 565\.13 a day is 4\.1× the most it ever spent in a day \(138\.64\)/);
  // The default: no channel above 2× the most it spent in a day (direct: 2 × 138.64 × 30 days = 8,318.40).
  const r = await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout);
  assert.equal(a.max_extrapolation, 2);
  const highest = a.extrapolation[0].highest_daily_spend;
  assert.ok(Math.abs(highest - 138.64) < 0.005, String(highest));
  assert.ok(Math.abs(direct(a) - 2 * highest * 30) < 1e-6, String(direct(a)));
  for (const e of a.extrapolation) assert.ok(e.ratio <= 2 + 1e-9, `${e.channel} ${e.ratio}`);
  assert.notEqual(a.result.status, "optimal");
  assert.ok(Math.abs(a.per_period.reduce((s: number, p: { spend: number }) => s + p.spend, 0) - 20000) < 1e-6);
  // The table says so beside the plan, on stdout, and does not call it optimal.
  const table = await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD");
  assert.match(table.stdout, /maximising impressions: extrapolated — /);
  assert.match(table.stdout, /Extrapolation \(beyond the spend the curves were fitted on.*\n {2}direct: \$277\.28 a day, 2\.0× the most it ever spent in a day \(\$138\.64\)/);
  assert.doesNotMatch(table.stdout, /makes the split optimal/);
  // --max-extrapolation 1 keeps every channel within what it has spent.
  const within = JSON.parse((await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD", "--max-extrapolation", "1", "--format", "json")).stdout);
  assert.deepEqual(within.extrapolation, []);
  assert.ok(Math.abs(direct(within) - highest * 30) < 1e-6);
  assert.equal((await cpi(dir, "allocate", ...db, "--budget", "20000", "--max-extrapolation", "0.5")).code, 2);
});

test("cpi allocate: the reasons speak of the table's amounts (over the period, in the currency), one more click", async () => {
  const args = ["allocate", ...db, "--budget", "20000", "--objective", "clicks", "--currency", "USD", "--min", "linkedin=1500", "--fixed", "direct=3000"];
  const r = await cpi(dir, ...args);
  assert.equal(r.code, 0, r.stderr);
  const why = Object.fromEntries(
    r.stdout
      .split("Why:\n")[1]
      ?.split("\n\n")[0]
      ?.trim()
      .split("\n")
      .map((l) => l.trim().split(/: (.*)/s).slice(0, 2)) ?? [],
  );
  // --min linkedin=1500 over 30 days is 1,500 in the table and in its reason (it was "held at its minimum 50.0", a day's share)
  assert.match(r.stdout, /^linkedin +2,688\.70 +1,500\.00 /m);
  assert.match(why.linkedin ?? "", /^held at its minimum \$1,500\.00: beyond it one more click costs \$\d+\.\d\d, more than elsewhere \(the equalised cost is \$\d+\.\d\d\); money moved out: at today's \$2,688\.70 one more click costs/);
  assert.match(why.direct ?? "", /^fixed at \$3,000\.00; one more click here would cost \$[\d.]+ .*at today's \$2,142\.12 /);
  assert.doesNotMatch(r.stdout, /one more clicks/);
  assert.match(r.stdout, /^Budget \$20,000\.00 over 30 days \(\$666\.67 a day\)/);
  const a = JSON.parse((await cpi(dir, ...args, "--format", "json")).stdout);
  assert.equal(a.currency, "USD");
  const linkedin = a.per_period.find((p: { channel: string }) => p.channel === "linkedin");
  assert.equal(linkedin.why.bound, "at-min");
  assert.ok(Math.abs(linkedin.why.min - 1500) < 1e-6);
  assert.match(linkedin.reason, /^held at its minimum 1,500: beyond it one more click costs/);
  const impressions = await cpi(dir, "allocate", ...db, "--budget", "20000", "--currency", "USD");
  assert.match(impressions.stdout, /one more impression costs \$0\.0\d{3}\b/);
  assert.doesNotMatch(impressions.stdout, /one more impressions/);
});

test("cpi pacing: spend to date, projection and the daily spend that lands on budget", async () => {
  const r = await cpi(dir, "pacing", ...db, "--campaign", "Launch Q4", "--budget", "6000", "--from", "2026-10-01", "--to", "2026-11-30", "--as-of", "2026-11-15", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.equal(p.spend_to_date, 5000);
  assert.equal(p.elapsed_days, 46);
  assert.equal(p.remaining_days, 15);
  assert.equal(p.required_daily_spend, 66.666667); // 1,000 over 15 days, to the micro
  const text = await cpi(dir, "pacing", ...db, "--campaign", "Launch Q4", "--budget", "6000", "--from", "2026-10-01", "--to", "2026-11-30", "--as-of", "2026-11-15");
  assert.match(text.stdout, /Spent to date\s+5,000\.00/);
  const none = await cpi(dir, "pacing", ...db, "--budget", "10", "--from", "2026-10-01", "--to", "2026-10-02");
  assert.equal(none.code, 2);
});

test("cpi pacing's daily rate is the last 7 calendar days, days without a row as 0 (issue 20: 1,000/day on 10-01..10 only, as of 10-20)", async () => {
  const here = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 1; d <= 10; d++) lines.push(`2026-10-${String(d).padStart(2, "0")},meta,X,USD,1000.00,100000`);
  write(here, "x.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(here, "import", "x.csv")).code, 0);
  const r = await cpi(here, "pacing", "--campaign", "X", "--budget", "30000", "--from", "2026-10-01", "--to", "2026-10-30", "--as-of", "2026-10-20");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Spent to date\s+10,000\.00/);
  assert.match(r.stdout, /Daily rate\s+0\.00 /, "the last 7 calendar days spent nothing");
  assert.match(r.stdout, /Projected end spend\s+10,000\.00 /);
  assert.match(r.stdout, /Status: on course to spend 10000, 20000 under the budget/);
  // As of the last day with spend (the default), the same definition gives 1,000 a day.
  const last = await cpi(here, "pacing", "--campaign", "X", "--budget", "30000", "--from", "2026-10-01", "--to", "2026-10-30");
  assert.match(last.stdout, /As of 2026-10-10/);
  assert.match(last.stdout, /Daily rate\s+1,000\.00 /);
  // The alerts' pacing rule judges the flight with the same numbers.
  assert.equal((await cpi(here, "alerts", "add", "--kind", "pacing", "--where", "campaign=X", "--budget", "30000", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-30")).code, 0);
  const check = JSON.parse((await cpi(here, "alerts", "check", "--date", "2026-10-20", "--format", "json", "--dry-run")).stdout);
  assert.equal(check.fired[0]?.value, 10_000);
  assert.match(check.fired[0]?.message ?? "", /on course to spend 10000, 20000 under the budget/);
});

test("cpi reach without reach data says where reach comes from", async () => {
  // The demo tracks only Launch Q4's last week; Launch Q3 has no reach data.
  const r = await cpi(dir, "reach", ...db, "--campaign", "Launch Q3");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no reach data/);
});
