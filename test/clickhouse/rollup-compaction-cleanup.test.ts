// test:slow
// Rollup compactions on ClickHouse clean up after themselves, on one server, on the two-shard cluster
// (18.16) and on ClickHouse 26 (chdb): over many compactions, the rows of the batches they retire are
// deleted on every shard and the marks of deleted batches are dropped from event_batches, so neither
// the stored rows nor the views' hidden-batch subquery grows with the number of loads compacted; a
// compaction stopped right after its switch or its first deletion (a kill before or among its deletions)
// is cleaned up by the next.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runReport } from "../../src/app/report.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { figures, rollupQueries } from "../track/rollup-queries.js";
import { chdbSkipReason, chdbTarget } from "./chdb.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
const ROUNDS = 12;
const LOADS_PER_ROUND = 10;
const QUERIES = rollupQueries().filter((_, i) => i % 20 === 0);

before(async () => {
  if (!skip) cluster = await startClickHouse(2);
});
after(async () => {
  await cluster?.stop();
});

interface Subject {
  name: string;
  store: ClickHouseStore;
  /** A connection to each server holding the store's tables (to wait for their mutations). */
  servers: ClickHouseConnection[];
}

async function subjects(): Promise<Subject[]> {
  const c = cluster as TestCluster;
  const out: Subject[] = [];
  for (const sharded of [true, false]) {
    const db = `compact_clean_${sharded ? "c" : "s"}_${process.pid}`;
    const targets = c.servers.map((s) => parseClickHouseUrl(s.url(db)));
    const [first, ...rest] = targets as [(typeof targets)[number], ...typeof targets];
    await initClickHouseStore(first, { cluster: sharded ? c.cluster : null, nodes: sharded ? rest : [] });
    const store = await ClickHouseStore.openTarget(first, { rollupCompactMinRows: Number.MAX_SAFE_INTEGER });
    out.push({ name: sharded ? "cluster" : "clickhouse", store, servers: (sharded ? targets : [first]).map((t) => new ClickHouseConnection(t)) });
  }
  if (!chdbSkipReason()) {
    const target = chdbTarget(`compact_clean_26_${process.pid}`);
    await initClickHouseStore(target, { cluster: null, nodes: [] });
    out.push({ name: "clickhouse-26", store: await ClickHouseStore.openTarget(target, { rollupCompactMinRows: Number.MAX_SAFE_INTEGER }), servers: [] });
  }
  return out;
}

async function n(store: ClickHouseStore, sql: string): Promise<number> {
  return Number((await store.query(sql))[0]?.n ?? 0);
}

/** Waits until every server has finished the store's mutations. */
async function mutationsDone(s: Subject): Promise<void> {
  const conns = s.servers.length ? s.servers : [{ query: (sql: string) => s.store.query(sql) }];
  for (const c of conns) {
    while (Number((await c.query("SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0"))[0]?.n ?? 0) > 0) await sleep(50);
  }
}

/** What a store holds: rows stored and visible, and compaction marks. */
async function held(store: ClickHouseStore): Promise<{ stored: number; visible: number; sampleStored: number; sampleVisible: number; retired: number; marks: number }> {
  return {
    stored: await n(store, "SELECT count() AS n FROM rollup_rows"),
    visible: await n(store, "SELECT count() AS n FROM event_rollup"),
    sampleStored: await n(store, "SELECT count() AS n FROM reach_sample_rows"),
    sampleVisible: await n(store, "SELECT count() AS n FROM reach_sample"),
    retired: await n(store, "SELECT count() AS n FROM event_batches WHERE state = 'retired'"),
    marks: await n(store, "SELECT count() AS n FROM event_batches WHERE log_id = '(rollup compaction)'"),
  };
}

/** The rollup's sums and the same counted from raw events (must be equal). */
async function sumsAndRaw(store: ClickHouseStore): Promise<[string, string]> {
  const r = await store.query("SELECT toString(sum(events)) AS e, toString(sum(impressions)) AS i, toString(sum(clicks)) AS c FROM event_rollup");
  const e = await store.query("SELECT toString(count()) AS e, toString(countIf(type = 'impression')) AS i, toString(countIf(type = 'click')) AS c FROM events");
  return [JSON.stringify(r[0]), JSON.stringify(e[0])];
}

test("many compactions: retired rows are deleted on every shard and the marks of deleted batches dropped (bounded, not one per load)", { skip }, async (t) => {
  for (const s of await subjects()) {
    const { name, store } = s;
    try {
      let offset = 0;
      const first = { retired: 0, marks: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < LOADS_PER_ROUND; i++) {
          const events = randomEvents({ seed: 1_000 + round * LOADS_PER_ROUND + i, events: 40, start: "2026-10-27", days: 0.25 });
          await store.appendTrackedEvents({ logId: "t", from: offset, to: offset + 1, events });
          offset++;
        }
        // Round 5 stops right after the switch, as a kill before the deletions would, and round 8 after the
        // first deletion (one table on one server), as a kill among them would: the next round cleans up.
        const r = await store.compactRollup(round === 5 ? "switched" : round === 8 ? "first-deletion" : undefined);
        assert.ok(r, `${name}: the import lock is free`);
        await mutationsDone(s);
        const h = await held(store);
        if (round === 0) Object.assign(first, h);
        const [sums, raw] = await sumsAndRaw(store);
        assert.equal(sums, raw, `${name}: round ${round}: the rollup counts the events`);
        if (round !== 5 && round !== 8) {
          assert.equal(h.stored, h.visible, `${name}: round ${round}: only live rollup rows are stored`);
          assert.equal(h.sampleStored, h.sampleVisible, `${name}: round ${round}: only live sample rows are stored`);
        }
        assert.ok(h.retired <= 2 * (LOADS_PER_ROUND + 1), `${name}: round ${round}: ${h.retired} retired marks`);
        t.diagnostic(`${name}: round ${round}: rollup rows stored ${h.stored} (visible ${h.visible}), sample ${h.sampleStored} (${h.sampleVisible}), retired marks ${h.retired}, compaction marks ${h.marks}`);
      }
      // One more compaction with nothing new (it only cleans up), and its mutations.
      await store.compactRollup();
      await mutationsDone(s);
      const h = await held(store);
      t.diagnostic(`${name}: after ${ROUNDS} rounds of ${LOADS_PER_ROUND} loads: retired marks ${first.retired} → ${h.retired}, compaction marks ${first.marks} → ${h.marks}, rows stored ${h.stored} = visible ${h.visible}`);
      assert.equal(h.stored, h.visible, `${name}: only live rollup rows are stored`);
      assert.equal(h.sampleStored, h.sampleVisible, `${name}: only live sample rows are stored`);
      // The last compaction retired its predecessor and one round's loads; older marks are gone.
      assert.ok(h.retired <= LOADS_PER_ROUND + 1, `${name}: ${h.retired} retired marks after ${ROUNDS * LOADS_PER_ROUND} loads compacted`);
      assert.ok(h.marks <= LOADS_PER_ROUND + 1 + 6, `${name}: ${h.marks} compaction marks`);
      const [sums, raw] = await sumsAndRaw(store);
      assert.equal(sums, raw, `${name}: the rollup counts the events`);
      for (const q of QUERIES) assert.deepEqual(figures(await runReport(store, q)), figures(await runReport(store, q, { rollup: false })), `${name}: ${JSON.stringify(q)}`);
    } finally {
      await store.close();
      for (const c of s.servers) await c.close();
    }
  }
});
