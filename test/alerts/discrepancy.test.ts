// The tracked-vs-reported discrepancy as an alert metric: a threshold on the gap's size and an anomaly
// of the signed gap, per campaign × placement and day, on a store whose reported side is in two
// currencies; the numbers in the check, the webhook and /api/alerts; kinds that refuse it.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { hostStore, openAlertFiles } from "../../src/cli/compose.js";
import { median, sameWeekdayHistory } from "../../src/domain/anomaly/index.js";
import { addDays } from "../../src/domain/dates.js";
import { blankSpendRow, type SpendRow } from "../../src/domain/spend.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { inProcessApi } from "../api/harness.js";
import { cpi, tempDir } from "../helpers.js";
import { type Receiver, startReceiver } from "./receivers.js";

const FIRST = "2026-09-05";
const DAYS = 34; // 2026-09-05 … 2026-10-08, reported and tracked
const GAP_DAY = "2026-10-04"; // tracked 700 of 1,000 reported on news: −30 %
const UNREPORTED = "2026-10-09"; // tracked only: the publisher's report for it is not imported yet

/** The usual gap on news: about −3 % (−2 % … −4 %). */
const usualGap = (d: number) => -0.03 + 0.01 * Math.sin(d * 1.3);
const newsTracked = (d: number) => (addDays(FIRST, d) === GAP_DAY ? 700 : Math.round(1000 * (1 + usualGap(d))));

type Fired = {
  rule: string;
  kind: string;
  metric: string;
  scope: Record<string, string>;
  scope_label: string;
  since: string;
  value: number;
  baseline: number;
  score: number | null;
  threshold: number;
  direction: string;
  reported: number;
  tracked: number;
  gap: number;
  message: string;
};
type CheckOut = { day: string; fired: Fired[]; skipped: { rule: string; scope: string; reason: string; message: string }[]; errors: unknown[] };

let dir = "";
let store: DuckDbStore;
let receiver: Receiver;

function spend(day: string, p: Partial<SpendRow>): SpendRow {
  return { ...blankSpendRow(), date_start: day, date_end: day, campaign: "Launch Q4", campaign_id: "Launch Q4", ...p };
}

function events(day: string, n: number, placement: string, reason: TrackedEvent["reason"] = ""): TrackedEvent[] {
  const t = Date.parse(`${day}T12:00:00Z`);
  return Array.from({ length: n }, (_, i) => ({ ts: t + i, type: "impression" as const, impression_id: "", campaign: "Launch Q4", creative: "A", placement, visitor: "0000000000000001", country: "", device: "", measurable: false, reason }));
}

async function check(...args: string[]): Promise<{ code: number; out: CheckOut; stdout: string; stderr: string }> {
  const r = await cpi(dir, "alerts", "check", "--format", "json", "--backoff", "0", ...args);
  return { code: r.code, out: JSON.parse(r.stdout || "{}"), stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  store = await DuckDbStore.open(db);
  hostStore(db, store);
  // news is a direct buy reported in USD; sports comes through meta in EUR (−5 % every day: within ±10 %).
  const rows: SpendRow[] = [];
  const tracked: TrackedEvent[] = [];
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(FIRST, d);
    rows.push(spend(day, { source: "direct", account_id: "pub", currency: "USD", placement: "news", impressions: 1000, cost: 5_000_000n }));
    rows.push(spend(day, { source: "meta", account_id: "m", currency: "EUR", placement: "sports", impressions: 500, cost: 2_000_000n }));
    // Invalid traffic is kept apart from the counted impressions: 300 bots on the gap day, 10 otherwise.
    tracked.push(...events(day, newsTracked(d), "news"), ...events(day, 475, "sports"), ...events(day, day === GAP_DAY ? 300 : 10, "news", "bot_user_agent"));
  }
  tracked.push(...events(UNREPORTED, 990, "news"));
  await store.importSpend([{ file: "reported.csv", contentHash: "r", format: "test", reach: [], rows }]);
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events: tracked });
  const add = await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "discrepancy", "--above", "0.1", "--by", "campaign,placement", "--id", "tag-gap");
  assert.equal(add.code, 0, add.stderr);
  const anomaly = await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "discrepancy", "--by", "placement", "--min-impressions", "100", "--id", "gap-unusual");
  assert.equal(anomaly.code, 0, anomaly.stderr);
  receiver = await startReceiver([200]);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", receiver.url, "--name", "ops")).code, 0);
});

after(async () => {
  await receiver?.close();
  await store?.close();
});

test("a threshold of 0.1 on the discrepancy fires only on the day tracking counted 30 % fewer impressions, with the numbers behind it", async () => {
  for (let d = DAYS - 10; d < DAYS; d++) {
    const day = addDays(FIRST, d);
    const r = await check("--date", day, "--dry-run");
    assert.equal(r.code, 0, r.stderr);
    const fired = r.out.fired.map((f) => `${f.rule} ${f.scope_label}`);
    assert.deepEqual(fired, day === GAP_DAY ? ["tag-gap campaign=Launch Q4, placement=news", "gap-unusual placement=news"] : [], day);
  }
  const r = await check("--date", GAP_DAY, "--dry-run");
  const f = r.out.fired[0] as Fired;
  assert.equal(f.kind, "threshold");
  assert.equal(f.metric, "discrepancy");
  assert.deepEqual(f.scope, { campaign: "Launch Q4", placement: "news" });
  assert.equal(f.reported, 1000);
  assert.equal(f.tracked, 700);
  assert.equal(f.gap, -0.3);
  assert.equal(f.value, -0.3);
  assert.equal(f.threshold, 0.1);
  assert.equal(f.direction, "down", "tracked fewer than reported");
  assert.equal(f.since, GAP_DAY);
  assert.equal(f.message, "tracked 700 vs reported 1,000 impressions: a gap of -30.0 %, beyond the tolerance of ±10.0 %");

  // The anomaly: −30 % against a usual gap of about −3 % on the same weekday.
  const g = r.out.fired[1] as Fired;
  const gaps = Array.from({ length: DAYS }, (_, d) => (newsTracked(d) - 1000) / 1000);
  const usual = median(sameWeekdayHistory(gaps, DAYS - 5, 8));
  assert.ok(usual > -0.04 && usual < -0.02, `usual gap ${usual}`);
  assert.equal(g.value, -0.3);
  assert.ok(Math.abs(g.baseline - usual) < 0.005, `expected gap ${g.baseline} near the same weekdays' ${usual}`);
  assert.equal(g.direction, "down");
  assert.ok((g.score ?? 0) <= -4, `score ${g.score}`);
  assert.equal(g.reported, 1000);
  assert.equal(g.tracked, 700);
  assert.match(g.message, new RegExp(`^tracked 700 vs reported 1,000 impressions: a gap of -30\\.0 % against a usual ${(g.baseline * 100).toFixed(1)} %: \\d+\\.\\d robust standard deviations below$`));

  // The table: today's gap, the limit either way; sports (−5 %) stays quiet.
  const table = await cpi(dir, "alerts", "check", "--date", GAP_DAY, "--dry-run", "--all");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /tag-gap +campaign=Launch Q4, placement=news +threshold +discrepancy +-30\.0 % +±10\.0 % +\+200\.0 % vs limit +2026-10-04/);
  assert.match(table.stdout, /tag-gap · campaign=Launch Q4, placement=news: tracked 700 vs reported 1,000 impressions: a gap of -30\.0 %, beyond the tolerance of ±10\.0 %/);
  assert.match(table.stdout, /tag-gap +campaign=Launch Q4, placement=sports +-5\.0 % +±10\.0 % +-50\.0 % vs limit +quiet: tracked 475 vs reported 500 impressions: a gap of -5\.0 %, within the tolerance of ±10\.0 %/);

  // A day tracked but not reported yet is not a −100 % gap: it is skipped until the report is imported.
  const late = await check("--date", UNREPORTED, "--dry-run");
  assert.deepEqual(late.out.fired, []);
  assert.ok(late.out.skipped.some((s) => s.rule === "tag-gap" && s.scope === "campaign=Launch Q4, placement=news" && /nothing reported for this day yet \(tracked 990\)/.test(s.message)));
});

test("the alert is posted with reported, tracked and gap, and /api/alerts lists it like any alert", async () => {
  const r = await check("--date", GAP_DAY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(receiver.bodies.length, 2, "both rules' alerts posted");
  const body = receiver.bodies.find((b) => (b as { alert: { rule: string } }).alert.rule === "tag-gap") as { text: string; alert: Record<string, unknown> };
  assert.equal(body.text, "cpi alert: tracked-vs-reported gap past its limit for campaign=Launch Q4, placement=news on 2026-10-04 — tracked 700 vs reported 1,000 impressions: a gap of -30.0 %, beyond the tolerance of ±10.0 % [rule tag-gap]");
  assert.equal(body.alert.metric, "discrepancy");
  assert.equal(body.alert.reported, 1000);
  assert.equal(body.alert.tracked, 700);
  assert.equal(body.alert.gap, -0.3);
  assert.equal(body.alert.threshold, 0.1);

  const api = inProcessApi(store, "127.0.0.1", { alerts: openAlertFiles(join(dir, "cpi.alerts.json")) });
  const active = await api.call("/api/alerts");
  assert.equal(active.status, 200, active.text);
  assert.equal(active.json.day, GAP_DAY);
  const listed = active.json.alerts.find((a: { rule: string }) => a.rule === "tag-gap");
  assert.deepEqual(
    { scope_label: listed.scope_label, reported: listed.reported, tracked: listed.tracked, gap: listed.gap, threshold: listed.threshold, since: listed.since },
    { scope_label: "campaign=Launch Q4, placement=news", reported: 1000, tracked: 700, gap: -0.3, threshold: 0.1, since: GAP_DAY },
  );
  assert.equal(listed.deliveries.length, 1);
  assert.deepEqual({ ...listed.deliveries[0], sent_at: null }, { webhook: "ops", notice: "alert", state: "sent", attempts: 1, last_error: null, sent_at: null });
  const rules = await api.call("/api/alerts/rules");
  assert.deepEqual(
    rules.json.rules.map((x: { id: string; metric: string }) => [x.id, x.metric]),
    [
      ["tag-gap", "discrepancy"],
      ["gap-unusual", "discrepancy"],
    ],
  );
  // The next day the gap is back to about −3 %: nothing fires; each alert's "back to normal" is sent once.
  const next = await check("--date", addDays(GAP_DAY, 1));
  assert.deepEqual(next.out.fired, []);
  assert.equal(receiver.bodies.length, 4);
  const back = receiver.bodies.slice(2) as { type: string; text: string; alert: { rule: string }; resolved: { day: string; last_day: string } }[];
  assert.deepEqual(back.map((b) => [b.type, b.alert.rule, b.resolved.day, b.resolved.last_day]).sort(), [
    ["cpi.resolved", "gap-unusual", addDays(GAP_DAY, 1), GAP_DAY],
    ["cpi.resolved", "tag-gap", addDays(GAP_DAY, 1), GAP_DAY],
  ]);
  assert.match(back.find((b) => b.alert.rule === "tag-gap")?.text ?? "", /^cpi: back to normal — tracked-vs-reported gap past its limit for campaign=Launch Q4, placement=news \(2026-10-04\), normal again on 2026-10-05: tracked \d/);
  assert.equal((await check("--date", addDays(GAP_DAY, 2))).code, 0);
  assert.equal(receiver.bodies.length, 4, "nothing more: each notice once");
  assert.deepEqual((await api.call("/api/alerts")).json.alerts, []);
});

test("cpi alerts add refuses the discrepancy for zero-delivery and pacing rules, other dimensions and a currency (exit 2, rules file untouched); 10% is 0.1", async () => {
  const file = join(dir, "cpi.alerts.json");
  const before = readFileSync(file, "utf8");
  const refusals: [string[], RegExp][] = [
    [["--kind", "zero-delivery", "--metric", "discrepancy"], /^error: --metric: the tracked-vs-reported discrepancy works with threshold and anomaly rules, not with a zero-delivery rule/],
    [["--kind", "pacing", "--metric", "discrepancy", "--budget", "5000", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-31"], /--metric: the tracked-vs-reported discrepancy works with threshold and anomaly rules, not with a pacing rule/],
    [["--kind", "threshold", "--metric", "discrepancy", "--above", "0.1", "--by", "country"], /--by: the discrepancy is compared per campaign and placement \(as 'cpi discrepancy'\), not per country/],
    [["--kind", "threshold", "--metric", "discrepancy", "--above", "0.1", "--currency", "USD"], /--currency: the discrepancy compares impressions: it needs no currency/],
    [["--kind", "anomaly", "--metric", "discrepancy", "--where", "source=tracked"], /--where: filters the reported side, which cannot be the tracked source itself/],
  ];
  for (const [args, message] of refusals) {
    const r = await cpi(dir, "alerts", "add", ...args, "--id", "refused");
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.equal(readFileSync(file, "utf8"), before, `${args.join(" ")}: the rules file is unchanged`);
  }
  const fresh = tempDir();
  const r = await cpi(fresh, "alerts", "add", "--kind", "zero-delivery", "--metric", "discrepancy");
  assert.equal(r.code, 2);
  assert.equal(existsSync(join(fresh, "cpi.alerts.json")), false, "no rules file is created");
  const pct = await cpi(fresh, "alerts", "add", "--kind", "threshold", "--metric", "discrepancy", "--above", "10%", "--where", "source=direct", "--format", "json");
  assert.equal(pct.code, 0, pct.stderr);
  assert.deepEqual(JSON.parse(pct.stdout), { id: "threshold-discrepancy", kind: "threshold", where: ["source=direct"], by: [], metric: "discrepancy", operator: ">", value: 0.1, min_impressions: 0 });
  const list = await cpi(fresh, "alerts", "list");
  assert.match(list.stdout, /threshold-discrepancy +threshold +source=direct +— +\|tracked − reported\| ÷ reported > 10\.0 %/);
});

test("invalid_rate is an alert metric on the same store (reported side in USD and EUR): 300 bots of 1,000 requests fire, 10 of about 980 do not", async () => {
  const config = ["--config", "ivt.alerts.json"];
  const add = await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "invalid_rate", "--above", "10%", "--by", "placement", "--id", "bots", ...config);
  assert.equal(add.code, 0, add.stderr);
  for (const day of [addDays(GAP_DAY, -1), GAP_DAY, addDays(GAP_DAY, 1)]) {
    const r = await check("--date", day, "--dry-run", ...config);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.out.fired.map((f) => [f.rule, f.scope_label, f.value, f.threshold]),
      day === GAP_DAY ? [["bots", "placement=news", 0.3, 0.1]] : [],
      day,
    );
  }
});
