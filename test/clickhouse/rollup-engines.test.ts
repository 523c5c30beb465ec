// test:slow
// Tracked-event rollups on ClickHouse 18.16 (one server and the two-shard cluster) and ClickHouse 26
// (chdb) beside DuckDB: every report the rollup answers equals the raw report on the same store and
// the DuckDB figures; an aborted load attempt's rollup rows are hidden with its events; `cpi init` on a
// schema-3 store builds the rollup of the events it holds (schema 4), equal to raw.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { runReport } from "../../src/app/report.js";
import type { MetricQuery } from "../../src/domain/query.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { figures, loadInBatches, ROLLUP_CONTRACTS, rollupQueries } from "../track/rollup-queries.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";
import { engineStores, type NamedStore } from "./stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];
const EVENTS = randomEvents({ seed: 41, events: 9_000, start: "2026-10-22", days: 14 });

async function load(store: NamedStore["store"], batches: number): Promise<void> {
  await loadInBatches(store, EVENTS, batches);
  for (const c of ROLLUP_CONTRACTS) await store.addContract(c);
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

test("every report the rollup answers equals the raw report, on every engine", { skip }, async (t) => {
  const [duck, ...others] = stores;
  if (!duck) throw new Error("no stores");
  let compared = 0;
  for (const query of rollupQueries()) {
    const reference = figures(await runReport(duck.store, query, { rollup: false }));
    for (const { name, store } of others) {
      assert.deepEqual(figures(await runReport(store, query, { rollup: false })), reference, `${name} raw: ${JSON.stringify(query)}`);
      assert.deepEqual(figures(await runReport(store, query)), reference, `${name} rollup: ${JSON.stringify(query)}`);
      compared++;
    }
  }
  t.diagnostic(`${compared} reports compared on ${others.map((s) => s.name).join(", ")}`);
});

/** A store's rollup against its events, bucket by bucket (empty when they agree). */
async function rollupMismatch(store: ClickHouseStore): Promise<unknown[]> {
  const bucket = "toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC')";
  const raw = await store.query(`SELECT toString(${bucket}) AS b, campaign, placement, creative, toString(count()) AS n FROM events GROUP BY b, campaign, placement, creative ORDER BY b, campaign, placement, creative`);
  const rolled = await store.query("SELECT toString(ts) AS b, campaign, placement, creative, toString(sum(events)) AS n FROM event_rollup GROUP BY b, campaign, placement, creative ORDER BY b, campaign, placement, creative");
  assert.ok(raw.length > 100);
  return raw.filter((r, i) => JSON.stringify(r) !== JSON.stringify(rolled[i])).concat(rolled.length === raw.length ? [] : [`${rolled.length} rollup rows, ${raw.length} raw`]);
}

test("cpi init on a schema-3 store (one server, the cluster) builds the rollup of its events, equal to raw", { skip }, async () => {
  const c = cluster as TestCluster;
  for (const sharded of [false, true]) {
    const db = `rollup_up_${sharded ? "c" : "s"}_${process.pid}`;
    const urls = c.servers.map((s) => parseClickHouseUrl(s.url(db)));
    const first = urls[0] as (typeof urls)[number];
    const init = () => initClickHouseStore(first, { cluster: sharded ? c.cluster : null, nodes: sharded ? urls.slice(1) : [] });
    await init();
    const store = await ClickHouseStore.openTarget(first);
    await load(store, 5);
    const q: MetricQuery = { metrics: ["impressions", "clicks", "cost", "cpi", "reach"], dimensions: ["campaign", "day"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }], timezone: "Asia/Kathmandu" };
    const expected = figures(await runReport(store, q, { rollup: false }));
    await store.close();
    // As cpi 3 left it: no rollup table or view, schema version 3 (on every server).
    for (const target of sharded ? urls : [first]) {
      const conn = new ClickHouseConnection(target);
      for (const t of ["event_rollup", "rollup_rows", ...(sharded ? ["rollup_rows_local"] : [])]) await conn.command(`DROP TABLE IF EXISTS ${db}.${t}`);
      await conn.command(`INSERT INTO ${db}.cpi_meta VALUES ('schema_version', '3')`);
      await conn.close();
    }
    await assert.rejects(ClickHouseStore.openTarget(first), /run 'cpi init/);
    await init();
    const reopened = await ClickHouseStore.openTarget(first);
    try {
      assert.deepEqual(await rollupMismatch(reopened), [], sharded ? "cluster" : "one server");
      assert.deepEqual(figures(await runReport(reopened, q)), expected);
      // A second init adds nothing.
      await init();
      assert.deepEqual(await rollupMismatch(reopened), []);
    } finally {
      await reopened.close();
    }
  }
});

test("an aborted load attempt's rollup rows are hidden with its events", { skip }, async () => {
  const db = `rollup_abort_${process.pid}`;
  const target = parseClickHouseUrl((cluster as TestCluster).servers[0]?.url(db) as string);
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  const store = await ClickHouseStore.openTarget(target);
  const conn = new ClickHouseConnection(target);
  try {
    await load(store, 3);
    // A load that died after writing its rows: the next load marks it aborted.
    await conn.command("INSERT INTO event_batches (log_id, batch, from_offset, to_offset, state) VALUES ('t', 4242, 3, 4, 'started')");
    await conn.command("INSERT INTO rollup_rows (ts, campaign, placement, creative, events, impressions, clicks, batch) VALUES ('2026-10-25 10:00:00', 'Direct 0', 'blog', 'Video', 5, 5, 0, 4242)");
    await store.appendTrackedEvents({ logId: "t", from: 3, to: 4, events: randomEvents({ seed: 2, events: 50, start: "2026-10-25", days: 1 }) });
    assert.deepEqual(await rollupMismatch(store), []);
  } finally {
    await conn.close();
    await store.close();
  }
});
