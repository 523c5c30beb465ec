// test:slow
// A ClickHouse store set up by an older cpi (events without the `measurement` column of issue 25) is
// refused with what to do, and `cpi init` adds the column — on one server, and on every server of a
// cluster — keeping the events it held (their measurement reads as none) and taking new ones with it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { schemaStatements } from "../../src/store/clickhouse/schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { tempDir } from "../helpers.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
before(async () => {
  if (!skip) c = await startClickHouse(2);
});
after(async () => {
  await c?.stop();
});

async function cpi(...argv: string[]) {
  const io = memoryIo({}, tempDir());
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Turns a fresh schema on one server back into what cpi made before issue 25, with one old event. */
async function makeOld(url: string, database: string, cluster: string | null): Promise<void> {
  const raw = new ClickHouseConnection(parseClickHouseUrl(url));
  try {
    const view = schemaStatements(database, cluster).find((s) => s.startsWith(`CREATE VIEW IF NOT EXISTS ${database}.events AS`)) as string;
    await raw.command(`DROP TABLE ${database}.events`);
    for (const t of cluster ? ["events_rows", "events_rows_local"] : ["events_rows"]) await raw.command(`ALTER TABLE ${database}.${t} DROP COLUMN measurement`);
    await raw.command(view.replace(", measurement FROM", " FROM"));
  } finally {
    await raw.close();
  }
}

const event = (id: string, measurement?: "io-v2"): TrackedEvent => ({
  ts: Date.parse("2026-10-02T10:00:00Z"),
  type: "impression",
  impression_id: id,
  campaign: "Old",
  creative: "",
  placement: "",
  visitor: "00000000000000ab",
  country: "",
  device: "desktop",
  measurable: measurement !== undefined,
  ...(measurement ? { measurement } : {}),
  reason: "",
});

const REPORT = ["report", "--where", "source=tracked", "--by", "measurement", "--metrics", "impressions,measurable_impressions", "--format", "json"];

for (const kind of ["one server", "a cluster"] as const) {
  test(`an older schema on ${kind}: refused with what to do, then cpi init adds the column and keeps the events`, { skip }, async () => {
    const servers = (c as TestCluster).servers;
    const db = `old_${kind === "one server" ? "single" : "sharded"}_${process.pid}`;
    const url = servers[0]?.url(db) as string;
    const clusterFlags = kind === "a cluster" ? ["--cluster", "cpi_test", "--node", servers[1]?.url(db) as string] : [];
    assert.equal((await cpi("init", "--store", url, ...clusterFlags)).code, 0);
    const before = await ClickHouseStore.open(url);
    await before.appendTrackedEvents({ logId: "log", from: 0, to: 1, events: [event("before")] });
    await before.close();
    for (const s of kind === "a cluster" ? servers : servers.slice(0, 1)) await makeOld(s.url(db), db, kind === "a cluster" ? "cpi_test" : null);

    const refused = await cpi(...REPORT, "--store", url);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /set up by an older cpi \(its events have no measurement column\): run 'cpi init --store URL/);
    if (kind === "a cluster") assert.match(refused.stderr, /--cluster cpi_test/);

    const init = await cpi("init", "--store", url, ...clusterFlags);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await cpi("init", "--store", url, ...clusterFlags)).code, 0, "a second init changes nothing");
    const store = await ClickHouseStore.open(url);
    await store.appendTrackedEvents({ logId: "log", from: 1, to: 2, events: [event("after", "io-v2")] });
    await store.close();
    const r = await cpi(...REPORT, "--store", url);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      { measurement: "", impressions: 1, measurable_impressions: 0 },
      { measurement: "io-v2", impressions: 1, measurable_impressions: 1 },
    ]);
  });
}
