// The tracked report's per-bucket SQL (events summed per 15-minute UTC bucket, contracts and local days
// matched per bucket) against the per-event SQL it replaced, on seeded events across daylight-saving
// changes, contracts whose flights start and end inside a UTC day, with and without viewability.
import assert from "node:assert/strict";
import { test } from "node:test";
import { contractMatches } from "../../src/app/track/tracked-report.js";
import type { Dimension, Filter, MetricQuery } from "../../src/domain/query.js";
import type { NewContract } from "../../src/domain/tracking/contract.js";
import { quarterHourZone, zoneSpans } from "../../src/domain/tracking/zoned-time.js";
import { compileEventSums, compileFlightDelivery, compileReach, compileReachWithTotal, type EventQueryContext, quarterHourContracts } from "../../src/query/events-sql.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { ResultRow } from "../../src/store/store.js";
import { randomEvents } from "../clickhouse/random-events.js";

const CONTRACTS: NewContract[] = [
  { campaign: "Direct 0", placement: "", pricing: "flat", amount: 2_500_000_000n, currency: "USD", from: "2026-10-26", to: "2026-11-03", timezone: "America/New_York" },
  { campaign: "Direct 1", placement: "news-site", pricing: "cpm", amount: 7_250_000n, currency: "EUR", from: "2026-10-27", to: "2026-11-04", timezone: "Asia/Kolkata" },
  { campaign: "Direct 1", placement: "blog", pricing: "cpm", amount: 3_000_000n, currency: "EUR", from: "2026-10-24", to: "2026-10-31", timezone: "Asia/Kathmandu" },
  { campaign: "Direct 2", placement: "", pricing: "cpc", amount: 410_000n, currency: "GBP", from: "2026-10-28", to: "2026-11-02", timezone: "Australia/Lord_Howe" },
];

const sorted = (rows: ResultRow[]) => rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))).sort();

test("per-bucket tracked sums equal the per-event ones in zones with daylight saving, flights edged inside a day, viewability on and off", async () => {
  const store = await DuckDbStore.open(":memory:");
  // 14 days over Europe's (Oct 25) and the US's (Nov 1) DST ends; Lord Howe's half-hour shift is in April/October.
  const events = randomEvents({ seed: 24, events: 12_000, start: "2026-10-22", days: 14 });
  await store.appendTrackedEvents({ logId: "t", from: 0, to: 1, events });
  for (const c of CONTRACTS) await store.addContract(c);
  const contracts = contractMatches(await store.contracts());
  assert.ok(quarterHourContracts(contracts));
  assert.ok(contracts.some((c) => c.start % 86_400_000 !== 0), "some flight starts inside a UTC day");
  assert.deepEqual(sorted(await store.query(compileFlightDelivery(store.dialect, contracts, true))), sorted(await store.query(compileFlightDelivery(store.dialect, contracts, false))));
  const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };
  const filterSets: Filter[][] = [[tracked], [tracked, { dimension: "currency", op: "eq", values: ["EUR"] }], ];
  const dimSets: Dimension[][] = [[], ["campaign", "day"], ["currency", "day"], ["ad", "week"], ["placement", "measurement", "month"]];
  let compared = 0;
  let nonZero = 0;
  for (const timezone of ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]) {
    for (const filters of filterSets)
      for (const dimensions of dimSets)
        for (const period of [{}, { from: "2026-10-25", to: "2026-11-01" }])
          for (const byFx of dimensions.length % 2 ? [true] : [false]) {
            const query: MetricQuery = { metrics: ["impressions"], dimensions, filters, ...period, timezone };
            const ctx: EventQueryContext = { dialect: store.dialect, query, timezone, contracts };
            const perEvent = await store.query(compileEventSums(ctx, byFx));
            const perBucket = await store.query(compileEventSums(ctx, byFx, { quarterHours: true }));
            assert.deepEqual(sorted(perBucket), sorted(perEvent), `${timezone} ${JSON.stringify(query)} byFx=${byFx}`);
            // Without viewability only the viewable and measurable columns change (to zero).
            // Local days from the zone's offsets over the events' range, and over part of it (the rest by the zone rule).
            for (const [lo, hi] of [
              [Date.parse("2026-10-21T23:45:00Z"), Date.parse("2026-11-05T00:00:01Z")],
              [Date.parse("2026-10-30T00:00:00Z"), Date.parse("2026-11-02T12:00:00Z")],
            ] as const) {
              const shifted = { ...ctx, spans: zoneSpans(timezone, lo, hi) };
              assert.deepEqual(sorted(await store.query(compileEventSums(shifted, byFx, { quarterHours: true }))), sorted(perEvent), `spans ${timezone}`);
              if (dimensions.length) assert.deepEqual(sorted(await store.query(compileReach(shifted))), sorted(await store.query(compileReach(ctx))));
            }
            const plain = await store.query(compileEventSums(ctx, byFx, { quarterHours: true, viewability: false }));
            const zeroed = perEvent.map((r) => ({ ...r, viewable_impressions: 0, measurable_impressions: 0 }));
            assert.deepEqual(sorted(plain), sorted(zeroed));
            if (byFx && dimensions.length) {
              // Reach by the dimensions and overall in one GROUPING SETS scan equals the two queries it replaced.
              const both = await store.query(compileReachWithTotal(ctx));
              const byDims = both.filter((r) => r.total !== true).map(({ total: _t, ...r }) => r);
              assert.deepEqual(sorted(byDims), sorted(await store.query(compileReach(ctx))));
              assert.deepEqual(both.filter((r) => r.total === true).map((r) => Number(r.reach)), [Number((await store.query(compileReach(ctx, false)))[0]?.reach)]);
            }
            nonZero += perEvent.filter((r) => Number(r.contract) !== 0 && Number(r.impressions) > 0).length;
            compared++;
          }
  }
  assert.ok(nonZero > 100, `rows priced by a contract: ${nonZero}`);
  assert.equal(compared, 4 * 2 * 5 * 2);
  await store.close();
});

test("a zone whose offset is not a whole quarter hour keeps the per-event path", () => {
  // Liberia kept −0:44:30 until May 1972; New York and Kathmandu (+5:45) are quarter-hour zones.
  assert.equal(quarterHourZone("Africa/Monrovia", Date.UTC(1971, 0, 1), Date.UTC(1973, 0, 1)), false);
  assert.equal(quarterHourZone("Africa/Monrovia", Date.UTC(1973, 0, 1), Date.UTC(1975, 0, 1)), true);
  assert.equal(quarterHourZone("America/New_York", Date.UTC(2020, 0, 1), Date.UTC(2027, 0, 1)), true);
  // Nepal moved from +5:30 to +5:45 at the start of 1986: both quarter hours, at a quarter-hour instant.
  assert.equal(quarterHourZone("Asia/Kathmandu", Date.UTC(1980, 0, 1), Date.UTC(1990, 0, 1)), true);
});
