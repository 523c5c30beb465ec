import type { Command } from "commander";
import { checkTimezone, FALLBACK_TIMEZONE, setStoreDefaultTimezone, storeDefaultTimezone } from "../../app/store-settings.js";
import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import { clickhouseUrl, initClickHouse, vacuumClickHouse, withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { renderTable } from "../render/table.js";

/** Sets the store's default time zone when `zone` is given; returns the one in force (UTC when none). */
async function defaultTimezoneOf(store: Store, zone: string | undefined): Promise<{ timezone: string; configured: boolean }> {
  const set = zone !== undefined ? await setStoreDefaultTimezone(store, zone) : await storeDefaultTimezone(store);
  return set ? { timezone: set, configured: true } : { timezone: FALLBACK_TIMEZONE, configured: false };
}

const zoneNote = (z: { timezone: string; configured: boolean }) =>
  `default account time zone: ${z.timezone}${z.configured ? "" : " (not configured: cpi init --timezone ZONE)"}`;

/** `cpi init`: creates an empty store (a DuckDB file, or the schema on ClickHouse). */
export function registerInit(program: Command, io: CliIo): void {
  program
    .command("init")
    .description("create an empty store: a DuckDB file, or the cpi schema on a ClickHouse server or cluster")
    .option("--cluster <name>", "a cluster from the servers' remote_servers config: local tables on every shard plus Distributed tables")
    .option("--node <url>", "another server of the cluster, clickhouse://user:password@host:8123 (repeatable; default: every host the cluster names, at --store's port)", collect, [])
    .option("--timezone <tz>", "the store's default account time zone (IANA name) for imported files that state none and no --timezone; on an existing store it replaces the default (rows already imported keep theirs)")
    .option("--vacuum", "ClickHouse: delete the rows no report sees (replaced by re-imports, failed imports, aborted loads); waits for imports in progress")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Running it again is safe: what exists is kept. On ClickHouse, spend and events go into MergeTree
tables partitioned by month; with --cluster, events are sharded by visitor (one visitor's events on
one shard) and spend by source × account × campaign. It prints the store's default account time
zone: what 'cpi import' gives rows of files that state no zone when --timezone is not passed.

Examples:
  $ cpi init                                          # ./cpi.duckdb (or --db PATH)
  $ cpi init --timezone Europe/Berlin                 # new or existing store: set the default time zone
  $ cpi init --store clickhouse://cpi:secret@db1:8123/ads
  $ cpi init --store clickhouse://cpi:secret@db1:8123/ads --cluster ads --node clickhouse://cpi:secret@db2:8123
  $ cpi init --store clickhouse://cpi:secret@db1:8123/ads --vacuum     # reclaim disk (asynchronous mutations)`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const zone = o.timezone === undefined ? undefined : checkTimezone(o.timezone); // before a store is created
      const url = clickhouseUrl(o, io);
      if (url === null) {
        const { location, tz } = await withStore(o, io, "write", async (s) => ({ location: s.location, tz: await defaultTimezoneOf(s, zone) }));
        if (format === "json") io.out(toJson({ engine: "duckdb", location, timezone: tz.timezone }));
        else io.err(`store ready: ${location}\n${zoneNote(tz)}\n`);
        return;
      }
      if (o.vacuum) {
        if (o.cluster) throw new UserError("bad_flag", "--vacuum works on an existing store: leave out --cluster (it is read from the store)");
        if (zone !== undefined) throw new UserError("bad_flag", "--vacuum and --timezone: run them as two commands");
        const v = await vacuumClickHouse(url, o.node as string[]);
        if (format === "json") io.out(toJson(v));
        else io.err(`vacuum: ${v.segments} replaced or uncommitted segments, ${v.abortedBatches} aborted loads and ${v.retiredBatches} loads whose rollup rows a compaction rewrote: ${v.mutations} mutations started on ${v.servers} server(s); ClickHouse deletes the rows in the background\n`);
        return;
      }
      const r = await initClickHouse(url, o.cluster ?? null, o.node as string[]);
      const tz = await withStore({ store: url }, io, "write", (s) => defaultTimezoneOf(s, zone));
      if (format === "json") {
        io.out(toJson({ engine: "clickhouse", database: r.database, cluster: r.cluster, servers: r.servers, timezone: tz.timezone }));
        return;
      }
      io.out(renderTable(["Server", "Shard"], r.servers.map((s) => [s.endpoint, s.shard === null ? "—" : String(s.shard)]), new Set([1])));
      io.err(`schema ready in database ${r.database}${r.cluster ? ` on cluster ${r.cluster}` : ""}\n${zoneNote(tz)}\n`);
    });
}
