// Tracked-event rollups (issue 24): every report the rollup can answer equals the same report over raw
// events (counts, cost, CPI, reach), across zones with daylight saving and +5:45, contracts edged on
// quarter hours and not (the raw path then), events loaded in many batches, a replayed batch counted
// once; an older store gains the rollup of the events it holds when opened.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runReport } from "../../src/app/report.js";
import type { Filter, MetricQuery } from "../../src/domain/query.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { randomEvents } from "../clickhouse/random-events.js";
import { tempDir } from "../helpers.js";
import { figures, loadInBatches, METRICS, ROLLUP_CONTRACTS, rollupQueries } from "./rollup-queries.js";

const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };

test("reports the rollup answers equal the raw reports: zones with DST and +5:45, quarter-hour contracts, many batches, a replayed batch", async () => {
  const store = await DuckDbStore.open(":memory:");
  const events = randomEvents({ seed: 41, events: 9_000, start: "2026-10-22", days: 14 });
  await loadInBatches(store, events, 30);
  // A batch sent again (a restart replaying the log) changes nothing, in the events or the rollup.
  assert.deepEqual(await store.appendTrackedEvents({ logId: "t", from: 29, to: 30, events: events.slice(-300) }), { applied: false, events: 0, invalid: 0 });
  for (const c of ROLLUP_CONTRACTS) await store.addContract(c);
  const valid = events.filter((e) => e.reason === "").length;
  assert.equal(Number((await store.query("SELECT SUM(events) AS n FROM event_rollup"))[0]?.n), valid);
  let compared = 0;
  let priced = 0;
  for (const query of rollupQueries()) {
    const raw = await runReport(store, query, { rollup: false });
    const rolled = await runReport(store, query);
    assert.deepEqual(figures(rolled), figures(raw), JSON.stringify(query));
    priced += raw.rows.filter((r) => Number(r.values.cost ?? 0) > 0).length;
    compared++;
  }
  assert.ok(priced > 50, `rows with a cost: ${priced}`);
  // The rollup is what answers: with the events gone, a campaign × day report keeps its counts and cost (reach reads events).
  const q: MetricQuery = { metrics: ["impressions", "clicks", "cost", "cpi"], dimensions: ["campaign", "day"], filters: [tracked], timezone: "Asia/Kathmandu" };
  const before = figures(await runReport(store, q));
  await store.query("DELETE FROM events");
  assert.deepEqual(figures(await runReport(store, q)), before);
  console.log(`${compared} reports compared`);
  await store.close();
});

test("a contract edged off a quarter hour keeps the raw path, with the same figures", async () => {
  const store = await DuckDbStore.open(":memory:");
  await loadInBatches(store, randomEvents({ seed: 42, events: 4_000, start: "2026-10-22", days: 14 }), 7);
  // Chatham's offset is +13:45: its midnights are on quarter hours; a contract in Monrovia 1971 (−0:44:30) is not.
  await store.addContract({ campaign: "Direct 3", placement: "", pricing: "cpm", amount: 5_000_000n, currency: "USD", from: "2026-10-23", to: "2026-10-30", timezone: "Pacific/Chatham" });
  const q: MetricQuery = { metrics: ["impressions", "cost", "cpi"], dimensions: ["campaign", "day"], filters: [tracked], timezone: "Pacific/Chatham" };
  assert.deepEqual(figures(await runReport(store, q)), figures(await runReport(store, q, { rollup: false })));
  // An instant contract edge (a flight in a zone of a whole-minute offset) sends every query to raw events: delete them and the counts go.
  const odd = await DuckDbStore.open(":memory:");
  await loadInBatches(odd, randomEvents({ seed: 43, events: 2_000, start: "1971-06-01", days: 10 }), 3);
  await odd.addContract({ campaign: "Direct 0", placement: "", pricing: "cpm", amount: 5_000_000n, currency: "USD", from: "1971-06-03", to: "1971-06-06", timezone: "Africa/Monrovia" });
  const q2: MetricQuery = { ...q, timezone: "UTC" };
  const withEvents = figures(await runReport(odd, q2));
  assert.deepEqual(withEvents, figures(await runReport(odd, q2, { rollup: false })));
  await odd.query("DELETE FROM events");
  assert.notDeepEqual(figures(await runReport(odd, q2)), withEvents, "raw events answered");
  await store.close();
  await odd.close();
});

test("a version-4 store gains the rollup of its events when opened (migration 5), equal to raw", async () => {
  const path = join(tempDir(), "v4.duckdb");
  const store = await DuckDbStore.open(path);
  await loadInBatches(store, randomEvents({ seed: 44, events: 3_000, start: "2026-10-22", days: 14 }), 5);
  for (const c of ROLLUP_CONTRACTS) await store.addContract(c);
  const q: MetricQuery = { metrics: METRICS, dimensions: ["campaign", "day"], filters: [tracked], timezone: "America/New_York" };
  const expected = figures(await runReport(store, q, { rollup: false }));
  // As a version-4 store: no rollup rows, the version before it.
  await store.query("DELETE FROM event_rollup");
  await store.query("UPDATE cpi_meta SET value = '4' WHERE key = 'schema_version'");
  await store.close();
  const reopened = await DuckDbStore.open(path);
  assert.equal((await reopened.query("SELECT value FROM cpi_meta WHERE key = 'schema_version'"))[0]?.value, "5");
  const bucketed = "SELECT time_bucket(INTERVAL 15 MINUTE, ts) AS b, campaign, placement, creative, COUNT(*) AS n FROM events GROUP BY ALL";
  assert.deepEqual(await reopened.query(`${bucketed} EXCEPT SELECT ts, campaign, placement, creative, events FROM event_rollup`), []);
  assert.deepEqual(figures(await runReport(reopened, q)), expected);
  await reopened.query("DELETE FROM events");
  assert.notDeepEqual(figures(await runReport(reopened, q)), [], "the rollup answers");
  await reopened.close();
});

test("a serving store's many small loads are compacted: the rollup keeps about a row per key, with the same figures", async () => {
  // cpi serve loads every 200 ms: each load appends a row per key it touched, so without compaction a
  // quiet site's rollup grows like its events.
  const events = randomEvents({ seed: 45, events: 20_000, start: "2026-10-27", days: 1 });
  const compacted = await DuckDbStore.open(":memory:", { rollupCompactMinRows: 2_000 });
  const plain = await DuckDbStore.open(":memory:", { rollupCompactMinRows: Number.MAX_SAFE_INTEGER });
  for (const store of [compacted, plain]) {
    await loadInBatches(store, events, 400);
    for (const c of ROLLUP_CONTRACTS) await store.addContract(c);
  }
  const count = async (store: DuckDbStore, sql: string) => Number((await store.query(sql))[0]?.n);
  const keys = await count(compacted, "SELECT COUNT(*) AS n FROM (SELECT DISTINCT ts, campaign, placement, creative FROM event_rollup)");
  const rowsPlain = await count(plain, "SELECT COUNT(*) AS n FROM event_rollup");
  const rowsCompacted = await count(compacted, "SELECT COUNT(*) AS n FROM event_rollup");
  console.log(`rollup rows after 400 loads: ${rowsPlain} without compaction, ${rowsCompacted} with (${keys} keys)`);
  assert.ok(rowsPlain > 3 * keys, `small loads repeat keys: ${rowsPlain} rows for ${keys} keys`);
  assert.ok(rowsCompacted <= keys + 2 * 2_000, `compacted: ${rowsCompacted} rows for ${keys} keys`);
  const valid = events.filter((e) => e.reason === "").length;
  assert.equal(await count(compacted, "SELECT SUM(events) AS n FROM event_rollup"), valid);
  const sample = "SELECT COUNT(*) AS n FROM (SELECT DISTINCT * FROM reach_sample)";
  assert.equal(await count(compacted, sample), await count(plain, sample), "the same sampled visitors");
  assert.equal(await count(compacted, "SELECT COUNT(*) AS n FROM reach_sample"), await count(compacted, sample), "each once");
  for (const query of rollupQueries().slice(0, 40)) assert.deepEqual(figures(await runReport(compacted, query)), figures(await runReport(plain, query, { rollup: false })), JSON.stringify(query));
  const estimate: MetricQuery = { metrics: ["reach"], dimensions: ["campaign", "day"], filters: [tracked], timezone: "America/New_York" };
  assert.deepEqual(figures(await runReport(compacted, estimate, { reach: "estimate" })), figures(await runReport(plain, estimate, { reach: "estimate" })));
  await compacted.close();
  await plain.close();
});
