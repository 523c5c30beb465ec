// Schema migrations 2 and 6 of a ClickHouse store, which `cpi init` runs on a store older than it
// before the schema steps (init-schema.ts; the DuckDB counterpart is store/duckdb/migrations.ts).
// cpi_meta is a TinyLog table, so a step appends the version it reached and the highest one counts.
// Numbers are reserved across issues (2: canonical source ids; 3, 4, 5: schema steps of other issues,
// in init-schema.ts; 6: Google Ads account ids without dashes, audit lists spelled canonically).
import { canonicalAccountList, canonicalSourceList } from "../../domain/audit-lists.js";
import { storedAliases } from "../../domain/sources.js";
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { ClickHouseConnection } from "./connection.js";
import { withImportLock } from "./import-lock.js";
import { maxImportId } from "./spend-import.js";

const q = clickhouseDialect.quoteString;

/** What a step works on: the store URL's server (its Distributed tables on a cluster) and every server of the store. */
interface MigrationContext {
  conn: ClickHouseConnection;
  cluster: string | null;
  store: string;
  /** Each server's connection, for its local tables (the store URL's server's alone for one server). */
  servers: readonly ClickHouseConnection[];
}

interface Migration {
  version: number;
  /**
   * True when the step writes its version into cpi_meta (the steps before the schema steps of
   * init-schema.ts, which look at the version); a later step leaves it to init, which writes the
   * latest version on every server once the schema is up to date.
   */
  recorded: boolean;
  apply: (c: MigrationContext) => Promise<void>;
}

/** transform(column, [from…], [to…], column): each stored alias to its canonical id. */
function renamed(column: string, pairs: readonly [string, string][]): string {
  return `transform(${column}, [${pairs.map(([a]) => q(a)).join(", ")}], [${pairs.map(([, id]) => q(id)).join(", ")}], ${column})`;
}

/**
 * Copies the live segments of spend_rows and reach_rows holding rows `where` selects, with the columns
 * `rewrite` names given new values, into new segments; one segment_log insert makes the copies live
 * and retires the originals, as an import does (readers see all of it or none of it). The columns it
 * rewrites are in the tables' sort and sharding keys, so rows are not updated in place.
 */
async function rewriteSegments(conn: ClickHouseConnection, cluster: string | null, store: string, where: string, rewrite: Record<string, string>): Promise<void> {
  const global = cluster ? "GLOBAL " : "";
  const live = `segment ${global}IN (SELECT segment FROM segment_log GROUP BY segment HAVING sum(delta) > 0)`;
  const found = await conn.query(`SELECT (SELECT count() FROM spend_rows WHERE ${where}) + (SELECT count() FROM reach_rows WHERE ${where}) AS n`);
  if (Number(found[0]?.n ?? 0) === 0) return;
  await withImportLock(
    conn,
    async (lock) => {
      const id = Math.max(await maxImportId(conn), lock.reservedBefore) + 1;
      await lock.reserve(id);
      const retired = new Set<string>();
      for (const table of ["spend_rows", "reach_rows"]) {
        // The table's own columns: a store from before schema 3 still has its Float64 conversions.
        const columns = (await conn.query(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${q(table)} AND name <> 'segment'`)).map((r) => String(r.name));
        const segments = (await conn.query(`SELECT DISTINCT segment FROM ${table} WHERE ${where} AND ${live}`)).map((r) => String(r.segment));
        if (segments.length === 0) continue;
        for (const s of segments) retired.add(s);
        const copied = columns.map((c) => rewrite[c] ?? (c === "import_id" ? `toUInt64(${id})` : c));
        await conn.command(`INSERT INTO ${table} (${columns.join(", ")}, segment) SELECT ${copied.join(", ")}, sipHash64(toUInt64(${id}), segment) FROM ${table} WHERE segment IN (${segments.join(", ")})`);
      }
      const copies = new Set((await conn.query(`SELECT DISTINCT segment FROM spend_rows WHERE import_id = ${id} UNION ALL SELECT DISTINCT segment FROM reach_rows WHERE import_id = ${id}`)).map((r) => String(r.segment)));
      const log = [...[...copies].map((s) => `(${s}, 1, ${id})`), ...[...retired].map((s) => `(${s}, -1, ${id})`)];
      if (retired.size) await lock.committing(() => conn.command(`INSERT INTO segment_log (segment, delta, import_id) VALUES ${log.join(", ")}`));
    },
    { store },
  );
}

/** True when the server holds campaign statuses (a table made on first use). */
async function hasStatuses(conn: ClickHouseConnection): Promise<boolean> {
  return Number((await conn.query("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'campaign_status_versions'"))[0]?.n ?? 0) > 0;
}

/**
 * Campaign statuses (a small table on the server that wrote them) `where` selects: copied with the
 * columns `rewrite` names given new values (the later version of a campaign's still wins), then the
 * originals go.
 */
async function rewriteStatuses(conn: ClickHouseConnection, where: string, rewrite: Record<string, string>): Promise<void> {
  if (!(await hasStatuses(conn))) return;
  if (Number((await conn.query(`SELECT count() AS n FROM campaign_status_versions WHERE ${where}`))[0]?.n ?? 0) === 0) return;
  const columns = ["source", "account_id", "campaign_id", "campaign", "state", "reported", "as_of", "version"];
  await conn.command(`INSERT INTO campaign_status_versions SELECT ${columns.map((c) => rewrite[c] ?? c).join(", ")} FROM campaign_status_versions WHERE ${where}`);
  await conn.command(`ALTER TABLE campaign_status_versions DELETE WHERE ${where}`);
  await mutationsDone(conn, "campaign_status_versions");
}

/**
 * 2: every platform's source id spelled one way ("google_ads" → "google-ads"), in the rows and the
 * campaign statuses.
 */
const canonicalSourceIds: Migration = {
  version: 2,
  recorded: true,
  apply: async ({ conn, cluster, store }) => {
    const stored = [...new Set((await conn.query("SELECT DISTINCT source FROM spend_rows UNION ALL SELECT DISTINCT source FROM reach_rows")).map((r) => String(r.source)))];
    const pairs = storedAliases(stored);
    if (pairs.length > 0) await rewriteSegments(conn, cluster, store, `source IN (${pairs.map(([a]) => q(a)).join(", ")})`, { source: renamed("source", pairs) });
    if (await hasStatuses(conn)) {
      const statusPairs = storedAliases((await conn.query("SELECT DISTINCT source FROM campaign_status_versions")).map((r) => String(r.source)));
      if (statusPairs.length) await rewriteStatuses(conn, `source IN (${statusPairs.map(([a]) => q(a)).join(", ")})`, { source: renamed("source", statusPairs) });
    }
  },
};

/** A Google Ads row whose account id is a customer id with dashes (SQL). */
const DASHED_GOOGLE = "source = 'google-ads' AND match(account_id, '^[0-9]{3}-[0-9]{3}-[0-9]{4}$')";

/**
 * 6: Google Ads customer ids stored as "123-456-7890" (UI exports imported before cpi stored the
 * digits, domain/account-ids.ts) become the 10 digits, in the rows, the platform reach and the campaign
 * statuses (as DuckDB's migration 4); and the audit trail's lists (imports.sources and .accounts) are
 * spelled as the rows now are: the canonical source ids of migration 2, which left them as they were,
 * and the account ids without dashes. The step is idempotent, so an init that stopped part-way runs
 * it again; the version is recorded on every server by init-schema.ts once the schema steps are done.
 */
const googleAccountIds: Migration = {
  version: 6,
  recorded: false,
  apply: async ({ conn, cluster, store, servers }) => {
    // A segment is one source × account, so all its rows are dashed or none; the condition says so anyway.
    const digits = { account_id: `if(${DASHED_GOOGLE}, replaceAll(account_id, '-', ''), account_id)` };
    await rewriteSegments(conn, cluster, store, DASHED_GOOGLE, digits);
    for (const server of servers) {
      await rewriteStatuses(server, DASHED_GOOGLE, digits);
      await rewriteAuditLists(server, cluster ? "imports_local" : "imports");
    }
  },
};

/** The imports rows (on one server) whose sources or accounts list is not spelled canonically, rewritten by one mutation. */
async function rewriteAuditLists(conn: ClickHouseConnection, table: string): Promise<void> {
  const changed: { id: string; sources: string; accounts: string }[] = [];
  for (const r of await conn.query(`SELECT toString(id) AS id, sources, accounts FROM ${table}`)) {
    const sources = canonicalSourceList(String(r.sources));
    const accounts = canonicalAccountList(sources, String(r.accounts));
    if (sources !== r.sources || accounts !== r.accounts) changed.push({ id: String(r.id), sources, accounts });
  }
  if (changed.length === 0) return;
  const ids = `[${changed.map((c) => q(c.id)).join(", ")}]`;
  const to = (k: "sources" | "accounts") => `transform(toString(id), ${ids}, [${changed.map((c) => q(c[k])).join(", ")}], ${k})`;
  await conn.command(`ALTER TABLE ${table} UPDATE sources = ${to("sources")}, accounts = ${to("accounts")} WHERE has(${ids}, toString(id))`);
  await mutationsDone(conn, table);
}

/** Waits until the table's mutations have run (a DELETE is a background mutation on ClickHouse). */
async function mutationsDone(conn: ClickHouseConnection, table: string): Promise<void> {
  for (let waited = 0; ; waited += 50) {
    const n = Number((await conn.query(`SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table = ${q(table)} AND is_done = 0`))[0]?.n ?? 0);
    if (n === 0) return;
    if (waited > 60_000) throw new Error(`migration 2: the deletion of aliased rows from ${table} has not finished after a minute`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const MIGRATIONS: readonly Migration[] = [canonicalSourceIds, googleAccountIds];

/** Brings a store at `version` up to `latest`, step by step, recording the steps that record themselves in cpi_meta. */
export async function migrateClickHouse(c: MigrationContext, version: number, latest: number): Promise<void> {
  for (const m of MIGRATIONS) {
    if (m.version <= version || m.version > latest) continue;
    await m.apply(c);
    if (m.recorded) await c.conn.command(`INSERT INTO cpi_meta VALUES ('schema_version', '${m.version}')`);
  }
}
