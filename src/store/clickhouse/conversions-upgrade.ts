// Schema step 3 on ClickHouse (issue 22): conversions become exact integers of micro-units, like money,
// and the spend table is sorted by date first (the copy below takes the new sorting key too).
// `conversions Float64` summed differently on every server and on the cluster (…215, …222 where DuckDB
// said …271). 18.16 can neither rename a column nor change its values and type in one step, so each
// server's spend table is copied into a new table with `conversions_micros Int64` (rounded from the
// float) and swapped in by RENAME; the Distributed table and the `spend` view, which name the old
// column, are dropped here and re-created by cpi init's CREATE statements. It runs under the store's
// import lock, so no import writes meanwhile, and per server: a server already done is skipped, and a
// copy left by an interrupted run is dropped and made again.
import type { ClickHouseConnection } from "./connection.js";
import { SPEND_COLUMN_NAMES, tableDdl } from "./schema.js";

/** True when the server's spend table still has the float column. */
export async function needsConversionsUpgrade(c: ClickHouseConnection, database: string, cluster: string | null): Promise<boolean> {
  const local = cluster ? "spend_rows_local" : "spend_rows";
  const rows = await c.query(`SELECT name FROM system.columns WHERE database = '${database}' AND table = '${local}' AND name = 'conversions'`);
  return rows.length > 0;
}

/** Brings one server's spend table to micro-units (see the module comment). Idempotent. */
export async function upgradeConversions(c: ClickHouseConnection, database: string, cluster: string | null): Promise<void> {
  if (!(await needsConversionsUpgrade(c, database, cluster))) return;
  const local = cluster ? "spend_rows_local" : "spend_rows";
  const db = (t: string) => `${database}.${t}`;
  await c.command(`DROP TABLE IF EXISTS ${db("spend_rows_v3")}`);
  await c.command(tableDdl(database, "spend_rows", "spend_rows_v3"));
  const columns = [...SPEND_COLUMN_NAMES, "segment"];
  const select = columns.map((col) => (col === "conversions_micros" ? "toInt64(round(conversions * 1000000))" : col));
  await c.command(`INSERT INTO ${db("spend_rows_v3")} (${columns.join(", ")}) SELECT ${select.join(", ")} FROM ${db(local)}`);
  await c.command(`DROP TABLE IF EXISTS ${db("spend")}`);
  if (cluster) await c.command(`DROP TABLE IF EXISTS ${db("spend_rows")}`);
  await c.command(`RENAME TABLE ${db(local)} TO ${db("spend_rows_v1")}, ${db("spend_rows_v3")} TO ${db(local)}`);
  await c.command(`DROP TABLE ${db("spend_rows_v1")}`);
}
