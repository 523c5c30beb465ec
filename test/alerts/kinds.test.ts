// Threshold, pacing and invalid-traffic rules; a platform whose export is late; several currencies; the default day.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AlertRule } from "../../src/app/alerts/index.js";
import { checkAlerts, memoryAlertFiles, serializeAlertsConfig, validateRule } from "../../src/app/alerts/index.js";
import { addDays } from "../../src/domain/dates.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, tempDir, write } from "../helpers.js";

type Fired = { rule: string; scope: Record<string, string>; since: string; value: number; baseline: number; score: number | null; message: string; new: boolean };
type Out = { day: string; fired: Fired[]; skipped: { rule: string; scope: string; reason: string; message: string }[]; errors: { rule: string; message: string }[] };

async function checkJson(dir: string, ...args: string[]): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await cpi(dir, "alerts", "check", "--format", "json", ...args);
  return { code: r.code, out: JSON.parse(r.stdout || "{}"), stderr: r.stderr };
}

test("pacing: a flight spending $150 a day of a $3,000, 30-day budget is projected to overspend; watch=underspend stays quiet", async () => {
  const dir = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < 12; d++) lines.push(`${addDays("2026-10-01", d)},google_ads,Flight,USD,150.00,15000`);
  write(dir, "f.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(dir, "import", "f.csv")).code, 0);
  const flight = ["--where", "campaign=Flight", "--budget", "3000", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-30"];
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "pacing", ...flight, "--id", "flight")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "pacing", ...flight, "--watch", "underspend", "--id", "under")).code, 0);
  const r = await checkJson(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out.day, "2026-10-12", "the latest day with data");
  assert.equal(r.out.fired.length, 1);
  const f = r.out.fired[0] as Fired;
  assert.equal(f.rule, "flight");
  assert.equal(f.value, 4500); // 1,800 spent + 150 × 18 days
  assert.equal(f.baseline, 3000);
  assert.equal(f.score, 0.5);
  assert.equal(f.since, "2026-10-11", "the flight's first 10 days are its grace period");
  assert.match(f.message, /on course to spend 4500, 1500 over the budget; spend 66\.67 a day to land on it/);
  const early = await checkJson(dir, "--date", "2026-10-05");
  assert.deepEqual(early.out.fired, []);
  assert.match(early.out.skipped[0]?.message ?? "", /^day 5 of the flight: judged from day 11 \(grace_days 10\); on course to spend 4500/);
  const table = await cpi(dir, "alerts", "check", "--fail-on-alert");
  assert.equal(table.code, 3, "--fail-on-alert exits 3 when an alert fires");
  assert.match(table.stdout, /flight +campaign=Flight +pacing +cost +4,500\.00 +3,000\.00 +\+50\.0 % of budget +2026-10-11/);
  const before = await checkJson(dir, "--date", "2026-09-20");
  assert.match(before.out.skipped[0]?.message ?? "", /the flight starts on 2026-10-01/);
});

test("threshold per campaign with a minimum volume; a platform whose export for the day is missing is not judged", async () => {
  const dir = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < 28; d++) {
    const day = addDays("2026-09-01", d);
    lines.push(`${day},meta,Pricey,USD,${d === 27 ? "400.00" : "100.00"},20000`); // CPM 5, then 20 on the last day
    lines.push(`${day},meta,Tiny,USD,5.00,200`); // CPM 25 on 200 impressions
    if (d < 27) lines.push(`${day},google_ads,Search,USD,90.00,9000`); // google's last day is not imported yet
  }
  write(dir, "s.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "cpm", "--above", "15", "--by", "campaign", "--min-impressions", "1000", "--id", "cpm-cap")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped")).code, 0);
  const r = await checkJson(dir, "--date", "2026-09-28");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    r.out.fired.map((f) => [f.rule, f.scope.campaign, f.value]),
    [["cpm-cap", "Pricey", 20]],
  );
  const skipped = r.out.skipped.map((s) => [s.rule, s.scope, s.reason]);
  assert.deepEqual(skipped, [
    ["cpm-cap", "campaign=Search", "no-value"],
    ["cpm-cap", "campaign=Tiny", "low-volume"],
    ["stopped", "campaign=Search", "no-value"],
  ]);
  assert.match(r.out.skipped[2]?.message ?? "", /no data from google-ads for 2026-09-28 yet/);
  // How unusual a threshold alert is: how far past its limit, not the limit again (20 vs 15 is +33.3 %).
  assert.equal(r.out.fired[0]?.message, "cpm 20 is > 15");
  const table = await cpi(dir, "alerts", "check", "--date", "2026-09-28", "--dry-run");
  assert.match(table.stdout, /cpm-cap +campaign=Pricey +threshold +cpm +20\.00 +15\.00 +\+33\.3 % vs limit +2026-09-28/);
  // Once google's day is in and Search delivered nothing, it is a stop.
  write(dir, "g.csv", "date,source,campaign,currency,cost,impressions\n2026-09-28,google_ads,Other,USD,1.00,100\n");
  assert.equal((await cpi(dir, "import", "g.csv")).code, 0);
  const later = await checkJson(dir, "--date", "2026-09-28");
  assert.deepEqual(
    later.out.fired.map((f) => [f.rule, f.scope.campaign]),
    [
      ["cpm-cap", "Pricey"],
      ["stopped", "Search"],
    ],
  );
  // Counts read as the other kinds' numbers do, with what they count (it printed "usually delivers 9000").
  assert.equal(later.out.fired[1]?.message, "delivered nothing today; it usually delivers 9,000 impressions");
  const text = await cpi(dir, "alerts", "check", "--date", "2026-09-28", "--dry-run");
  assert.match(text.stdout, /^ {2}stopped · campaign=Search: delivered nothing today; it usually delivers 9,000 impressions$/m);
});

test("zero delivery of clicks and of spend: the usual amount grouped, in the rule's measure", async () => {
  const dir = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions,clicks"];
  for (let d = 0; d < 28; d++) {
    const day = addDays("2026-09-01", d);
    if (d < 27) lines.push(`${day},meta,Brand,USD,1234.50,361400,3614`);
    lines.push(`${day},meta,Other,USD,10.00,1000,10`); // meta's day 2026-09-28 is in: Brand's silence is a stop
  }
  write(dir, "s.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--metric", "clicks", "--where", "campaign=Brand", "--id", "no-clicks")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--metric", "cost", "--where", "campaign=Brand", "--id", "no-spend")).code, 0);
  const r = await checkJson(dir, "--date", "2026-09-28");
  assert.deepEqual(
    r.out.fired.map((f) => [f.rule, f.message]),
    [
      ["no-clicks", "delivered nothing today; it usually delivers 3,614 clicks"],
      ["no-spend", "spent nothing today; it usually spends 1,235"],
    ],
  );
});

test("several currencies: rates and counts are judged per currency without FX; a rule that needs a missing rate fails alone (exit 2)", async () => {
  const dir = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < 42; d++) {
    const day = addDays("2026-09-01", d);
    const w = 1 + 0.02 * Math.sin(d);
    const jump = d === 41 ? 2 : 1;
    lines.push(`${day},meta,Euro,EUR,${(80 * w * jump).toFixed(2)},${Math.round(10000 * w)}`);
    lines.push(`${day},google_ads,Dollar,USD,${(60 * w).toFixed(2)},${Math.round(8000 * w)}`);
  }
  write(dir, "c.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(dir, "import", "c.csv")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "cpi", "--by", "campaign", "--id", "cpi")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "impressions", "--id", "volume")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "cost", "--above", "1000", "--currency", "USD", "--id", "spend-usd")).code, 0);
  const r = await checkJson(dir, "--dry-run");
  assert.equal(r.code, 2);
  assert.equal(r.out.day, "2026-10-12");
  assert.deepEqual(
    r.out.fired.map((f) => [f.rule, f.scope]),
    [["cpi", { campaign: "Euro", currency: "EUR" }]],
  );
  assert.equal(r.out.errors.length, 1);
  assert.equal(r.out.errors[0]?.rule, "spend-usd");
  assert.match(r.stderr, /error: rule spend-usd: .*EUR/);
  const again = await checkJson(dir, "--dry-run");
  assert.equal(again.out.fired[0]?.new, true, "a dry run records nothing");
});

test("invalid_rate on tracked events, evaluated through the library with an in-memory rules file", async () => {
  const store = await DuckDbStore.open(":memory:");
  const events: TrackedEvent[] = [];
  for (let d = 0; d < 36; d++) {
    const bots = d === 35 ? 400 : 20 + (d % 3);
    for (let i = 0; i < 1000 + bots; i++) {
      events.push({
        ts: Date.UTC(2026, 8, 1 + d, 12) + i,
        type: "impression",
        impression_id: "",
        campaign: "Launch Q4",
        creative: "A",
        placement: i % 2 ? "news" : "sports",
        visitor: "0000000000000001",
        country: "",
        device: "",
        measurable: false,
        reason: i < bots ? "bot_user_agent" : "",
      });
    }
  }
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events });
  const rules = [
    { id: "bots", kind: "threshold", metric: "invalid_rate", operator: ">", value: 0.1 },
    { id: "bots-unusual", kind: "anomaly", metric: "invalid_rate", by: "placement", direction: "up", min_impressions: 100 },
  ].map((raw) => validateRule(raw, []).rule as AlertRule);
  const files = memoryAlertFiles(serializeAlertsConfig({ version: 1, webhooks: [], rules, silences: [] }));
  const out = await checkAlerts(store, files, { date: "2026-10-06" });
  assert.deepEqual(
    out.fired.map((f) => [f.record.rule, f.record.scope_label, Number(f.record.value?.toFixed(4))]),
    [
      ["bots", "everything", 0.2857],
      ["bots-unusual", "placement=news", 0.2857],
      ["bots-unusual", "placement=sports", 0.2857],
    ],
  );
  // A rate reads as a percentage in the message (and in webhooks), not as 0.2857 against 0.1.
  assert.equal(out.fired[0]?.record.message, "invalid_rate 28.6 % is > 10 %");
  const quiet = await checkAlerts(store, files, { date: "2026-10-05" });
  assert.equal(quiet.fired.length, 0);
  assert.equal(files.log.filter((l) => l.includes('"type":"check"')).length, 2);
  await store.close();
});
