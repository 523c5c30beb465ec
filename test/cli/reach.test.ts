import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { reachReport } from "../../src/app/planning/index.js";
import { blankSpendRow } from "../../src/domain/spend.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, ROOT, tempDir } from "../helpers.js";

function ev(ts: number, visitor: number, placement = "news"): TrackedEvent {
  return { ts, type: "impression", impression_id: "", campaign: "Launch Q4", creative: "A", placement, visitor: visitor.toString(16).padStart(16, "0"), country: "", device: "desktop", measurable: true, reason: "" };
}

test("reach: exact unique visitors, frequency distribution, k+ reach, platform reach kept apart, Sainsbury across channels", async () => {
  const store = await DuckDbStore.open(":memory:");
  const day = Date.UTC(2026, 9, 5, 12);
  // Visitor 1 sees 1 impression, visitor 2 sees 2, visitor 3 sees 12; visitor 4 one on another placement.
  const events = [ev(day, 1), ev(day, 2), ev(day + 1000, 2), ...Array.from({ length: 12 }, (_, i) => ev(day + i, 3)), ev(day, 4, "sidebar")];
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events });
  const row = { ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-31", source: "meta", account_id: "m", currency: "EUR", campaign: "Prospecting", campaign_id: "p", impressions: 9000, cost: 90_000_000n };
  await store.importSpend([
    {
      file: "meta.csv",
      contentHash: "x",
      format: "meta",
      rows: [row],
      reach: [{ source: "meta", account_id: "m", level: "campaign", campaign: "Prospecting", ad_group: "", ad: "", date_start: "2026-10-01", date_end: "2026-10-31", reach: 3000, impressions: 9000, frequency: 3 }],
    },
  ]);
  const r = await reachReport(store, { by: ["campaign"], filters: [], audience: 10_000 });
  assert.equal(r.tracked.length, 1);
  const t = r.tracked[0];
  assert.equal(t?.reach, 4);
  assert.equal(t?.impressions, 16);
  assert.equal(t?.average_frequency, 4);
  assert.deepEqual(t?.k_plus, { "1+": 4, "2+": 2, "3+": 1, "5+": 1, "10+": 1 });
  assert.deepEqual(
    t?.frequency.filter((b) => b.people > 0).map((b) => [b.label, b.people]),
    [
      ["1", 2],
      ["2", 1],
      ["10+", 1],
    ],
  );
  assert.equal(r.errorBound.relativeStandardError, 0);
  assert.deepEqual(
    r.platform.map((p) => [p.source, p.level, p.campaign, p.reach, p.from, p.to]),
    [["meta", "campaign", "Prospecting", 3000, "2026-10-01", "2026-10-31"]],
  );
  // Sainsbury: N·(1 − (1 − 4/N)(1 − 3000/N)) with N = 10,000; range from the largest channel to the sum.
  const N = 10_000;
  assert.ok(Math.abs((r.combined?.estimate ?? 0) - N * (1 - (1 - 4 / N) * (1 - 3000 / N))) < 1e-6);
  assert.equal(r.combined?.low, 3000);
  assert.equal(r.combined?.high, 3004);
  const byPlacement = await reachReport(store, { by: ["placement"], filters: [] });
  assert.deepEqual(
    byPlacement.tracked.map((x) => [x.keys[0], x.reach]),
    [
      ["news", 3],
      ["sidebar", 1],
    ],
  );
  await store.close();
});

test("reach across tracked rows is counted, not estimated: one visitor in two campaigns is one person in the cross-channel figure", async () => {
  const store = await DuckDbStore.open(":memory:");
  const day = Date.UTC(2026, 9, 5, 12);
  const brand = (visitor: number): TrackedEvent => ({ ...ev(day, visitor), campaign: "Brand" });
  // Launch Q4 reaches visitors 1, 2, 3; Brand reaches 1 (again) and 4: 4 people, not 3 + 2 = 5.
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events: [ev(day, 1), ev(day, 2), ev(day, 3), brand(1), brand(4)] });
  const row = { ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-31", source: "meta", account_id: "m", currency: "EUR", campaign: "Prospecting", campaign_id: "p", impressions: 9000, cost: 90_000_000n };
  await store.importSpend([
    {
      file: "meta.csv",
      contentHash: "x",
      format: "meta",
      rows: [row],
      reach: [{ source: "meta", account_id: "m", level: "campaign", campaign: "Prospecting", ad_group: "", ad: "", date_start: "2026-10-01", date_end: "2026-10-31", reach: 3000, impressions: 9000, frequency: 3 }],
    },
  ]);
  const r = await reachReport(store, { by: ["campaign"], filters: [], audience: 10_000 });
  assert.deepEqual(
    r.tracked.map((t) => [t.keys[0], t.reach]),
    [
      ["Brand", 2],
      ["Launch Q4", 3],
    ],
  );
  assert.equal(r.trackedTotal, 4);
  // Two channels: tracked (4 people, exact) and meta (3,000): N·(1 − (1 − 4/N)(1 − 3000/N)), range 3,000 … 3,004.
  const N = 10_000;
  assert.ok(Math.abs((r.combined?.estimate ?? 0) - N * (1 - (1 - 4 / N) * (1 - 3000 / N))) < 1e-6);
  assert.equal(r.combined?.low, 3000);
  assert.equal(r.combined?.high, 3004);
  assert.equal(r.combined?.plainSum, 3004);
  // A measured overlap names the tracked side "tracked".
  const withOverlap = await reachReport(store, { by: ["campaign"], filters: [], audience: 10_000, overlaps: [{ a: "tracked", b: "meta campaign Prospecting", both: 1 }] });
  assert.equal(withOverlap.combined?.estimate, 3003);
  await store.close();
});

test("reach: a platform's account-level figure stands for its campaigns, never combined with them (issue 20.1)", async () => {
  // The CLI repro: Meta's total row (account reach 2,500) and its two ad sets (1,500 and 1,100).
  const dir = tempDir();
  assert.equal((await cpi(dir, "import", join(ROOT, "test/fixtures/ingest/meta-title-case.csv"))).code, 0);
  const one = await cpi(dir, "reach", "--audience", "1000000", "--where", "source=meta");
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /Across channels: ≈ 2,500 people \(single-channel\); honest range 2,500 … 2,500/);
  const json = JSON.parse((await cpi(dir, "reach", "--audience", "1000000", "--where", "source=meta", "--format", "json")).stdout);
  assert.deepEqual([json.combined.estimate, json.combined.low, json.combined.high], [2500, 2500, 2500]);

  // Meta account 800,000 (campaigns 550,000 and 430,000 inside it) and LinkedIn 200,000 of 1,000,000 people:
  // 1,000,000 · (1 − 0.2 · 0.8) = 840,000, not 958,960 (the campaigns combined as two more audiences).
  const store = await DuckDbStore.open(":memory:");
  const figure = (source: string, level: "account" | "campaign", campaign: string, reach: number) => ({ source, account_id: source, level, campaign, ad_group: "", ad: "", date_start: "2026-10-01", date_end: "2026-10-31", reach, impressions: reach * 2, frequency: 2 });
  const row = (source: string, campaign: string) => ({ ...blankSpendRow(), date_start: "2026-10-01", date_end: "2026-10-31", source, account_id: source, currency: "EUR", campaign, campaign_id: campaign, impressions: 1000, cost: 10_000_000n });
  await store.importSpend([
    { file: "meta.csv", contentHash: "m", format: "meta", rows: [row("meta", "A"), row("meta", "B")], reach: [figure("meta", "account", "", 800_000), figure("meta", "campaign", "A", 550_000), figure("meta", "campaign", "B", 430_000)] },
    { file: "linkedin.csv", contentHash: "l", format: "linkedin", rows: [row("linkedin", "L")], reach: [figure("linkedin", "campaign", "L", 200_000)] },
  ]);
  const both = await reachReport(store, { by: ["campaign"], filters: [{ dimension: "source", op: "eq", values: ["meta", "linkedin"] }], audience: 1_000_000 });
  assert.ok(Math.abs((both.combined?.estimate ?? 0) - 840_000) < 1e-6, String(both.combined?.estimate));
  assert.deepEqual([both.combined?.low, both.combined?.high], [800_000, 1_000_000]);
  // Meta alone: its account-level reach, not a range from its largest campaign to the sum of them.
  const meta = await reachReport(store, { by: ["campaign"], filters: [{ dimension: "source", op: "eq", values: ["meta"] }], audience: 1_000_000 });
  assert.deepEqual([meta.combined?.estimate, meta.combined?.low, meta.combined?.high], [800_000, 800_000, 800_000]);
  await store.close();
});

const REAL_META = join(ROOT, "../shared/fixtures/exports/meta__meta-ads-report-generator__rmoda-studio-bsd-bulan-ini-main-report.csv");

test("reach on a real Meta export: the account-level 328,426 the file states, not the range 328,426 … 742,449 (issue 20.1)", { skip: !existsSync(REAL_META) && "../shared/fixtures/exports is absent" }, async () => {
  const dir = tempDir();
  assert.equal((await cpi(dir, "import", REAL_META)).code, 0);
  const r = JSON.parse((await cpi(dir, "reach", "--where", "source=meta", "--format", "json")).stdout);
  assert.equal(r.platform.find((p: { level: string }) => p.level === "account")?.reach, 328_426);
  assert.deepEqual([r.combined.estimate, r.combined.low, r.combined.high], [328_426, 328_426, 328_426]);
});
