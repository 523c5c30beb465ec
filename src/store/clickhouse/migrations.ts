// Schema migration 2 of a ClickHouse store, which `cpi init` runs on a store older than it before the
// later steps (init-schema.ts; the DuckDB counterpart is store/duckdb/migrations.ts). cpi_meta is a TinyLog table, so a step appends the
// version it reached and the highest one counts. Numbers are reserved across issues (2: canonical
// source ids; 3, 4: other issues).
import { storedAliases } from "../../domain/sources.js";
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { ClickHouseConnection } from "./connection.js";
import { withImportLock } from "./import-lock.js";
import { maxImportId } from "./spend-import.js";

const q = clickhouseDialect.quoteString;

interface Migration {
  version: number;
  apply: (conn: ClickHouseConnection, cluster: string | null, store: string) => Promise<void>;
}

/** transform(column, [from…], [to…], column): each stored alias to its canonical id. */
function renamed(column: string, pairs: readonly [string, string][]): string {
  return `transform(${column}, [${pairs.map(([a]) => q(a)).join(", ")}], [${pairs.map(([, id]) => q(id)).join(", ")}], ${column})`;
}

/**
 * 2: every platform's source id spelled one way ("google_ads" → "google-ads"). The source is part of
 * the tables' sort and sharding keys, so rows are not updated in place: the live segments holding an
 * alias are copied under the canonical id into new segments, and one segment_log insert makes the
 * copies live and retires the originals, as an import does (readers see all of it or none of it).
 */
const canonicalSourceIds: Migration = {
  version: 2,
  apply: async (conn, cluster, store) => {
    const global = cluster ? "GLOBAL " : "";
    const live = `segment ${global}IN (SELECT segment FROM segment_log GROUP BY segment HAVING sum(delta) > 0)`;
    const stored = [...new Set((await conn.query("SELECT DISTINCT source FROM spend_rows UNION ALL SELECT DISTINCT source FROM reach_rows")).map((r) => String(r.source)))];
    const pairs = storedAliases(stored);
    if (pairs.length > 0) {
      const aliases = pairs.map(([a]) => q(a)).join(", ");
      await withImportLock(
        conn,
        async (lock) => {
          const id = Math.max(await maxImportId(conn), lock.reservedBefore) + 1;
          await lock.reserve(id);
          const retired = new Set<string>();
          for (const table of ["spend_rows", "reach_rows"]) {
            // The table's own columns: a store from before schema 3 still has its Float64 conversions.
            const columns = (await conn.query(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${q(table)} AND name <> 'segment'`)).map((r) => String(r.name));
            const segments = (await conn.query(`SELECT DISTINCT segment FROM ${table} WHERE source IN (${aliases}) AND ${live}`)).map((r) => String(r.segment));
            if (segments.length === 0) continue;
            for (const s of segments) retired.add(s);
            const copied = columns.map((c) => (c === "source" ? renamed("source", pairs) : c === "import_id" ? `toUInt64(${id})` : c));
            await conn.command(`INSERT INTO ${table} (${columns.join(", ")}, segment) SELECT ${copied.join(", ")}, sipHash64(toUInt64(${id}), segment) FROM ${table} WHERE segment IN (${segments.join(", ")})`);
          }
          const copies = new Set((await conn.query(`SELECT DISTINCT segment FROM spend_rows WHERE import_id = ${id} UNION ALL SELECT DISTINCT segment FROM reach_rows WHERE import_id = ${id}`)).map((r) => String(r.segment)));
          const log = [...[...copies].map((s) => `(${s}, 1, ${id})`), ...[...retired].map((s) => `(${s}, -1, ${id})`)];
          if (retired.size) await lock.committing(() => conn.command(`INSERT INTO segment_log (segment, delta, import_id) VALUES ${log.join(", ")}`));
        },
        { store },
      );
    }
    // Campaign statuses (a small table on the server that wrote them): copies under the canonical id, then the originals go.
    if (Number((await conn.query("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'campaign_status_versions'"))[0]?.n ?? 0) > 0) {
      const statusPairs = storedAliases((await conn.query("SELECT DISTINCT source FROM campaign_status_versions")).map((r) => String(r.source)));
      if (statusPairs.length) {
        const list = statusPairs.map(([a]) => q(a)).join(", ");
        await conn.command(
          `INSERT INTO campaign_status_versions SELECT ${renamed("source", statusPairs)}, account_id, campaign_id, campaign, state, reported, as_of, version FROM campaign_status_versions WHERE source IN (${list})`,
        );
        await conn.command(`ALTER TABLE campaign_status_versions DELETE WHERE source IN (${list})`);
        await mutationsDone(conn, "campaign_status_versions");
      }
    }
  },
};

/** Waits until the table's mutations have run (a DELETE is a background mutation on ClickHouse). */
async function mutationsDone(conn: ClickHouseConnection, table: string): Promise<void> {
  for (let waited = 0; ; waited += 50) {
    const n = Number((await conn.query(`SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table = ${q(table)} AND is_done = 0`))[0]?.n ?? 0);
    if (n === 0) return;
    if (waited > 60_000) throw new Error(`migration 2: the deletion of aliased rows from ${table} has not finished after a minute`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const MIGRATIONS: readonly Migration[] = [canonicalSourceIds];

/** Brings a store at `version` up to `latest`, step by step, recording each step in cpi_meta. */
export async function migrateClickHouse(conn: ClickHouseConnection, cluster: string | null, store: string, version: number, latest: number): Promise<void> {
  for (const m of MIGRATIONS) {
    if (m.version <= version || m.version > latest) continue;
    await m.apply(conn, cluster, store);
    await conn.command(`INSERT INTO cpi_meta VALUES ('schema_version', '${m.version}')`);
  }
}
