// `cpi alerts backtest` over every day of a seeded store (what a check on each day finds: backtest.test.ts
// compares the two): it finds the injected spikes, drops, CPI jumps and days without delivery, and stays
// quiet on the rest.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addDays } from "../../src/domain/dates.js";
import { cpi, tempDir, write } from "../helpers.js";
import { deliveryCsv, syntheticDelivery } from "./synthetic-series.js";

const START = "2026-03-02"; // a Monday
const DAYS = 126; // 18 weeks: 8 weeks of quiet history, then 10 weeks with events
const FIRST = 56;

test("seeded store with weekly seasonality: cpi alerts backtest finds the injected events and stays quiet otherwise", async (t) => {
  const dir = tempDir();
  const days = syntheticDelivery({ seed: 20261014, campaigns: 20, days: DAYS, firstEventDay: FIRST, start: START });
  write(dir, "delivery.csv", deliveryCsv(days));
  const imported = await cpi(dir, "import", "delivery.csv");
  assert.equal(imported.code, 0, imported.stderr);
  const add = async (...args: string[]) => {
    const r = await cpi(dir, "alerts", "add", ...args);
    assert.equal(r.code, 0, r.stderr);
  };
  await add("--kind", "anomaly", "--metric", "impressions", "--by", "campaign", "--min-impressions", "100", "--id", "volume");
  await add("--kind", "anomaly", "--metric", "cpi", "--by", "campaign", "--direction", "up", "--min-impressions", "100", "--id", "cpi-up");
  await add("--kind", "zero-delivery", "--by", "campaign", "--id", "stopped");

  const fired = new Map<string, Set<string>>(); // "campaign|day" → rules that fired
  const r = await cpi(dir, "alerts", "backtest", "--from", addDays(START, FIRST), "--to", addDays(START, DAYS - 1), "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { days: number; alerts: { rule: string; scope: { campaign: string }; since: string; until: string }[]; errors: unknown[] };
  assert.equal(out.days, DAYS - FIRST);
  assert.deepEqual(out.errors, []);
  const newAlerts = out.alerts.length;
  for (const a of out.alerts) {
    for (let day = a.since; day <= a.until; day = addDays(day, 1)) {
      const key = `${a.scope.campaign}|${day}`;
      fired.set(key, (fired.get(key) ?? new Set()).add(a.rule));
    }
  }

  const found = { spike: [0, 0], drop: [0, 0], zero: [0, 0], cpi: [0, 0] };
  let normal = 0;
  let falseAlarms = 0;
  const falseList: string[] = [];
  for (const r of days) {
    if (r.date < addDays(START, FIRST)) continue;
    const rules = fired.get(`${r.campaign}|${r.date}`) ?? new Set<string>();
    if (r.event === null) {
      normal++;
      if (rules.size > 0) {
        falseAlarms++;
        falseList.push(`${r.campaign} ${r.date} ${[...rules].join(",")}`);
      }
      continue;
    }
    const c = found[r.event];
    c[0] = (c[0] ?? 0) + 1;
    const hit = r.event === "zero" ? rules.has("stopped") : r.event === "cpi" ? rules.has("cpi-up") : rules.has("volume");
    if (hit) c[1] = (c[1] ?? 0) + 1;
  }
  const rate = (c: number[]) => (c[1] ?? 0) / Math.max(1, c[0] ?? 0);
  t.diagnostic(
    `found spikes ${found.spike[1]}/${found.spike[0]}, drops ${found.drop[1]}/${found.drop[0]}, CPI jumps ${found.cpi[1]}/${found.cpi[0]}, ` +
      `zero days ${found.zero[1]}/${found.zero[0]}; false alarms ${falseAlarms}/${normal} normal campaign-days ${falseList.join("; ")}; ${newAlerts} alerts`,
  );
  assert.ok((found.spike[0] ?? 0) >= 25 && (found.drop[0] ?? 0) >= 25 && (found.cpi[0] ?? 0) >= 25 && (found.zero[0] ?? 0) >= 10, "enough injected events");
  assert.ok(rate(found.spike) >= 0.95, `spike recall ${rate(found.spike)}`);
  assert.ok(rate(found.drop) >= 0.95, `drop recall ${rate(found.drop)}`);
  assert.ok(rate(found.cpi) >= 0.95, `CPI jump recall ${rate(found.cpi)}`);
  assert.equal(rate(found.zero), 1, "every day without delivery is found");
  assert.ok(falseAlarms / normal <= 0.005, `false alarm rate ${falseAlarms}/${normal}`);
});
