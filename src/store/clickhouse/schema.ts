// The ClickHouse schema (DESIGN §3): the same tables as DuckDB's, as MergeTree tables partitioned by
// month. Replaceable data (spend, platform reach) and loaded events are written to `*_rows` tables and
// read through views that show only committed, live rows (see ARCHITECTURE.md, "Re-import on ClickHouse").
// With a cluster, each table is a `<name>_local` MergeTree on every shard plus a Distributed `<name>`.

/** 6: Google Ads account ids without dashes, audit lists spelled canonically (migrations.ts); 5: compacted rollups (the rollup and sample views hide retired batches, issue 24); 4: tracked-event rollups (issue 24); 3: conversions as Int64 micro-units, `conversions_micros` (issue 22); 2: canonical source ids (issue 20); see migrations.ts. */
export const CLICKHOUSE_SCHEMA_VERSION = 6;

interface TableDef {
  name: string;
  columns: string;
  engine: string;
  /** Distributed sharding key; "0" keeps a small table (and each commit) whole on the first shard. */
  shardBy: string;
}

const SPEND_ROW_COLUMNS = `date_start Date, date_end Date, source String, account_id String, account_name String,
  account_timezone String, currency String, campaign_id String, campaign String, ad_group_id String, ad_group String,
  ad_id String, ad String, placement String, country String, device String, age String, gender String,
  cost_micros Int64, impressions Int64, clicks Int64, conversions_micros Int64, conversion_value_micros Int64,
  viewable_impressions Int64, measurable_impressions Int64, import_id UInt64`;

/** The spend columns in DuckDB's order (what the `spend` view shows and inserts name). */
export const SPEND_COLUMN_NAMES = SPEND_ROW_COLUMNS.split(",").map((c) => c.trim().split(" ")[0] as string);

export const REACH_COLUMN_NAMES = [
  "source",
  "account_id",
  "level",
  "campaign",
  "ad_group",
  "ad",
  "date_start",
  "date_end",
  "reach",
  "impressions",
  "frequency",
  "import_id",
];

export const EVENT_COLUMN_NAMES = ["ts", "type", "impression_id", "campaign", "creative", "placement", "visitor", "country", "device", "measurable", "measurement"];
export const INVALID_COLUMN_NAMES = ["ts", "type", "campaign", "creative", "placement", "country", "device", "reason", "n"];
export const ROLLUP_COLUMN_NAMES = ["ts", "campaign", "placement", "creative", "events", "impressions", "clicks"];
export const REACH_SAMPLE_COLUMN_NAMES = ["ts", "campaign", "placement", "creative", "visitor"];

const TABLES: TableDef[] = [
  {
    name: "spend_rows",
    // A segment is a set of one import's rows of one source × account × campaign × month: the unit a
    // re-import retires. Its id is given by the writer (segment-ids.ts).
    columns: `${SPEND_ROW_COLUMNS}, segment UInt64`,
    // Sorted by date first: every report filters on a period (and a re-import on its window), so a
    // week reads that week's granules, not whole months of every campaign (issue 22; bench
    // clickhouse-layout). `segment` stays in the key: the live-segment set is then built while the
    // query is analysed, before parts are picked (ARCHITECTURE.md, "Re-import on ClickHouse").
    engine: "MergeTree PARTITION BY toYYYYMM(date_start) ORDER BY (date_start, source, account_id, campaign_id, segment)",
    shardBy: "cityHash64(source, account_id, campaign_id)",
  },
  {
    name: "reach_rows",
    columns: `source String, account_id String, level String, campaign String, ad_group String, ad String,
      date_start Date, date_end Date, reach Int64, impressions Int64, frequency Nullable(Float64), import_id UInt64,
      segment UInt64`,
    engine: "MergeTree PARTITION BY toYYYYMM(date_start) ORDER BY (source, account_id, date_start, segment)",
    shardBy: "cityHash64(source, account_id)",
  },
  {
    // The commit log of replaceable data: +1 makes a segment live, -1 retires it. One import commits
    // with ONE insert (one block, one part: atomic), so a reader sees all of it or none of it.
    name: "segment_log",
    columns: "segment UInt64, delta Int8, import_id UInt64, at DateTime('UTC') DEFAULT now()",
    engine: "MergeTree ORDER BY (segment, import_id)",
    shardBy: "0",
  },
  {
    name: "imports",
    columns: `id UInt64, file String, content_hash String, format String, sources String, accounts String,
      date_start Nullable(Date), date_end Nullable(Date), rows UInt64, replaced_rows UInt64, imported_at DateTime('UTC')`,
    engine: "MergeTree ORDER BY id",
    shardBy: "0",
  },
  {
    name: "fx_rates",
    columns: "date Date, base String, currency String, rate Float64, origin String, version UInt64",
    engine: "ReplacingMergeTree(version) ORDER BY (date, base, currency)",
    shardBy: "0",
  },
  {
    // Events keep their millisecond in ts_ms (DateTime has whole seconds); `batch` names the load attempt.
    name: "events_rows",
    columns: `ts DateTime('UTC'), ts_ms UInt16, type String, impression_id String, campaign String, creative String,
      placement String, visitor Int64, country String, device String, measurable UInt8, batch UInt64,
      measurement String DEFAULT ''`,
    engine: "MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (campaign, ts)",
    // One visitor's events on one shard: reach by visitor never needs another shard's rows.
    shardBy: "cityHash64(visitor)",
  },
  {
    name: "invalid_rows",
    columns: `ts DateTime('UTC'), type String, campaign String, creative String, placement String, country String,
      device String, reason String, n UInt64, batch UInt64`,
    engine: "MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (campaign, ts)",
    shardBy: "cityHash64(campaign)",
  },
  {
    // Valid events counted per 15-minute UTC bucket × campaign × placement × creative (issue 24), written
    // by the load attempt that writes the events (same batch id: hidden with them when it is aborted).
    // Plain rows summed when read: a SummingMergeTree would gain little, as `batch` must stay in its key.
    name: "rollup_rows",
    columns: `ts DateTime('UTC'), campaign String, placement String, creative String, events UInt64, impressions UInt64,
      clicks UInt64, batch UInt64`,
    engine: "MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (campaign, ts)",
    shardBy: "cityHash64(campaign)",
  },
  {
    // The 1/64 hash sample of visitors (bitAnd(visitor, 63) = 0) per 15-minute UTC bucket × campaign × placement
    // × creative they had an impression in (issue 24), written by the load attempt that writes the events.
    // Sharded like events (by visitor): schema 4 builds each shard's sample from its own events.
    name: "reach_sample_rows",
    columns: "ts DateTime('UTC'), campaign String, placement String, creative String, visitor Int64, batch UInt64",
    engine: "MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (campaign, ts)",
    shardBy: "cityHash64(visitor)",
  },
  {
    // Load attempts of event-log ranges: 'started' before rows are written, then 'done' or 'aborted'.
    name: "event_batches",
    columns: "log_id String, batch UInt64, from_offset UInt64, to_offset UInt64, state String, at DateTime('UTC') DEFAULT now()",
    engine: "MergeTree ORDER BY (log_id, to_offset)",
    shardBy: "0",
  },
  {
    // Contracts change by inserting a newer version (deleted = 1 removes one); read with argMax.
    name: "contract_versions",
    columns: `id UInt64, campaign String, placement String, pricing String, amount_micros Int64, currency String,
      date_from Date, date_to Date, timezone String, created_at DateTime('UTC'), deleted UInt8, version UInt64`,
    engine: "ReplacingMergeTree(version) ORDER BY id",
    shardBy: "0",
  },
  {
    // API tokens (store/clickhouse/api-tokens.ts reads and writes it); in the schema so that on a
    // cluster every server sees the same tokens.
    name: "api_token_versions",
    columns: "id UInt64, name String, hash String, prefix String, created_at String, deleted UInt8, version UInt64",
    engine: "MergeTree ORDER BY (id, version)",
    shardBy: "0",
  },
];

/**
 * The batches whose rollup and sample rows the views hide, as ONE subquery (read once per query, so a
 * compaction's switch is seen whole): aborted or retired ones, and compactions not switched on yet
 * (rollup-compaction.ts).
 */
export function hiddenRollupBatches(): string {
  return `SELECT batch FROM event_batches WHERE state IN ('aborted', 'retired', 'compacting', 'compacted') GROUP BY batch
    HAVING countIf(state IN ('aborted', 'retired')) > 0 OR countIf(state = 'compacted') = 0`;
}

/** What the live views show: committed segments, events of attempts that were not aborted, rollups that are not retired. */
function views(global: string): string[] {
  const liveSegments = `segment ${global}IN (SELECT segment FROM segment_log GROUP BY segment HAVING sum(delta) > 0)`;
  const notAborted = `batch ${global}NOT IN (SELECT batch FROM event_batches WHERE state = 'aborted')`;
  const rollupLive = `batch ${global}NOT IN (${hiddenRollupBatches()})`;
  return [
    `CREATE VIEW IF NOT EXISTS spend AS SELECT ${SPEND_COLUMN_NAMES.join(", ")} FROM spend_rows WHERE ${liveSegments}`,
    `CREATE VIEW IF NOT EXISTS platform_reach AS SELECT ${REACH_COLUMN_NAMES.join(", ")} FROM reach_rows WHERE ${liveSegments}`,
    `CREATE VIEW IF NOT EXISTS events AS SELECT ${EVENT_COLUMN_NAMES.join(", ")} FROM events_rows WHERE ${notAborted}`,
    `CREATE VIEW IF NOT EXISTS invalid_counts AS SELECT ${INVALID_COLUMN_NAMES.join(", ")} FROM invalid_rows WHERE ${notAborted}`,
    `CREATE VIEW IF NOT EXISTS event_rollup AS SELECT ${ROLLUP_COLUMN_NAMES.join(", ")} FROM rollup_rows WHERE ${rollupLive}`,
    `CREATE VIEW IF NOT EXISTS reach_sample AS SELECT ${REACH_SAMPLE_COLUMN_NAMES.join(", ")} FROM reach_sample_rows WHERE ${rollupLive}`,
    `CREATE VIEW IF NOT EXISTS contracts AS SELECT id, argMax(campaign, version) AS campaign, argMax(placement, version) AS placement,
       argMax(pricing, version) AS pricing, argMax(amount_micros, version) AS amount_micros, argMax(currency, version) AS currency,
       argMax(date_from, version) AS date_from, argMax(date_to, version) AS date_to, argMax(timezone, version) AS timezone,
       argMax(created_at, version) AS created_at, argMax(deleted, version) AS deleted
     FROM contract_versions GROUP BY id HAVING deleted = 0`,
    `CREATE VIEW IF NOT EXISTS event_log_offsets AS SELECT log_id, max(to_offset) AS log_offset FROM event_batches WHERE state = 'done' GROUP BY log_id`,
  ];
}

/**
 * The statements that create the schema in `database` on ONE server. With `cluster`, every server of
 * the cluster runs the same statements: local tables, Distributed tables over them, and the views.
 * @example schemaStatements("cpi", null)[0] // "CREATE DATABASE IF NOT EXISTS cpi"
 */
export function schemaStatements(database: string, cluster: string | null): string[] {
  const out = [`CREATE DATABASE IF NOT EXISTS ${database}`];
  out.push(`CREATE TABLE IF NOT EXISTS ${database}.cpi_meta (key String, value String) ENGINE = TinyLog`);
  for (const t of TABLES) {
    if (cluster) {
      out.push(`CREATE TABLE IF NOT EXISTS ${database}.${t.name}_local (${t.columns}) ENGINE = ${t.engine}`);
      out.push(
        `CREATE TABLE IF NOT EXISTS ${database}.${t.name} AS ${database}.${t.name}_local ENGINE = Distributed(${cluster}, ${database}, ${t.name}_local, ${t.shardBy})`,
      );
    } else {
      out.push(`CREATE TABLE IF NOT EXISTS ${database}.${t.name} (${t.columns}) ENGINE = ${t.engine}`);
    }
  }
  out.push(...qualifiedViews(database, cluster));
  return out;
}

/** The CREATE VIEW statements with every table named in `database`. */
function qualifiedViews(database: string, cluster: string | null): string[] {
  return views(cluster ? "GLOBAL " : "").map((v) =>
    v.replace(/^CREATE VIEW IF NOT EXISTS (\w+)/, `CREATE VIEW IF NOT EXISTS ${database}.$1`).replace(/ FROM (\w+)/g, ` FROM ${database}.$1`),
  );
}

/**
 * What a schema made by an earlier cpi lacks, as statements for ONE server, given which columns it has
 * (`has(table, column)`): the events' `measurement` column (issue 25) on the written tables, and the
 * `events` view re-created to show it. Empty when nothing is missing.
 * @example schemaUpgrades("cpi", null, () => true) // []
 */
export function schemaUpgrades(database: string, cluster: string | null, has: (table: string, column: string) => boolean): string[] {
  const out: string[] = [];
  for (const t of cluster ? ["events_rows_local", "events_rows"] : ["events_rows"]) {
    if (!has(t, "measurement")) out.push(`ALTER TABLE ${database}.${t} ADD COLUMN measurement String DEFAULT ''`);
  }
  if (!has("events", "measurement")) {
    const view = qualifiedViews(database, cluster).find((v) => v.startsWith(`CREATE VIEW IF NOT EXISTS ${database}.events AS`));
    out.push(`DROP TABLE IF EXISTS ${database}.events`, view as string);
  }
  return out;
}

/** The CREATE TABLE of schema table `name` (its local MergeTree on a cluster) under another name `as`. */
export function tableDdl(database: string, name: string, as: string): string {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name} in the schema`);
  return `CREATE TABLE ${database}.${as} (${t.columns}) ENGINE = ${t.engine}`;
}

/** Every table and view the schema creates (what `cpi init` checks and what a drop would remove). */
export const SCHEMA_TABLES = [...TABLES.map((t) => t.name), "spend", "platform_reach", "events", "invalid_counts", "event_rollup", "reach_sample", "contracts", "event_log_offsets"];

/**
 * Schema 4 on one server of a store made before it: the rollup of the events it holds, local table from
 * local table (a shard's rollup rows count that shard's events), batch by batch, skipping batches already
 * rolled up (a second `cpi init` after one that stopped midway adds only what is missing).
 */
export function buildRollupStatement(database: string, cluster: string | null): string {
  const t = (name: string) => `${database}.${name}${cluster ? "_local" : ""}`;
  return `INSERT INTO ${t("rollup_rows")} (${ROLLUP_COLUMN_NAMES.join(", ")}, batch)
    SELECT toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC') AS b, campaign, placement, creative, count(), countIf(type = 'impression'), countIf(type = 'click'), batch
    FROM ${t("events_rows")} WHERE batch NOT IN (SELECT DISTINCT batch FROM ${t("rollup_rows")})
    GROUP BY b, campaign, placement, creative, batch`;
}

/** Schema 4 on one server: the visitor sample of the impressions it holds, local from local, batch by batch (as `buildRollupStatement`). */
export function buildReachSampleStatement(database: string, cluster: string | null): string {
  const t = (name: string) => `${database}.${name}${cluster ? "_local" : ""}`;
  return `INSERT INTO ${t("reach_sample_rows")} (${REACH_SAMPLE_COLUMN_NAMES.join(", ")}, batch)
    SELECT DISTINCT toDateTime(intDiv(toUInt32(ts), 900) * 900, 'UTC') AS b, campaign, placement, creative, visitor, batch
    FROM ${t("events_rows")} WHERE type = 'impression' AND bitAnd(visitor, 63) = 0 AND batch NOT IN (SELECT DISTINCT batch FROM ${t("reach_sample_rows")})`;
}
