/** The DuckDB schema (DESIGN §3). Money is BIGINT micros; counts are BIGINT; conversions are BIGINT micro-units. */
/** 5: tracked-event rollups (issue 24); 4: Google Ads account ids without dashes (issue 18); 3: conversions as micro-units (issue 22); 2: canonical source ids (issue 20); see migrations.ts. */
export const SCHEMA_VERSION = 5;

export const SPEND_COLUMNS = [
  ["date_start", "DATE NOT NULL"],
  ["date_end", "DATE NOT NULL"],
  ["source", "VARCHAR NOT NULL"],
  ["account_id", "VARCHAR NOT NULL"],
  ["account_name", "VARCHAR NOT NULL"],
  ["account_timezone", "VARCHAR NOT NULL"],
  ["currency", "VARCHAR NOT NULL"],
  ["campaign_id", "VARCHAR NOT NULL"],
  ["campaign", "VARCHAR NOT NULL"],
  ["ad_group_id", "VARCHAR NOT NULL"],
  ["ad_group", "VARCHAR NOT NULL"],
  ["ad_id", "VARCHAR NOT NULL"],
  ["ad", "VARCHAR NOT NULL"],
  ["placement", "VARCHAR NOT NULL"],
  ["country", "VARCHAR NOT NULL"],
  ["device", "VARCHAR NOT NULL"],
  ["age", "VARCHAR NOT NULL"],
  ["gender", "VARCHAR NOT NULL"],
  ["cost_micros", "BIGINT NOT NULL"],
  ["impressions", "BIGINT NOT NULL"],
  ["clicks", "BIGINT NOT NULL"],
  ["conversions_micros", "BIGINT NOT NULL"],
  ["conversion_value_micros", "BIGINT NOT NULL"],
  ["viewable_impressions", "BIGINT NOT NULL"],
  ["measurable_impressions", "BIGINT NOT NULL"],
  ["import_id", "BIGINT NOT NULL"],
] as const;

export const DUCKDB_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS cpi_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS spend (${SPEND_COLUMNS.map(([n, t]) => `${n} ${t}`).join(", ")})`,
  `CREATE TABLE IF NOT EXISTS platform_reach (
     source VARCHAR NOT NULL, account_id VARCHAR NOT NULL, level VARCHAR NOT NULL,
     campaign VARCHAR NOT NULL, ad_group VARCHAR NOT NULL, ad VARCHAR NOT NULL,
     date_start DATE NOT NULL, date_end DATE NOT NULL,
     reach BIGINT NOT NULL, impressions BIGINT NOT NULL, frequency DOUBLE, import_id BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS fx_rates (
     date DATE NOT NULL, base VARCHAR NOT NULL, currency VARCHAR NOT NULL, rate DOUBLE NOT NULL, origin VARCHAR NOT NULL,
     PRIMARY KEY (date, base, currency))`,
  `CREATE TABLE IF NOT EXISTS imports (
     id BIGINT PRIMARY KEY, file VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, format VARCHAR NOT NULL,
     sources VARCHAR NOT NULL, accounts VARCHAR NOT NULL, date_start DATE, date_end DATE,
     rows BIGINT NOT NULL, replaced_rows BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL)`,
  // First-party tracking (issue 4): valid events one row each, ts in UTC; visitor is a salted 64-bit hash.
  `CREATE TABLE IF NOT EXISTS events (
     ts TIMESTAMP NOT NULL, type VARCHAR NOT NULL, impression_id VARCHAR NOT NULL,
     campaign VARCHAR NOT NULL, creative VARCHAR NOT NULL, placement VARCHAR NOT NULL,
     visitor BIGINT NOT NULL, country VARCHAR NOT NULL, device VARCHAR NOT NULL, measurable BOOLEAN NOT NULL)`,
  // Which viewability measurement the tag used (issue 25: "io-v1", "io-v2", "" when none or unknown); added
  // after the first version, so an older store gains it when opened.
  `ALTER TABLE events ADD COLUMN IF NOT EXISTS measurement VARCHAR DEFAULT ''`,
  // Invalid traffic counted per reason in 15-minute UTC buckets (every zone's offset is a multiple of 15 min).
  `CREATE TABLE IF NOT EXISTS invalid_counts (
     ts TIMESTAMP NOT NULL, type VARCHAR NOT NULL, campaign VARCHAR NOT NULL, creative VARCHAR NOT NULL,
     placement VARCHAR NOT NULL, country VARCHAR NOT NULL, device VARCHAR NOT NULL, reason VARCHAR NOT NULL, n BIGINT NOT NULL)`,
  // Valid events counted per 15-minute UTC bucket × campaign × placement × creative (issue 24), written in
  // the transaction that appends the events; a key may have several rows (one per load), summed when read.
  `CREATE TABLE IF NOT EXISTS event_rollup (
     ts TIMESTAMP NOT NULL, campaign VARCHAR NOT NULL, placement VARCHAR NOT NULL, creative VARCHAR NOT NULL,
     events BIGINT NOT NULL, impressions BIGINT NOT NULL, clicks BIGINT NOT NULL)`,
  // The 1/64 hash sample of visitors (low 6 bits of the key at 0) per bucket × campaign × placement × creative
  // they had an impression in, written with the rollup (issue 24): reach estimates; a key may repeat across loads.
  `CREATE TABLE IF NOT EXISTS reach_sample (
     ts TIMESTAMP NOT NULL, campaign VARCHAR NOT NULL, placement VARCHAR NOT NULL, creative VARCHAR NOT NULL, visitor BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS contracts (
     id BIGINT PRIMARY KEY, campaign VARCHAR NOT NULL, placement VARCHAR NOT NULL, pricing VARCHAR NOT NULL,
     amount_micros BIGINT NOT NULL, currency VARCHAR NOT NULL, date_from DATE NOT NULL, date_to DATE NOT NULL,
     timezone VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)`,
  // How far each event log has been loaded: written in the same transaction as the rows (exactly once).
  `CREATE TABLE IF NOT EXISTS event_log_offsets (log_id VARCHAR PRIMARY KEY, log_offset BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL)`,
  `INSERT INTO cpi_meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING`,
];
