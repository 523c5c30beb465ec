import type { TimeGrain } from "../domain/query.js";
import { type Dialect, escapeLike, literalText } from "./dialect.js";

/** DuckDB SQL: ISO weeks start on Monday in date_trunc('week', …). */
export const duckdbDialect: Dialect = {
  name: "duckdb",
  groupingSets: true,
  quoteString: (s) => `'${literalText(s).replace(/'/g, "''")}'`,
  dateLiteral: (iso) => `DATE '${iso}'`,
  bucketStart(grain: TimeGrain, column: string) {
    if (grain === "day") return column;
    return `CAST(date_trunc('${grain}', ${column}) AS DATE)`;
  },
  dateToText: (expr) => `strftime(${expr}, '%Y-%m-%d')`,
  concat: (parts) => `(${parts.join(" || ")})`,
  timestampLiteral: (ms) => `TIMESTAMP '${new Date(ms).toISOString().replace("T", " ").replace("Z", "")}'`,
  // TIMESTAMP (UTC wall time) → instant → wall time in the zone; never the session's zone.
  // In UTC the stored wall time is the local one: no per-row zone conversion.
  localDate: (ts, tz) => (tz === "UTC" || tz === "Etc/UTC" ? `CAST(${ts} AS DATE)` : `CAST(timezone(${duckdbDialect.quoteString(tz)}, timezone('UTC', ${ts})) AS DATE)`),
  shiftedDate: (ts, seconds) => `CAST(${ts} + to_seconds(${seconds}) AS DATE)`,
  quarterHour: (ts) => `time_bucket(INTERVAL 15 MINUTE, ${ts})`,
  epochSeconds: (ts) => `CAST(epoch(${ts}) AS BIGINT)`,
  // DuckDB 1.5's approx_count_distinct keeps 64 HLL registers (±13 % measured): count exactly instead.
  sumMoney: (column) => `SUM(${column})`,
  distinctCount: (column) => `COUNT(DISTINCT ${column})`,
  inSubquery: (expr, subquery) => `${expr} IN (${subquery})`,
  containsInsensitive: (column, needle) => `lower(${column}) LIKE ${duckdbDialect.quoteString(`%${escapeLike(needle.toLowerCase())}%`)} ESCAPE '\\'`,
};
