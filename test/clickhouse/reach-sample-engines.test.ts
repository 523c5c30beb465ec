// test:slow
// Reach estimates from the visitor sample on ClickHouse 18.16 (one server and the two-shard cluster)
// and ClickHouse 26 (chdb) beside DuckDB: the sample each load writes equals the raw sampled impressions
// (`bitAnd(visitor, 63) = 0`, bucketed), every report the rollup answers has the same estimated reach
// and stated error as DuckDB's (which tracked/reach-sample.test.ts proves equal to 64 × the raw sampled
// visitors); an aborted load attempt's sample rows are hidden; `cpi init` on a schema-3 store builds it.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { type Report, runReport } from "../../src/app/report.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import type { Store } from "../../src/store/store.js";
import { figures, loadInBatches, ROLLUP_CONTRACTS, rollupQueries } from "../track/rollup-queries.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";
import { engineStores, type NamedStore } from "./stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];
const EVENTS = randomEvents({ seed: 61, events: 12_000, start: "2026-10-22", days: 14 });
for (const [i, e] of EVENTS.entries()) e.visitor = createHmac("sha256", "salt").update(String(i % 9_000)).digest("hex").slice(0, 16);

async function load(store: Store, batches: number): Promise<void> {
  await loadInBatches(store, EVENTS, batches);
  for (const c of ROLLUP_CONTRACTS) await store.addContract(c);
}

/** Figures with each row's stated error. */
function withErrors(r: Report): string[] {
  return [...figures(r), JSON.stringify([r.reachEstimated ?? false, r.rows.map((x) => x.reachRse ?? null), r.total?.reachRse ?? null])];
}

/** The stored sample against the raw sampled impressions, bucketed (empty when they agree). */
async function sampleMismatch(store: Store): Promise<unknown[]> {
  const cols = "toString(b) AS bs, campaign, placement, creative, toString(visitor) AS v";
  const raw = await store.query(
    `SELECT DISTINCT ${cols} FROM (SELECT toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC') AS b, campaign, placement, creative, visitor FROM events WHERE type = 'impression' AND bitAnd(visitor, 63) = 0) ORDER BY bs, campaign, placement, creative, v`,
  );
  const kept = await store.query(`SELECT DISTINCT ${cols} FROM (SELECT ts AS b, campaign, placement, creative, visitor FROM reach_sample) ORDER BY bs, campaign, placement, creative, v`);
  assert.ok(raw.length > 50);
  return raw.filter((r, i) => JSON.stringify(r) !== JSON.stringify(kept[i])).concat(kept.length === raw.length ? [] : [`${kept.length} sample rows, ${raw.length} raw`]);
}

before(async () => {
  if (skip) return;
  cluster = await startClickHouse(2);
  stores = await engineStores(cluster);
  for (const { store } of stores) await load(store, 12);
});

after(async () => {
  for (const { store } of stores) await store.close();
  await cluster?.stop();
});

test("the sample equals the raw sampled impressions and every estimate equals DuckDB's, on every engine", { skip }, async (t) => {
  const [duck, ...others] = stores;
  if (!duck) throw new Error("no stores");
  for (const { name, store } of others) assert.deepEqual(await sampleMismatch(store), [], name);
  let compared = 0;
  for (const query of rollupQueries()) {
    const reference = withErrors(await runReport(duck.store, query, { reach: "estimate" }));
    for (const { name, store } of others) {
      assert.deepEqual(withErrors(await runReport(store, query, { reach: "estimate" })), reference, `${name}: ${JSON.stringify(query)}`);
      compared++;
    }
  }
  t.diagnostic(`${compared} estimated reports compared on ${others.map((s) => s.name).join(", ")}`);
});

test("cpi init on a schema-3 store (one server, the cluster) builds the sample of its events; an aborted attempt's rows are hidden", { skip }, async () => {
  const c = cluster as TestCluster;
  for (const sharded of [false, true]) {
    const db = `sample_up_${sharded ? "c" : "s"}_${process.pid}`;
    const urls = c.servers.map((s) => parseClickHouseUrl(s.url(db)));
    const first = urls[0] as (typeof urls)[number];
    const init = () => initClickHouseStore(first, { cluster: sharded ? c.cluster : null, nodes: sharded ? urls.slice(1) : [] });
    await init();
    const store = await ClickHouseStore.openTarget(first);
    await load(store, 5);
    await store.close();
    // As cpi 3 left it: no rollup or sample, schema version 3 (on every server).
    for (const target of sharded ? urls : [first]) {
      const conn = new ClickHouseConnection(target);
      for (const t of ["event_rollup", "rollup_rows", "reach_sample", "reach_sample_rows", ...(sharded ? ["rollup_rows_local", "reach_sample_rows_local"] : [])]) await conn.command(`DROP TABLE IF EXISTS ${db}.${t}`);
      await conn.command(`INSERT INTO ${db}.cpi_meta VALUES ('schema_version', '3')`);
      await conn.close();
    }
    await init();
    const reopened = await ClickHouseStore.openTarget(first);
    const conn = new ClickHouseConnection(first);
    try {
      assert.deepEqual(await sampleMismatch(reopened), [], sharded ? "cluster" : "one server");
      // A load that died after writing its rows: the next load marks it aborted, and its sample rows are hidden.
      await conn.command("INSERT INTO event_batches (log_id, batch, from_offset, to_offset, state) VALUES ('t', 4242, 5, 6, 'started')");
      await conn.command("INSERT INTO reach_sample_rows (ts, campaign, placement, creative, visitor, batch) VALUES ('2026-10-25 10:00:00', 'Direct 0', 'blog', 'Video', 64, 4242)");
      await reopened.appendTrackedEvents({ logId: "t", from: 5, to: 6, events: randomEvents({ seed: 2, events: 50, start: "2026-10-25", days: 1 }) });
      assert.deepEqual(await sampleMismatch(reopened), []);
    } finally {
      await conn.close();
      await reopened.close();
    }
  }
});
