// The stores a differential test compares: DuckDB in memory, one ClickHouse 18.16 server, the
// two-shard cluster (a database created on both servers with local + Distributed tables), and
// ClickHouse 26 in process (chdb) when it is installed.

import { ClickHouseStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { type ClickHouseTarget, parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { Store } from "../../src/store/store.js";
import { chdbSkipReason, chdbTarget } from "./chdb.js";
import type { TestCluster } from "./harness.js";

export interface NamedStore {
  name: string;
  store: Store;
}

let dbCounter = 0;

/** ClickHouseStore.open's options (the rollup compaction threshold). */
type StoreOptions = Parameters<typeof ClickHouseStore.open>[1];

/** Creates a fresh single-server ClickHouse store on the first server. */
export async function singleStore(c: TestCluster, prefix = "single", options: StoreOptions = {}): Promise<ClickHouseStore> {
  const url = (c.servers[0] as (typeof c.servers)[number]).url(`${prefix}_${process.pid}_${++dbCounter}`);
  await initClickHouseStore(parseClickHouseUrl(url), { cluster: null, nodes: [] });
  return ClickHouseStore.open(url, options);
}

/** Creates a fresh store sharded over every server of the cluster. */
export async function clusterStore(c: TestCluster, prefix = "sharded", options: StoreOptions = {}): Promise<ClickHouseStore> {
  const db = `${prefix}_${process.pid}_${++dbCounter}`;
  const [first, ...rest] = c.servers.map((s) => parseClickHouseUrl(s.url(db)));
  if (!first) throw new Error("no servers");
  await initClickHouseStore(first, { cluster: c.cluster, nodes: rest });
  return ClickHouseStore.openTarget(first, options);
}

/** Creates a fresh store in ClickHouse 26 (chdb, in this process). */
export async function chdbStore(prefix = "chdb", options: StoreOptions = {}): Promise<ClickHouseStore> {
  const target = chdbTarget(`${prefix}_${process.pid}_${++dbCounter}`);
  await initClickHouseStore(target, { cluster: null, nodes: [] });
  return ClickHouseStore.openTarget(target, options);
}

/** DuckDB, one ClickHouse 18.16 server, the cluster and ClickHouse 26 (when installed), each empty. */
export async function engineStores(c: TestCluster): Promise<NamedStore[]> {
  return [
    { name: "duckdb", store: await DuckDbStore.open(":memory:") },
    { name: "clickhouse", store: await singleStore(c) },
    { name: "cluster", store: await clusterStore(c) },
    ...(chdbSkipReason() ? [] : [{ name: "clickhouse-26", store: await chdbStore() }]),
  ];
}

/** Makes cpi_meta say what an earlier cpi wrote: schema version 1 (for the migrations `cpi init` runs). */
export async function markVersion1(target: ClickHouseTarget, cluster: string | null): Promise<void> {
  const raw = new ClickHouseConnection(target);
  try {
    await raw.command("TRUNCATE TABLE cpi_meta");
    await raw.command(`INSERT INTO cpi_meta VALUES ('schema_version', '1'), ('cluster', '${cluster ?? ""}')`);
  } finally {
    await raw.close();
  }
}
