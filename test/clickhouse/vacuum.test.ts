// test:slow
// cpi init --vacuum deletes the rows no reader sees (replaced segments, a failed import's rows, an
// aborted event load's rows) on every server, and changes no report.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { pendingMutations } from "../../src/store/clickhouse/vacuum.js";
import type { Store } from "../../src/store/store.js";
import { randomSpendRows } from "../../src/test-support/random-spend.js";
import { tempDir } from "../helpers.js";
import { clusterForFile } from "./harness.js";
import { randomEvents } from "./random-events.js";
import { clusterStore, singleStore } from "./stores.js";

const { skip, cluster } = clusterForFile(2);

async function fill(store: Store, raw: ClickHouseConnection): Promise<void> {
  const file = (name: string, seed: number, days: number) => [{ file: name, contentHash: name, format: "g", rows: randomSpendRows({ seed, rows: 2000, days, start: "2026-09-01" }), reach: [] }];
  await store.importSpend(file("a", 1, 60));
  await store.importSpend(file("b", 2, 10));
  await store.importSpend([...file("c", 3, 5), ...file("d", 4, 5)]);
  // A failed import: rows written under an import id, never committed.
  await raw.command("INSERT INTO spend_rows (date_start, date_end, source, account_id, campaign_id, cost_micros, impressions, import_id, segment) VALUES ('2026-09-03', '2026-09-03', 'meta', 'x', 'c1', 5, 5, 2, 777)");
  // An event load that died after writing its rows; the next load aborts it.
  await raw.command("INSERT INTO event_batches (log_id, batch, from_offset, to_offset, state) VALUES ('log', 4242, 0, 10, 'started')");
  await raw.command("INSERT INTO events_rows (ts, type, campaign, visitor, batch) VALUES ('2026-10-02 10:00:00', 'impression', 'Ghost', 1, 4242)");
  await store.appendTrackedEvents({ logId: "log", from: 0, to: 10, events: randomEvents({ seed: 1, events: 300 }) });
}

async function counts(raw: ClickHouseConnection) {
  const one = async (sql: string) => String((await raw.query(sql))[0]?.n);
  return {
    visible: await one("SELECT concat(toString(count()), '/', toString(sum(cost_micros))) AS n FROM spend"),
    stored: await one("SELECT concat(toString(count()), '/', toString(sum(cost_micros))) AS n FROM spend_rows"),
    events: await one("SELECT count() AS n FROM events"),
    eventRows: await one("SELECT count() AS n FROM events_rows"),
  };
}

async function vacuumCase(store: Store, urls: string[], extra: string[]): Promise<void> {
  const raw = new ClickHouseConnection(parseClickHouseUrl(urls[0] as string));
  await fill(store, raw);
  const before = await counts(raw);
  assert.notEqual(before.stored, before.visible, "re-imports, a failed import and an aborted load left invisible rows");
  assert.notEqual(before.eventRows, before.events);
  const r = main(["init", "--store", urls[0] as string, "--vacuum", ...extra, "--format", "json"], memoryIo({}, tempDir()));
  assert.equal(await r, 0);
  for (const u of urls) while ((await pendingMutations(parseClickHouseUrl(u))) > 0) await sleep(50);
  const after = await counts(raw);
  assert.equal(after.visible, before.visible);
  assert.equal(after.events, before.events);
  assert.equal(after.stored, after.visible, "only visible spend rows are left");
  assert.equal(after.eventRows, after.events, "only visible events are left");
  await raw.close();
}

test("vacuum on one server keeps every visible row and only those", { skip }, async () => {
  const store = await singleStore(cluster(), "vacuum");
  const db = store.location.split("/").pop() as string;
  await vacuumCase(store, [cluster().servers[0]?.url(db) as string], []);
  await store.close();
});

test("vacuum on the two-shard cluster runs on every server", { skip }, async () => {
  const cl = cluster();
  const store = await clusterStore(cl, "vacuum");
  const db = store.location.split("/").pop() as string;
  const urls = cl.servers.map((s) => s.url(db));
  await vacuumCase(store, urls, ["--node", urls[1] as string]);
  await store.close();
});
