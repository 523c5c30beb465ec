// test:slow
// A ClickHouse store set up by an older cpi (events without the `measurement` column of issue 25) is
// refused with what to do, and `cpi init` adds the column — on one server, and on every server of a
// cluster — keeping the events it held (their measurement reads as none) and taking new ones with it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { CLICKHOUSE_SCHEMA_VERSION, schemaStatements, tableDdl } from "../../src/store/clickhouse/schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { tempDir, write } from "../helpers.js";
import { clusterForFile } from "./harness.js";

const { skip, cluster: testCluster } = clusterForFile(2);

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
    const servers = testCluster().servers;
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

/**
 * Turns a fresh schema on one server back into what cpi made before schema 3: `conversions Float64`
 * (in the local table of a cluster, its Distributed table and the view), version 1.
 */
async function makeFloatConversions(url: string, database: string, cluster: string | null): Promise<void> {
  const raw = new ClickHouseConnection(parseClickHouseUrl(url));
  const db = (t: string) => `${database}.${t}`;
  try {
    const local = cluster ? "spend_rows_local" : "spend_rows";
    const view = schemaStatements(database, cluster).find((s) => s.startsWith(`CREATE VIEW IF NOT EXISTS ${database}.spend AS`)) as string;
    await raw.command(`DROP TABLE ${db("spend")}`);
    if (cluster) await raw.command(`DROP TABLE ${db("spend_rows")}`);
    await raw.command(`DROP TABLE ${db(local)}`);
    await raw.command(tableDdl(database, "spend_rows", local).replace("conversions_micros Int64", "conversions Float64"));
    if (cluster) {
      await raw.command(`CREATE TABLE ${db("spend_rows")} AS ${db(local)} ENGINE = Distributed(${cluster}, ${database}, ${local}, cityHash64(source, account_id, campaign_id))`);
    }
    await raw.command(view.replace("conversions_micros", "conversions"));
    await raw.command(`INSERT INTO ${db("cpi_meta")} VALUES ('schema_version', '1')`);
  } finally {
    await raw.close();
  }
}

/** Rows of 0.1 conversions committed under import 1, written as the float schema took them. */
async function insertFloatRows(url: string, database: string, n: number): Promise<void> {
  const raw = new ClickHouseConnection(parseClickHouseUrl(url));
  const db = (t: string) => `${database}.${t}`;
  try {
    const values = Array.from({ length: n }, (_, i) => `('2026-10-${String(1 + (i % 28)).padStart(2, "0")}', '2026-10-${String(1 + (i % 28)).padStart(2, "0")}', 'meta', 'acct-${i % 3}', 'c${i % 5}', 'Campaign ${i % 5}', 'USD', 1000000, 100, 1, 0.1, 1, ${1 + (i % 15)})`);
    await raw.command(`INSERT INTO ${db("spend_rows")} (date_start, date_end, source, account_id, campaign_id, campaign, currency, cost_micros, impressions, clicks, conversions, import_id, segment) VALUES ${values.join(", ")}`);
    await raw.command(`INSERT INTO ${db("segment_log")} (segment, delta, import_id) VALUES ${Array.from({ length: 15 }, (_, i) => `(${i + 1}, 1, 1)`).join(", ")}`);
  } finally {
    await raw.close();
  }
}

for (const kind of ["one server", "a cluster"] as const) {
  test(`float conversions of a schema-1 store on ${kind}: refused until cpi init, which makes them micro-units (schema 3) and keeps every row`, { skip }, async () => {
    const servers = testCluster().servers;
    const db = `floatconv_${kind === "one server" ? "single" : "sharded"}_${process.pid}`;
    const url = servers[0]?.url(db) as string;
    const cluster = kind === "a cluster" ? "cpi_test" : null;
    const clusterFlags = cluster ? ["--cluster", cluster, "--node", servers[1]?.url(db) as string] : [];
    assert.equal((await cpi("init", "--store", url, ...clusterFlags)).code, 0);
    const on = cluster ? servers : servers.slice(0, 1);
    for (const s of on) await makeFloatConversions(s.url(db), db, cluster);
    await insertFloatRows(url, db, 3000);

    const refused = await cpi("report", "--metrics", "conversions", "--format", "json", "--store", url);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`schema version 1, this cpi needs ${CLICKHOUSE_SCHEMA_VERSION}: run 'cpi init --store URL${cluster ? " --cluster cpi_test" : ""}' once to upgrade it`));

    const init = await cpi("init", "--store", url, ...clusterFlags);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await cpi("init", "--store", url, ...clusterFlags)).code, 0, "a second init changes nothing");
    const r = await cpi("report", "--by", "account", "--metrics", "conversions,impressions", "--format", "json", "--store", url);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      { account: "acct-0", conversions: 100, impressions: 100_000 },
      { account: "acct-1", conversions: 100, impressions: 100_000 },
      { account: "acct-2", conversions: 100, impressions: 100_000 },
    ]);
    for (const s of on) {
      const raw = new ClickHouseConnection(parseClickHouseUrl(s.url(db)));
      const cols = await raw.query(`SELECT table, name, type FROM system.columns WHERE database = '${db}' AND name LIKE 'conversions%' ORDER BY table`);
      assert.ok(cols.every((x) => x.name === "conversions_micros" && x.type === "Int64"), JSON.stringify(cols));
      await raw.close();
    }
    // New imports write micro-units.
    const dir = tempDir();
    write(dir, "new.csv", "date,source,account,campaign,currency,cost,impressions,clicks,conversions\n2026-11-01,meta,acct-9,New,USD,1.00,10,1,0.333333\n");
    assert.equal((await cpi("import", join(dir, "new.csv"), "--store", url)).code, 0);
    const n = await cpi("report", "--where", "account=acct-9", "--metrics", "conversions", "--format", "json", "--store", url);
    assert.equal((JSON.parse(n.stdout) as { conversions: number }[])[0]?.conversions, 0.333333);
  });
}
