// `cpi abtest --unit visitor`: tracked events of two creatives, priced by a flat contract (news) and a
// CPC contract (sidebar), compared per visitor — checked against `cpi report` and a hand computation
// of the delta method and Welch's t from per-visitor sums.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { studentTPpf } from "../../src/domain/stats/index.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { inProcessApi } from "../api/harness.js";
import { cpi, tempDir } from "../helpers.js";
import { crossoverEvents, type Visitor, visitorEvents, visitors } from "../visitor-test-data.js";

/** The frequentist relative lift of B over A on ΣM/ΣD, by hand from per-visitor (m, d): delta method, Welch. */
function handLift(a: { m: number; d: number }[], b: { m: number; d: number }[]) {
  const moments = (u: { m: number; d: number }[]) => {
    const n = u.length;
    const sm = u.reduce((s, x) => s + x.m, 0);
    const sd = u.reduce((s, x) => s + x.d, 0);
    const mm = sm / n;
    const md = sd / n;
    const varM = (u.reduce((s, x) => s + x.m * x.m, 0) - (sm * sm) / n) / (n - 1);
    const varD = (u.reduce((s, x) => s + x.d * x.d, 0) - (sd * sd) / n) / (n - 1);
    const cov = (u.reduce((s, x) => s + x.m * x.d, 0) - (sm * sd) / n) / (n - 1);
    return { n, mean: sm / sd, v: varM / md ** 2 + (varD * mm ** 2) / md ** 4 - (2 * cov * mm) / md ** 3 };
  };
  const A = moments(a);
  const B = moments(b);
  const lift = B.mean / A.mean - 1;
  const se = Math.sqrt(B.v / (A.mean ** 2 * B.n) + (A.v * B.mean ** 2) / (A.mean ** 4 * A.n));
  const dof = (B.v / B.n + A.v / A.n) ** 2 / (B.v ** 2 / (B.n ** 2 * (B.n - 1)) + A.v ** 2 / (A.n ** 2 * (A.n - 1)));
  const w = studentTPpf(0.975, dof) * se;
  return { lift, ci: [lift - w, lift + w] as [number, number], valueA: A.mean, valueB: B.mean };
}

function close(got: number, want: number, what: string, rel = 1e-9) {
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
}

/** A store in a new folder holding `events` (by default the two creatives' visitors), and a cpi run on it. */
async function trackedStore(events: TrackedEvent[] = visitorEvents()) {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const store = await DuckDbStore.open(db);
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events });
  await store.close();
  return { dir, db, run: (...argv: string[]) => cpi(dir, ...argv, "--db", db) };
}

/** The flight's contracts: news $27 flat over its impressions, sidebar 0.50 per click (in `sidebarCurrency`). */
async function addContracts(run: (...argv: string[]) => ReturnType<typeof cpi>, sidebarCurrency?: string) {
  assert.equal((await run("contract", "add", "--campaign", "Launch Q4", "--placement", "news", "--flat", "27", "--from", "2026-10-01", "--to", "2026-10-31")).code, 0);
  const currency = sidebarCurrency ? ["--currency", sidebarCurrency] : [];
  assert.equal((await run("contract", "add", "--campaign", "Launch Q4", "--placement", "sidebar", "--cpc", "0.5", ...currency, "--from", "2026-10-01", "--to", "2026-10-31")).code, 0);
}

test("cpi abtest --unit visitor: units are visitors, cost and impressions = cpi report, lift and CI = the per-visitor hand computation", async () => {
  const { db, run } = await trackedStore();
  // news: $27 flat over the flight's 270 news impressions = $0.10 each; sidebar: $0.50 per click.
  await addContracts(run);

  const args = ["abtest", "--campaign", "Launch Q4", "--where", "source=tracked", "--arms", "ad", "--unit", "visitor", "--baseline", "A", "--format", "json"];
  const ctr = await run(...args, "--metric", "ctr");
  assert.equal(ctr.code, 0, ctr.stderr);
  const j = JSON.parse(ctr.stdout);
  const arm = (name: string) => j.arms.find((x: { name: string }) => x.name === name);
  // What a user checks: 60 visitors each; A 135 impressions, 20 clicks, $12 + 8 × $0.50 = $16.00; B 170, 25, $15 + $2.50 = $17.50.
  assert.deepEqual(
    j.arms.map((x: { name: string; units: number; impressions: number; cost: number }) => [x.name, x.units, x.impressions, x.cost]),
    [
      ["A", 60, 135, 16],
      ["B", 60, 170, 17.5],
    ],
  );
  close(arm("A").value, 20 / 135, "CTR A");
  close(arm("B").value, 25 / 170, "CTR B");
  const report = await run("report", "--where", "source=tracked", "--by", "ad", "--metrics", "cost,impressions,clicks,reach", "--format", "json");
  assert.equal(report.code, 0, report.stderr);
  const rows = JSON.parse(report.stdout) as { ad: string; cost: number; impressions: number; reach: number }[];
  for (const r of rows) {
    assert.equal(arm(r.ad).cost, r.cost, `cost of ${r.ad} = cpi report`);
    assert.equal(arm(r.ad).impressions, r.impressions, `impressions of ${r.ad} = cpi report`);
    assert.equal(arm(r.ad).units, r.reach, `units of ${r.ad} = distinct visitors`);
  }

  const vs = visitors();
  const per = (c: string, f: (v: Visitor) => { m: number; d: number }) => vs.filter((v) => v.creative === c).map(f);
  const clicks = (v: Visitor) => ({ m: v.newsClicks + v.sideClicks, d: v.newsImps + v.sideImps });
  const hand = handLift(per("A", clicks), per("B", clicks));
  const c = j.comparisons[0];
  assert.equal(c.arm, "B");
  assert.equal(c.baseline, "A");
  close(c.lift, hand.lift, "CTR lift");
  close(c.lift, 25 / 170 / (20 / 135) - 1, "CTR lift = ratio of the arms' CTRs − 1");
  close(c.ci[0], hand.ci[0], "CI low");
  close(c.ci[1], hand.ci[1], "CI high");
  assert.ok(c.p_value > 0.5, "a 0.7 % CTR difference on 60 visitors is noise");

  // CPI: each visitor's cost is their news impressions × $0.10 plus their sidebar clicks × $0.50.
  const cpiRun = await run(...args, "--metric", "cpi");
  assert.equal(cpiRun.code, 0, cpiRun.stderr);
  const k = JSON.parse(cpiRun.stdout);
  const cost = (v: Visitor) => ({ m: 0.1 * v.newsImps + 0.5 * v.sideClicks, d: v.newsImps + v.sideImps });
  const handCpi = handLift(per("A", cost), per("B", cost));
  close(k.arms[0].value, 16 / 135, "CPI A");
  close(k.arms[1].value, 17.5 / 170, "CPI B");
  close(k.comparisons[0].lift, handCpi.lift, "CPI lift");
  close(k.comparisons[0].ci[0], handCpi.ci[0], "CPI CI low");
  close(k.comparisons[0].ci[1], handCpi.ci[1], "CPI CI high");
  assert.match(k.comparisons[0].verdict, /CPI/);

  // CPM on the flat placement alone: every visitor pays $0.10 an impression, so there is nothing to test.
  const cpm = await run(...args, "--metric", "cpm", "--where", "placement=news");
  assert.equal(cpm.code, 0, cpm.stderr);
  const m = JSON.parse(cpm.stdout);
  assert.deepEqual(
    m.arms.map((x: { value: number; cost: number }) => [Math.round(x.value * 1e9) / 1e9, x.cost]),
    [
      [100, 12],
      [100, 15],
    ],
  );
  assert.equal(m.comparisons[0].lift, null);
  assert.match(cpm.stderr, /same price per impression/);

  const table = await run(...args.slice(0, -2), "--metric", "cpi");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /A\s+60\s+16\.00\s+135\s+0\.11852/);
  assert.match(table.stdout, /B\s+60\s+17\.50\s+170\s+0\.10294/);

  // The API takes the same unit through the same validation.
  const open = await DuckDbStore.open(db);
  try {
    const api = inProcessApi(open);
    const got = await api.call("/api/abtest?campaign=Launch%20Q4&where=source%3Dtracked&arms=ad&unit=visitor&metric=ctr&baseline=A");
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.json, j);
    const spend = await api.call("/api/abtest?campaign=Launch%20Q4&arms=ad&unit=visitor");
    assert.equal(spend.status, 400);
    assert.equal(spend.json.error.code, "bad_unit");
  } finally {
    await open.close();
  }
});

test("cpi abtest --unit visitor refuses what has no visitors or no measure, with exit 2 and the reason", async () => {
  const { dir, db } = await trackedStore();
  for (const [argv, msg] of [
    [["--unit", "visitor"], /only they have visitors: ad platforms report sums per day, ad and placement.*--where source=tracked/],
    [["--unit", "visitor", "--where", "source=tracked,meta"], /only they have visitors/],
    [["--unit", "visitor", "--where", "source=tracked", "--metric", "cpa"], /not conversions .*no conversions or revenue.*use ctr, cpi, cpm or cpc/],
    [["--unit", "visitor", "--where", "source=tracked", "--arms", "ad_group"], /tracked events carry no ad_group: with --unit visitor, --arms can be ad, placement/],
    [["--unit", "fortnight"], /--unit 'fortnight' is not a dimension or grain .* nor visitor/],
  ] as [string[], RegExp][]) {
    const r = await cpi(dir, "abtest", "--campaign", "Launch Q4", ...argv, "--db", db);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, msg, argv.join(" "));
  }
  const help = await cpi(dir, "abtest", "--help");
  assert.match(help.stdout, /--unit visitor/);
});

test("cpi abtest --unit visitor --metric ctr with contracts in two currencies: runs, the arms' cost is null with a note; cpi still needs one currency", async () => {
  const { run } = await trackedStore();
  await addContracts(run, "EUR");
  const args = ["abtest", "--campaign", "Launch Q4", "--where", "source=tracked", "--arms", "ad", "--unit", "visitor", "--baseline", "A", "--format", "json"];
  const ctr = await run(...args, "--metric", "ctr");
  assert.equal(ctr.code, 0, ctr.stderr);
  const j = JSON.parse(ctr.stdout);
  assert.deepEqual(
    j.arms.map((x: { name: string; units: number; impressions: number; cost: number | null }) => [x.name, x.units, x.impressions, x.cost]),
    [
      ["A", 60, 135, null],
      ["B", 60, 170, null],
    ],
  );
  assert.ok(j.warnings.some((w: string) => /^the arms spent in EUR, USD: their cost is left out \(null\)/.test(w)), j.warnings.join("\n"));
  const cpiTest = await run(...args, "--metric", "cpi");
  assert.equal(cpiTest.code, 2);
  assert.match(cpiTest.stderr, /priced by contracts in EUR and USD/);
});

test("cpi abtest --unit visitor drops the few visitors who saw both arms, with a warning, and refuses when many did", async () => {
  // 3 of A's visitors also saw B once: 3 of 120 visitors (2.5 %) are in both arms.
  const { dir, db } = await trackedStore([...visitorEvents(), ...crossoverEvents(3)]);
  const args = ["abtest", "--campaign", "Launch Q4", "--where", "source=tracked", "--arms", "ad", "--unit", "visitor", "--baseline", "A", "--metric", "ctr", "--format", "json", "--db", db];
  const r = await cpi(dir, ...args);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  // A's visitors 0–2 had 1+2+3 news and 1 sidebar impressions (7) and 2 clicks; B loses their 3 crossover impressions.
  assert.deepEqual(
    j.arms.map((x: { name: string; units: number; impressions: number }) => [x.name, x.units, x.impressions]),
    [
      ["A", 57, 128],
      ["B", 60, 170],
    ],
  );
  close(j.arms[0].value, 18 / 128, "CTR A without the shared visitors");
  close(j.arms[1].value, 25 / 170, "CTR B without the shared visitors");
  const shared = new Set(crossoverEvents(3).map((e) => e.visitor));
  const kept = visitors().filter((v) => !shared.has(v.key));
  const clicks = (v: Visitor) => ({ m: v.newsClicks + v.sideClicks, d: v.newsImps + v.sideImps });
  const hand = handLift(kept.filter((v) => v.creative === "A").map(clicks), kept.filter((v) => v.creative === "B").map(clicks));
  close(j.comparisons[0].lift, hand.lift, "lift on the visitors of one arm");
  close(j.comparisons[0].ci[0], hand.ci[0], "CI low");
  close(j.comparisons[0].ci[1], hand.ci[1], "CI high");
  assert.ok(
    j.warnings.some((w: string) => /^3 of 120 visitors \(2\.5 %\) had impressions or clicks in more than one ad; they are dropped from every arm/.test(w)),
    j.warnings.join("\n"),
  );
  assert.match(r.stderr, /3 of 120 visitors/);

  // 10 of 120 (8.3 %) saw both: too many to drop, the test is refused.
  const { dir: dir2, db: db2 } = await trackedStore([...visitorEvents(), ...crossoverEvents(10)]);
  const refused = await cpi(dir2, ...args.slice(0, -1), db2);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /10 of 120 visitors \(8\.3 %\) had impressions or clicks in more than one ad: --unit visitor needs each visitor to see one arm/);
  assert.match(refused.stderr, /--unit day or placement/);
  assert.equal(refused.stdout, "");
});
