// cpi discrepancy: reported vs first-party impressions per campaign × placement × day.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { addContract } from "../../src/app/track/contracts.js";
import { discrepancyReport, findDiscrepancies } from "../../src/app/track/discrepancy.js";
import { blankSpendRow, type SpendRow } from "../../src/domain/spend.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, tempDir } from "../helpers.js";

function spend(p: Partial<SpendRow>): SpendRow {
  return { ...blankSpendRow(), source: "direct", account_id: "pub", currency: "USD", campaign: "Launch Q4", campaign_id: "Launch Q4", date_start: "2026-10-01", date_end: "2026-10-01", ...p };
}

function events(n: number, day: number, placement: string, campaign = "Launch Q4"): TrackedEvent[] {
  return Array.from({ length: n }, (_, i) => ({ ts: Date.UTC(2026, 9, day, 12) + i, type: "impression" as const, impression_id: "", campaign, creative: "", placement, visitor: "0000000000000001", country: "", device: "", measurable: false, reason: "" as const }));
}

test("gaps beyond the tolerance are flagged; ranged and placement-less reported rows compare with what they cover", async () => {
  const store = await DuckDbStore.open(":memory:");
  await store.importSpend([
    {
      file: "pub.csv",
      contentHash: "x",
      format: "test",
      reach: [],
      rows: [
        spend({ placement: "news", impressions: 1000 }), // tracked 950: −5 %, ok
        spend({ placement: "news", date_start: "2026-10-02", date_end: "2026-10-02", impressions: 1000 }), // tracked 800: −20 %
        spend({ placement: "sports", date_start: "2026-10-01", date_end: "2026-10-03", impressions: 300 }), // range: tracked 100+100+150
        spend({ placement: "", campaign: "Other", campaign_id: "Other", impressions: 500 }), // any placement: 200 + 300
        spend({ placement: "news", campaign: "Untracked", campaign_id: "Untracked", impressions: 77 }), // never tracked: left out
        spend({ placement: "blog", date_start: "2026-10-03", date_end: "2026-10-03", impressions: 40 }), // nothing tracked
      ],
    },
  ]);
  await store.appendTrackedEvents({
    logId: "t",
    from: 0,
    to: 1,
    events: [
      ...events(950, 1, "news"),
      ...events(800, 2, "news"),
      ...events(60, 3, "news"),
      ...events(100, 1, "sports"),
      ...events(100, 2, "sports"),
      ...events(150, 3, "sports"),
      ...events(200, 1, "a", "Other"),
      ...events(300, 1, "b", "Other"),
    ],
  });
  const rows = await findDiscrepancies(store, { tolerance: 0.1, filters: [] });
  const view = rows.map((r) => [r.campaign, r.placement, r.day, r.reported, r.tracked, r.status]);
  assert.deepEqual(view, [
    ["Launch Q4", "blog", "2026-10-03", 40, 0, "not_tracked"],
    ["Launch Q4", "news", "2026-10-01", 1000, 950, "ok"],
    ["Launch Q4", "news", "2026-10-02", 1000, 800, "under"],
    ["Launch Q4", "news", "2026-10-03", 0, 60, "not_reported"],
    ["Launch Q4", "sports", "2026-10-01..2026-10-03", 300, 350, "over"],
    ["Other", "", "2026-10-01", 500, 500, "ok"],
  ]);
  assert.equal(rows[2]?.gap, -0.2);
  const loose = await findDiscrepancies(store, { tolerance: 0.25, filters: [{ dimension: "placement", op: "eq", values: ["news"] }] });
  assert.deepEqual(
    loose.map((r) => r.status),
    ["ok", "ok", "not_reported"],
  );
  await store.close();
});

test("cpi discrepancy on a store in several currencies (spend in USD and EUR, contracts in both): impressions are compared, no currency needed", async () => {
  const dir = tempDir();
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  await store.importSpend([
    {
      file: "pub.csv",
      contentHash: "y",
      format: "test",
      reach: [],
      rows: [
        spend({ placement: "news", impressions: 1000, cost: 5_000_000n }), // USD; tracked 950
        spend({ source: "meta", account_id: "m", campaign: "Euro", campaign_id: "Euro", placement: "feed", currency: "EUR", impressions: 2000, cost: 8_000_000n }), // tracked 1,500
      ],
    },
  ]);
  await addContract(store, { campaign: "Launch Q4", placement: "news", cpm: "5", currency: "USD", from: "2026-10-01", to: "2026-10-31" });
  await addContract(store, { campaign: "Euro", placement: "feed", cpm: "4", currency: "EUR", from: "2026-10-01", to: "2026-10-31" });
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events: [...events(950, 1, "news"), ...events(1500, 1, "feed", "Euro")] });
  await store.close();
  const r = await cpi(dir, "discrepancy", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { campaign: string; placement: string; day: string; reported: number; tracked: number; gap: number; status: string }[];
  assert.deepEqual(
    rows.map((x) => [x.campaign, x.placement, x.day, x.reported, x.tracked, x.gap, x.status]),
    [
      ["Euro", "feed", "2026-10-01", 2000, 1500, -0.25, "under"],
      ["Launch Q4", "news", "2026-10-01", 1000, 950, -0.05, "ok"],
    ],
  );
  const table = await cpi(dir, "discrepancy", "--flagged");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /Euro +feed +2026-10-01 +2,000 +1,500 +-25\.0 % +tracked < reported/);
  assert.match(table.stderr, /1 of 1 row beyond ±10 %/);
});

test("a platform's placement-less total beside a publisher's placement rows: each tracked impression counts once; --where source=direct leaves the platform's placements out", async () => {
  const dir = tempDir();
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  await store.importSpend([
    {
      file: "mixed.csv",
      contentHash: "z",
      format: "test",
      reach: [],
      rows: [
        spend({ campaign: "Mixed", campaign_id: "Mixed", placement: "news", impressions: 1000 }), // the publisher: tracked 980
        spend({ source: "google_ads", account_id: "g", campaign: "Mixed", campaign_id: "Mixed", placement: "", impressions: 400 }), // the platform's total: tracked gdn 390
      ],
    },
  ]);
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events: [...events(980, 1, "news", "Mixed"), ...events(390, 1, "gdn", "Mixed")] });
  const rows = await findDiscrepancies(store, { tolerance: 0.1, filters: [] });
  assert.deepEqual(
    rows.map((r) => [r.placement, r.reported, r.tracked, r.status]),
    [
      ["", 400, 390, "ok"],
      ["news", 1000, 980, "ok"],
    ],
  );
  assert.equal(
    rows.reduce((n, r) => n + r.tracked, 0),
    980 + 390,
    "no tracked impression is counted for two rows",
  );
  await store.close();
  const direct = await cpi(dir, "discrepancy", "--where", "source=direct", "--format", "json");
  assert.equal(direct.code, 0, direct.stderr);
  assert.deepEqual(
    (JSON.parse(direct.stdout) as { placement: string; status: string }[]).map((r) => [r.placement, r.status]),
    [["news", "ok"]],
    "gdn is bought through the platform: not 'not reported' by the publisher",
  );
  const all = await cpi(dir, "discrepancy", "--format", "json");
  assert.deepEqual(
    (JSON.parse(all.stdout) as { placement: string; tracked: number }[]).map((r) => [r.placement, r.tracked]),
    [
      ["", 390],
      ["news", 980],
    ],
  );
});

test("days before a campaign's tracking began are not compared; a tag that broke before the window is 'not tracked' all through it", async () => {
  const dir = tempDir();
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  const daily = (campaign: string, days: number[]) =>
    days.map((d) => spend({ campaign, campaign_id: campaign, placement: "news", date_start: `2026-10-0${d}`, date_end: `2026-10-0${d}`, impressions: 100 }));
  await store.importSpend([
    {
      file: "pub.csv",
      contentHash: "late",
      format: "test",
      reach: [],
      rows: [
        ...daily("Late tag", [1, 2, 3, 4, 5]), // tracked from Oct 3
        ...daily("Broken tag", [1, 2]), // tracked on Sep 20 only
        ...daily("Future tag", [1]), // tracked only after the window
      ],
    },
  ]);
  await store.appendTrackedEvents({
    logId: "t",
    from: 0,
    to: 1,
    events: [...events(95, 3, "news", "Late tag"), ...events(100, 5, "news", "Late tag"), ...events(100, -10, "news", "Broken tag"), ...events(100, 20, "news", "Future tag")],
  });
  const report = await discrepancyReport(store, { tolerance: 0.1, filters: [], from: "2026-10-01", to: "2026-10-05" });
  assert.deepEqual(
    report.rows.map((r) => [r.campaign, r.day, r.reported, r.tracked, r.status]),
    [
      ["Broken tag", "2026-10-01", 100, 0, "not_tracked"],
      ["Broken tag", "2026-10-02", 100, 0, "not_tracked"],
      ["Late tag", "2026-10-03", 100, 95, "ok"],
      ["Late tag", "2026-10-04", 100, 0, "not_tracked"],
      ["Late tag", "2026-10-05", 100, 100, "ok"],
    ],
  );
  assert.equal(report.beforeTracking, 2, "Late tag's Oct 1 and 2");
  await store.close();
  const table = await cpi(dir, "discrepancy", "--from", "2026-10-01", "--to", "2026-10-05");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stderr, /3 of 5 rows beyond ±10 %; 2 reported rows before the campaign's tracking began not compared/);
});
