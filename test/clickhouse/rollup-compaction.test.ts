// test:slow
// Compaction of the tracked-event rollup on ClickHouse 18.16 (one server and the two-shard cluster) and
// ClickHouse 26 (chdb): a serve-like sequence of many small loads leaves a row per key per load; a
// compaction keeps about a row per key, and every report (rollup path, raw path, reach estimates) is
// the same before and after; a compaction stopped part-way, or its process killed (kill -9), changes no count.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runReport } from "../../src/app/report.js";
import type { MetricQuery } from "../../src/domain/query.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { forceUnlock, lockHolder } from "../../src/store/clickhouse/import-lock.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import type { CompactionStop } from "../../src/store/clickhouse/rollup-compaction.js";
import { CLICKHOUSE_SCHEMA_VERSION } from "../../src/store/clickhouse/schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { pendingMutations, vacuumClickHouseStore } from "../../src/store/clickhouse/vacuum.js";
import { ROOT } from "../helpers.js";
import { figures, loadInBatches, ROLLUP_CONTRACTS, rollupQueries } from "../track/rollup-queries.js";
import { chdbSkipReason } from "./chdb.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";
import { chdbStore, clusterStore, singleStore } from "./stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
// Six quiet hours loaded every two minutes or so, as cpi serve loads: each 15-minute key is touched by several loads.
const EVENTS = randomEvents({ seed: 47, events: 6_000, start: "2026-10-27", days: 0.25 });
const LOADS = 150;
const QUERIES = rollupQueries().filter((_, i) => i % 10 === 0);
const ESTIMATE: MetricQuery = { metrics: ["reach"], dimensions: ["campaign", "day"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }], timezone: "America/New_York" };

before(async () => {
  if (!skip) cluster = await startClickHouse(2);
});
after(async () => {
  await cluster?.stop();
});

type Maker = (options: { rollupCompactMinRows: number }) => Promise<ClickHouseStore>;
function engines(): { name: string; make: Maker }[] {
  const c = cluster as TestCluster;
  return [
    { name: "clickhouse", make: (o) => singleStore(c, "compact", o) },
    { name: "cluster", make: (o) => clusterStore(c, "compactc", o) },
    ...(chdbSkipReason() ? [] : [{ name: "clickhouse-26", make: (o: { rollupCompactMinRows: number }) => chdbStore("compact26", o) }]),
  ];
}

async function n(store: ClickHouseStore, sql: string): Promise<number> {
  return Number((await store.query(sql))[0]?.n ?? 0);
}

/** Every compared report's figures: the rollup path, the raw path, and the estimated reach. */
async function reports(store: ClickHouseStore): Promise<string[]> {
  const out: string[] = [];
  for (const q of QUERIES) out.push(...figures(await runReport(store, q)), ...figures(await runReport(store, q, { rollup: false })));
  out.push(...figures(await runReport(store, ESTIMATE, { reach: "estimate" })));
  return out;
}

/** Each compared report read from the rollup equals the one read from raw events. */
async function rollupEqualsRaw(store: ClickHouseStore, name: string, count = QUERIES.length): Promise<void> {
  for (const q of QUERIES.slice(0, count)) assert.deepEqual(figures(await runReport(store, q)), figures(await runReport(store, q, { rollup: false })), `${name}: ${JSON.stringify(q)}`);
}

/** What the rollup and the sample hold, summed (must never change with compaction). */
async function sums(store: ClickHouseStore): Promise<string> {
  const r = await store.query("SELECT toString(sum(events)) AS e, toString(sum(impressions)) AS i, toString(sum(clicks)) AS c FROM event_rollup");
  const s = await n(store, "SELECT count() AS n FROM (SELECT DISTINCT ts, campaign, placement, creative, visitor FROM reach_sample)");
  return JSON.stringify([r[0], s, await n(store, "SELECT count() AS n FROM events")]);
}

/** Waits for the store's mutations (the deletion of retired rows), on one server. */
async function mutationsDone(store: ClickHouseStore): Promise<void> {
  while ((await n(store, "SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0")) > 0) await sleep(50);
}

async function loaded(make: Maker, minRows: number): Promise<ClickHouseStore> {
  const store = await make({ rollupCompactMinRows: minRows });
  await loadInBatches(store, EVENTS, LOADS);
  for (const c of ROLLUP_CONTRACTS) await store.addContract(c);
  return store;
}

test("a compaction keeps about a row per key, with every report the same (rollup, raw, reach estimate)", { skip }, async (t) => {
  for (const { name, make } of engines()) {
    const store = await loaded(make, Number.MAX_SAFE_INTEGER);
    try {
      const keys = await n(store, "SELECT count() AS n FROM (SELECT DISTINCT ts, campaign, placement, creative FROM event_rollup)");
      const before = await reports(store);
      const sumsBefore = await sums(store);
      const r = await store.compactRollup();
      assert.ok(r, `${name}: the import lock is free`);
      t.diagnostic(`${name}: ${LOADS} loads, ${r.batches} batches compacted; rollup rows ${r.rowsBefore} → ${r.rowsAfter} (${keys} keys), sample rows ${r.sampleRowsBefore} → ${r.sampleRowsAfter}`);
      assert.ok(r.rowsBefore > 2 * keys, `${name}: small loads repeat keys (${r.rowsBefore} rows, ${keys} keys)`);
      assert.equal(r.rowsAfter, keys, `${name}: one row per key`);
      assert.equal(await n(store, "SELECT count() AS n FROM event_rollup"), keys);
      const distinct = await n(store, "SELECT count() AS n FROM (SELECT DISTINCT ts, campaign, placement, creative, visitor FROM reach_sample)");
      assert.equal(r.sampleRowsAfter, distinct, `${name}: the sample keeps each sampled visitor once per key`);
      assert.equal(await sums(store), sumsBefore, `${name}: the same counts`);
      assert.deepEqual(await reports(store), before, `${name}: the same reports`);
      if (name !== "cluster") {
        // The retired rows are deleted too (on the cluster as well: rollup-compaction-cleanup.test.ts waits for every shard).
        await mutationsDone(store);
        assert.equal(await n(store, "SELECT count() AS n FROM rollup_rows"), keys, `${name}: stored rows`);
        assert.equal(await n(store, "SELECT count() AS n FROM reach_sample_rows"), r.sampleRowsAfter, `${name}: stored sample rows`);
      }
      // More loads after it, and a second compaction over the first one's rows and theirs.
      await store.appendTrackedEvents({ logId: "t", from: LOADS, to: LOADS + 1, events: randomEvents({ seed: 48, events: 500, start: "2026-10-27", days: 0.25 }) });
      const again = await store.compactRollup();
      assert.equal(again?.batches, 2, `${name}: the first compaction's batch and the new load's`);
      assert.equal(await sums(store), await rawSums(store), `${name}: the rollup still counts the events`);
      if (name !== "cluster") {
        // The first compaction's retired rows are gone, so the second dropped their marks: the views' subquery stays small.
        await mutationsDone(store);
        assert.equal(await n(store, "SELECT count() AS n FROM event_batches WHERE state = 'retired'"), 2, `${name}: retired marks kept`);
        assert.equal(await sums(store), await rawSums(store));
        await rollupEqualsRaw(store, name);
      }
    } finally {
      await store.close();
    }
  }
});

/** The rollup's sums as counted from raw events (what `sums` must equal once more events are loaded). */
async function rawSums(store: ClickHouseStore): Promise<string> {
  const r = await store.query("SELECT toString(count()) AS e, toString(countIf(type = 'impression')) AS i, toString(countIf(type = 'click')) AS c FROM events");
  const bucket = "toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC')";
  const s = await n(store, `SELECT count() AS n FROM (SELECT DISTINCT ${bucket} AS b, campaign, placement, creative, visitor FROM events WHERE type = 'impression' AND bitAnd(visitor, 63) = 0)`);
  return JSON.stringify([r[0], s, await n(store, "SELECT count() AS n FROM events")]);
}

test("cpi serve's loads compact by themselves once the rows added exceed those kept", { skip }, async (t) => {
  for (const { name, make } of engines()) {
    const store = await loaded(make, 1_000);
    try {
      const keys = await n(store, "SELECT count() AS n FROM (SELECT DISTINCT ts, campaign, placement, creative FROM event_rollup)");
      const rows = await n(store, "SELECT count() AS n FROM event_rollup");
      t.diagnostic(`${name}: ${rows} rollup rows for ${keys} keys after ${LOADS} loads`);
      assert.ok(rows <= keys + 2 * 1_000, `${name}: ${rows} rows for ${keys} keys`);
      assert.equal(await sums(store), await rawSums(store), `${name}: the rollup counts the events`);
      await rollupEqualsRaw(store, name, 6);
    } finally {
      await store.close();
    }
  }
});

test("a compaction stopped part-way, as a kill leaves it, changes no count; the next one finishes the work", { skip }, async () => {
  for (const { name, make } of engines()) {
    const store = await loaded(make, Number.MAX_SAFE_INTEGER);
    try {
      // A load in flight meanwhile (started, rows written, not done): not compacted, visible until aborted.
      const command = (sql: string) => (store as unknown as { conn: ClickHouseConnection }).conn.command(sql);
      await command(`INSERT INTO event_batches (log_id, batch, from_offset, to_offset, state) VALUES ('t', 4242, ${LOADS}, ${LOADS + 1}, 'started')`);
      await command("INSERT INTO events_rows (ts, type, campaign, placement, creative, visitor, batch) VALUES ('2026-10-27 10:07:00', 'impression', 'Direct 0', 'blog', 'Video', 1, 4242)");
      await command("INSERT INTO rollup_rows (ts, campaign, placement, creative, events, impressions, clicks, batch) VALUES ('2026-10-27 10:00:00', 'Direct 0', 'blog', 'Video', 1, 1, 0, 4242)");
      const exact = await sums(store);
      assert.equal(exact, await rawSums(store));
      const before = await reports(store);
      for (const stop of ["registered", "rollup-written", "rows-written"] as CompactionStop[]) {
        await store.compactRollup(stop);
        assert.equal(await sums(store), exact, `${name}: stopped after ${stop}`);
      }
      assert.deepEqual(await reports(store), before, `${name}: reports after the stopped compactions`);
      const rows = await n(store, "SELECT count() AS n FROM rollup_rows");
      const r = await store.compactRollup();
      assert.ok(r && r.rowsAfter < r.rowsBefore, `${name}: compacted`);
      assert.equal(await n(store, "SELECT count() AS n FROM event_batches WHERE state = 'aborted'"), 3, `${name}: the stopped compactions are marked aborted`);
      assert.equal(await sums(store), exact);
      assert.deepEqual(await reports(store), before);
      assert.ok(rows > r.rowsBefore, `${name}: the stopped compactions left hidden rows (${rows} stored, ${r.rowsBefore} visible)`);
      assert.equal(await n(store, "SELECT count() AS n FROM event_batches WHERE batch = 4242 AND state = 'retired'"), 0, `${name}: the load in flight is not compacted`);
      // Its loader died: the next load of the range aborts it, and its rows go with its events.
      await store.appendTrackedEvents({ logId: "t", from: LOADS, to: LOADS + 1, events: randomEvents({ seed: 49, events: 300, start: "2026-10-27", days: 0.25 }) });
      assert.equal(await sums(store), await rawSums(store), `${name}: the aborted load's rollup row is hidden`);
    } finally {
      await store.close();
    }
  }
});

test("cpi init brings a schema-4 store up to date (schema 5 added the compaction marks): the rollup views then hide what a compaction retires", { skip }, async () => {
  const c = cluster as TestCluster;
  const db = `compact_up_${process.pid}`;
  const target = parseClickHouseUrl((c.servers[0] as TestCluster["servers"][number]).url(db));
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  // As cpi 4 left it: the views hide aborted attempts only, schema version 4.
  const conn = new ClickHouseConnection(target);
  try {
    const old = (view: string, table: string, columns: string) =>
      `CREATE VIEW ${db}.${view} AS SELECT ${columns} FROM ${db}.${table} WHERE batch NOT IN (SELECT batch FROM ${db}.event_batches WHERE state = 'aborted')`;
    await conn.command(`DROP TABLE ${db}.event_rollup`);
    await conn.command(`DROP TABLE ${db}.reach_sample`);
    await conn.command(old("event_rollup", "rollup_rows", "ts, campaign, placement, creative, events, impressions, clicks"));
    await conn.command(old("reach_sample", "reach_sample_rows", "ts, campaign, placement, creative, visitor"));
    await conn.command(`INSERT INTO ${db}.cpi_meta VALUES ('schema_version', '4')`);
  } finally {
    await conn.close();
  }
  await assert.rejects(ClickHouseStore.openTarget(target), new RegExp(`schema version 4, this cpi needs ${CLICKHOUSE_SCHEMA_VERSION}: run 'cpi init`));
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  const store = await ClickHouseStore.openTarget(target, { rollupCompactMinRows: Number.MAX_SAFE_INTEGER });
  try {
    await loadInBatches(store, EVENTS.slice(0, 2_000), 40);
    const exact = await rawSums(store);
    assert.ok((await store.compactRollup())?.batches === 40);
    assert.equal(await sums(store), exact);
  } finally {
    await store.close();
  }
});

/** A process that opens the store at `url` and compacts its rollup once (the built store module), saying "open" first. */
function compactingProcess(url: string): { opened: Promise<void>; done: Promise<number | null>; kill: () => void } {
  const module = join(ROOT, "dist/store/clickhouse/clickhouse-store.js");
  const script = `const { ClickHouseStore } = await import(${JSON.stringify(module)});
    const s = await ClickHouseStore.open(${JSON.stringify(url)}, { rollupCompactMinRows: Number.MAX_SAFE_INTEGER });
    process.stderr.write("open\\n");
    await s.compactRollup();
    await s.close();`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const opened = new Promise<void>((resolve) =>
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
      if (stderr.includes("open")) resolve();
    }),
  );
  const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { opened: Promise.race([opened, done.then(() => Promise.reject(new Error(`the compacting process ended: ${stderr}`)))]), done, kill: () => child.kill("SIGKILL") };
}

test("compacting processes killed at any moment (kill -9) leave every count exact (18.16, one server and the cluster)", { skip }, async (t) => {
  const c = cluster as TestCluster;
  for (const sharded of [false, true]) {
    const db = `compact_kill_${sharded ? "c" : "s"}_${process.pid}`;
    const urls = c.servers.map((s) => s.url(db));
    await initClickHouseStore(parseClickHouseUrl(urls[0] as string), { cluster: sharded ? c.cluster : null, nodes: sharded ? urls.slice(1).map(parseClickHouseUrl) : [] });
    const store = await ClickHouseStore.open(urls[0] as string, { rollupCompactMinRows: Number.MAX_SAFE_INTEGER });
    try {
      await loadInBatches(store, EVENTS, LOADS);
      for (const k of ROLLUP_CONTRACTS) await store.addContract(k);
      let finished = 0;
      for (const [i, delay] of [0, 25, 75, 150, 300, 600, 1_200, 2_400].entries()) {
        // Another load since the last round, so that every compaction has work.
        await store.appendTrackedEvents({ logId: "k", from: i, to: i + 1, events: randomEvents({ seed: 60 + i, events: 200, start: "2026-10-27", days: 0.25 }) });
        const p = compactingProcess(urls[0] as string);
        await p.opened;
        await sleep(delay);
        p.kill();
        if ((await p.done) === 0) finished++;
        assert.equal(await sums(store), await rawSums(store), `${sharded ? "cluster" : "one server"}: killed ${delay} ms after opening`);
      }
      // Killed between registering and switching: marked aborted by the next compaction (switched ones' marks are dropped once their rows are gone).
      const midway = await n(store, "SELECT count() AS n FROM event_batches WHERE state = 'compacting'");
      t.diagnostic(`${sharded ? "cluster" : "one server"}: 8 compacting processes killed, ${finished} had finished first; ${midway} compaction marks 'compacting' left`);
      // A holder killed after its first heartbeat is taken over at once (its process is gone); one killed
      // before it is taken over after 2 minutes (import-lock.ts): freed here as `cpi store unlock` does.
      const lockConn = new ClickHouseConnection(parseClickHouseUrl(urls[0] as string));
      const holder = await lockHolder(lockConn);
      if (holder && holder.silentFor === null) await forceUnlock(lockConn, holder.table);
      await lockConn.close();
      const r = await store.compactRollup();
      assert.ok(r, "the killed holder's lock is taken over");
      assert.equal(await sums(store), await rawSums(store));
      await rollupEqualsRaw(store, sharded ? "cluster" : "one server", 6);
      // Vacuum deletes the retired rows (on a cluster, where compactions leave them) and the killed compactions' rows.
      const targets = urls.map(parseClickHouseUrl);
      const v = await vacuumClickHouseStore(targets[0] as (typeof targets)[number], sharded ? targets.slice(1) : []);
      for (const target of sharded ? targets : targets.slice(0, 1)) while ((await pendingMutations(target)) > 0) await sleep(50);
      t.diagnostic(`${sharded ? "cluster" : "one server"}: vacuum: ${v.abortedBatches} aborted batches, ${v.retiredBatches} retired ones with rows left`);
      assert.equal(await n(store, "SELECT count() AS n FROM rollup_rows"), await n(store, "SELECT count() AS n FROM event_rollup"), "only visible rollup rows are stored");
      assert.equal(await n(store, "SELECT count() AS n FROM reach_sample_rows"), await n(store, "SELECT count() AS n FROM reach_sample"), "only visible sample rows are stored");
      assert.equal(await sums(store), await rawSums(store));
      // The next compaction (nothing to compact) drops the marks of the batches whose rows are gone.
      await store.compactRollup();
      assert.equal(await n(store, "SELECT count() AS n FROM event_batches WHERE state = 'retired'"), 0, "no retired mark is left once its rows are gone");
      assert.equal(await sums(store), await rawSums(store));
    } finally {
      await store.close();
    }
  }
});
