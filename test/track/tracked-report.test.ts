// Tracked events as a report source: counts, contract costs (flat, CPM, CPC), viewability, reach,
// invalid rate, time zones — checked against a naive aggregation of the same events.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runReport } from "../../src/app/report.js";
import { addContract } from "../../src/app/track/contracts.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, tempDir } from "../helpers.js";

function ev(p: Partial<TrackedEvent> & { ts: number }): TrackedEvent {
  return { type: "impression", impression_id: "", campaign: "Launch Q4", creative: "A", placement: "news", visitor: "0000000000000001", country: "", device: "desktop", measurable: true, reason: "", ...p };
}

async function storeWith(events: TrackedEvent[]) {
  const store = await DuckDbStore.open(":memory:");
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events });
  return store;
}

const tracked = [{ dimension: "source" as const, op: "eq" as const, values: ["tracked"] }];

test("the seed: a $5,000 flat buy over 500,000 counted impressions costs $0.01 each (CPM $10.00)", async () => {
  const t0 = Date.UTC(2026, 9, 1, 12);
  const events: TrackedEvent[] = [];
  for (let i = 0; i < 500_000; i++) events.push(ev({ ts: t0 + (i % 20) * 86_400_000, visitor: (i % 1000).toString(16).padStart(16, "0"), measurable: i % 2 === 0 }));
  for (let i = 0; i < 200_000; i++) events.push(ev({ ts: t0 + (i % 20) * 86_400_000, type: "viewable", measurable: false }));
  events.push(ev({ ts: t0, reason: "bot_user_agent" }), ev({ ts: t0, reason: "duplicate_id" }));
  const store = await storeWith(events);
  await addContract(store, { campaign: "Launch Q4", placement: "news", flat: "5000", from: "2026-10-01", to: "2026-10-31" });
  const r = await runReport(store, { metrics: ["cost", "impressions", "cpi", "cpm", "viewable_rate", "vcpm", "reach", "cpmr", "invalid_rate"], dimensions: ["campaign", "placement"], filters: tracked });
  assert.equal(r.rows.length, 1);
  const v = r.rows[0]?.values ?? {};
  assert.equal(v.cost, 5000);
  assert.equal(v.impressions, 500_000);
  assert.equal(v.cpi, 0.01);
  assert.equal(v.cpm, 10);
  assert.equal(v.viewable_rate, 200_000 / 250_000);
  assert.equal(v.vcpm, 25);
  // approx_count_distinct is a sketch (DuckDB's HLL errs by ~10 %): within 25 % of the 1000 visitors.
  assert.ok(Math.abs((v.reach as number) - 1000) < 250, `reach ${v.reach}`);
  assert.equal(v.cpmr, (1000 * 5000) / (v.reach as number));
  assert.equal(v.invalid_rate, 2 / 500_002);
  assert.equal(r.currency, "USD");
  // Half the flight's days hold half the impressions and so half the flat fee.
  const half = await runReport(store, { metrics: ["cost", "impressions", "cpi"], dimensions: [], filters: tracked, from: "2026-10-01", to: "2026-10-10" });
  assert.equal(half.total?.values.cost, 2500);
  assert.equal(half.total?.values.cpi, 0.01);
  await store.close();
});

test("CPM and CPC contracts, events outside any flight, and reported rows are never added in silently", async () => {
  const t = Date.UTC(2026, 10, 3, 10);
  const events = [
    ...Array.from({ length: 3000 }, (_, i) => ev({ ts: t, campaign: "C", placement: "p1", visitor: i.toString(16).padStart(16, "0") })),
    ...Array.from({ length: 40 }, () => ev({ ts: t, campaign: "C", placement: "p1", type: "click" })),
    ...Array.from({ length: 10 }, () => ev({ ts: Date.UTC(2026, 11, 3), campaign: "C", placement: "p1" })),
  ];
  const store = await storeWith(events);
  await addContract(store, { campaign: "C", placement: "p1", cpm: "12.5", currency: "eur", from: "2026-11-01", to: "2026-11-30" });
  const r = await runReport(store, { metrics: ["cost", "impressions", "clicks", "cpm", "cpc"], dimensions: ["month"], filters: tracked });
  assert.deepEqual(
    r.rows.map((x) => [x.keys[0], x.values.cost, x.values.impressions]),
    [
      ["2026-11-01", 37.5, 3000],
      ["2026-12-01", 0, 10],
    ],
  );
  assert.equal(r.currency, "EUR");
  await assert.rejects(addContract(store, { campaign: "C", cpc: "0.5", from: "2026-11-30", to: "2026-12-31" }), /already prices this flight/);
  await addContract(store, { campaign: "C", cpc: "0.5", currency: "EUR", from: "2026-12-01", to: "2026-12-31" });
  const all = await runReport(store, { metrics: ["cost", "impressions"], dimensions: [], filters: [] });
  assert.equal(all.total?.values.impressions, 0, "without source=tracked, tracked events stay out");
  await store.close();
});

test("days and grains of tracked events are taken in the query's time zone", async () => {
  // 2026-03-08 03:30 UTC is still March 7th in New York (and the DST switch happens that day).
  const store = await storeWith([ev({ ts: Date.UTC(2026, 2, 8, 3, 30) }), ev({ ts: Date.UTC(2026, 2, 8, 12) }), ev({ ts: Date.UTC(2026, 2, 9, 3, 59) })]);
  const days = async (timezone?: string) =>
    (await runReport(store, { metrics: ["impressions"], dimensions: ["day"], filters: tracked, ...(timezone ? { timezone } : {}) })).rows.map((x) => [x.keys[0], x.values.impressions]);
  assert.deepEqual(await days(), [
    ["2026-03-08", 2],
    ["2026-03-09", 1],
  ]);
  assert.deepEqual(await days("America/New_York"), [
    ["2026-03-07", 1],
    ["2026-03-08", 2],
  ]);
  const ny = await runReport(store, { metrics: ["impressions"], dimensions: [], filters: tracked, timezone: "America/New_York", from: "2026-03-08", to: "2026-03-08" });
  assert.equal(ny.total?.values.impressions, 2);
  await store.close();
});

test("--currency converts tracked costs at each local day's rate", async () => {
  const store = await storeWith([ev({ ts: Date.UTC(2026, 10, 2, 12), campaign: "E", placement: "x" }), ev({ ts: Date.UTC(2026, 10, 3, 12), campaign: "E", placement: "x" })]);
  await addContract(store, { campaign: "E", placement: "x", cpm: "1000", currency: "EUR", from: "2026-11-01", to: "2026-11-30" });
  // 1 EUR = 1.10 USD on the 2nd, 1.20 USD on the 3rd.
  await store.upsertFxRates([
    { date: "2026-11-02", base: "EUR", currency: "USD", rate: 1.1, origin: "test" },
    { date: "2026-11-03", base: "EUR", currency: "USD", rate: 1.2, origin: "test" },
  ]);
  const r = await runReport(store, { metrics: ["cost", "impressions", "cpm"], dimensions: [], filters: tracked, currency: "USD" });
  assert.equal(r.currency, "USD");
  assert.equal(r.total?.values.cost, 2.3);
  assert.equal(r.total?.values.impressions, 2);
  await store.close();
});

test("tracked impressions no contract prices: the report warns that they count at cost 0; compare says the campaign has no cost", async () => {
  const dir = tempDir();
  const t = Date.UTC(2026, 10, 3, 10);
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  await store.appendTrackedEvents({
    logId: "t",
    from: 0,
    to: 1,
    events: [...Array.from({ length: 300 }, () => ev({ ts: t, campaign: "Priced" })), ...Array.from({ length: 100 }, () => ev({ ts: t, campaign: "Unpriced" }))],
  });
  await addContract(store, { campaign: "Priced", cpm: "10", currency: "USD", from: "2026-11-01", to: "2026-11-30" });
  await store.close();
  const r = await cpi(dir, "report", "--where", "source=tracked", "--by", "campaign", "--metrics", "impressions,cpi", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [
    { campaign: "Priced", impressions: 300, cpi: 0.01 },
    { campaign: "Unpriced", impressions: 100, cpi: 0 },
  ]);
  assert.match(r.stderr, /warning: 100 tracked impressions have no contract pricing them: they count at cost 0/);
  const counts = await cpi(dir, "report", "--where", "source=tracked", "--by", "campaign", "--metrics", "impressions,reach");
  assert.doesNotMatch(counts.stderr, /no contract/, "no warning when no metric depends on cost");
  const c = await cpi(dir, "compare", "--campaign", "Priced", "--vs", "Unpriced", "--where", "source=tracked");
  assert.equal(c.code, 2);
  assert.match(c.stderr, /Unpriced has no cost: no contract prices its tracked impressions/);
});

test("a report of reported data on a store holding only tracked events points at --where source=tracked", async () => {
  const store = await storeWith(Array.from({ length: 25 }, () => ev({ ts: Date.UTC(2026, 10, 3, 10) })));
  const r = await runReport(store, { metrics: ["impressions", "viewable_rate", "cpi", "vcpm", "reach"], dimensions: ["campaign", "placement"], filters: [] });
  assert.deepEqual(r.rows, []);
  assert.deepEqual(r.warnings, ["no reported rows match, but 25 tracked events do: first-party counts are reported on their own, with --where source=tracked"]);
  const other = await runReport(store, { metrics: ["impressions"], dimensions: [], filters: [{ dimension: "campaign", op: "eq", values: ["Nothing"] }] });
  assert.deepEqual(other.warnings, [], "no hint when no tracked event matches either");
  await store.close();
});

test("viewable ≤ measurable ≤ impressions: a viewable makes its unmarked impression measurable, and no row shows more viewable than measured", async () => {
  const t0 = Date.UTC(2026, 9, 1, 12);
  const store = await storeWith([
    // A hand-built pixel without m=1, then a /v.gif with m=1 for the same id: that impression was measured.
    ev({ ts: t0, impression_id: "a", measurable: false }),
    ev({ ts: t0 + 1500, type: "viewable", impression_id: "a", measurable: true }),
    ev({ ts: t0, impression_id: "b", measurable: true }),
    ev({ ts: t0 + 1500, type: "viewable", impression_id: "b", measurable: true }),
    ev({ ts: t0, impression_id: "c", measurable: false }),
    ev({ ts: t0, impression_id: "d", measurable: true }),
    // Viewables with no counted impression (no id; an id never seen as an impression) on another placement.
    ev({ ts: t0, placement: "sports", impression_id: "e", measurable: true }),
    ev({ ts: t0 + 1500, placement: "sports", type: "viewable", impression_id: "", measurable: true }),
    ev({ ts: t0 + 1500, placement: "sports", type: "viewable", impression_id: "zz", measurable: false }),
  ]);
  const r = await runReport(store, { metrics: ["impressions", "viewable_impressions", "viewable_rate"], dimensions: ["placement"], filters: tracked });
  const by = Object.fromEntries(r.rows.map((x) => [x.keys[0], [x.totals.impressions, x.totals.measurable_impressions, x.totals.viewable_impressions]]));
  assert.deepEqual(by, { news: [4, 3, 2], sports: [1, 1, 1] });
  assert.equal(r.rows.find((x) => x.keys[0] === "news")?.values.viewable_rate, 2 / 3);
  assert.deepEqual([r.total?.totals.impressions, r.total?.totals.measurable_impressions, r.total?.totals.viewable_impressions], [5, 4, 3]);
  for (const x of r.rows) assert.ok((x.values.viewable_rate ?? 0) <= 1);
  await store.close();
});

test("by measurement: unmeasured impressions are left out of viewable_rate; invalid traffic has no measurement", async () => {
  const t0 = Date.UTC(2026, 9, 1, 12);
  const store = await storeWith([
    ev({ ts: t0, impression_id: "a", measurement: "io-v2" }),
    ev({ ts: t0 + 1200, type: "viewable", impression_id: "a", measurement: "io-v2" }),
    ev({ ts: t0, impression_id: "b", measurement: "io-v2" }),
    ev({ ts: t0, impression_id: "c", measurement: "io-v1" }),
    ev({ ts: t0 + 1200, type: "viewable", impression_id: "c", measurement: "io-v1" }),
    ev({ ts: t0, impression_id: "d", measurable: false }),
    ev({ ts: t0, impression_id: "e", measurable: false, reason: "headless" }),
  ]);
  const metrics = ["impressions", "measurable_impressions", "viewable_impressions", "viewable_rate", "invalid_rate"] as const;
  const r = await runReport(store, { metrics: [...metrics], dimensions: ["measurement"], filters: tracked });
  const by = Object.fromEntries(r.rows.map((x) => [x.keys[0], metrics.map((m) => x.values[m])]));
  assert.deepEqual(by, { "": [1, 0, 0, null, 0.5], "io-v1": [1, 1, 1, 1, 0], "io-v2": [2, 2, 1, 0.5, 0] });
  assert.deepEqual(metrics.map((m) => r.total?.values[m]), [4, 3, 2, 2 / 3, 0.2]);
  const only = await runReport(store, { metrics: ["impressions"], dimensions: [], filters: [...tracked, { dimension: "measurement", op: "eq", values: ["io-v2"] }] });
  assert.equal(only.total?.values.impressions, 2);
  await store.close();
});

test("a DuckDB store made before the measurement column gains it when opened, keeping its events", async () => {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const path = join(tempDir(), "old.duckdb");
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE events (ts TIMESTAMP NOT NULL, type VARCHAR NOT NULL, impression_id VARCHAR NOT NULL,
     campaign VARCHAR NOT NULL, creative VARCHAR NOT NULL, placement VARCHAR NOT NULL,
     visitor BIGINT NOT NULL, country VARCHAR NOT NULL, device VARCHAR NOT NULL, measurable BOOLEAN NOT NULL)`);
  await conn.run("INSERT INTO events VALUES ('2026-10-01 12:00:00', 'impression', 'old', 'Launch Q4', 'A', 'news', 1, '', 'desktop', true)");
  conn.closeSync();
  instance.closeSync();
  const store = await DuckDbStore.open(path);
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events: [ev({ ts: Date.UTC(2026, 9, 1, 13), impression_id: "new", measurement: "io-v2" })] });
  const r = await runReport(store, { metrics: ["impressions", "measurable_impressions"], dimensions: ["measurement"], filters: tracked });
  assert.deepEqual(
    r.rows.map((x) => [x.keys[0], x.values.impressions, x.values.measurable_impressions]),
    [
      ["", 1, 1],
      ["io-v2", 1, 1],
    ],
  );
  await store.close();
});
