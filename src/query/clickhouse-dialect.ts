import type { TimeGrain } from "../domain/query.js";
import { type Dialect, escapeLike, literalText } from "./dialect.js";

function quote(s: string): string {
  return `'${literalText(s).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * ClickHouse SQL, kept to what 18.16 has: toMonday / toStartOfMonth for ISO weeks and months,
 * toDate(ts, zone) for a UTC DateTime's day in a zone, uniqExact for reach. String literals
 * escape backslashes (ClickHouse reads them as escapes); LIKE escapes with a backslash by default.
 */
export const clickhouseDialect: Dialect = {
  name: "clickhouse",
  quoteString: quote,
  dateLiteral: (iso) => `toDate(${quote(iso)})`,
  bucketStart(grain: TimeGrain, column: string) {
    if (grain === "day") return column;
    return grain === "week" ? `toMonday(${column})` : `toStartOfMonth(${column})`;
  },
  dateToText: (expr) => `toString(${expr})`,
  concat: (parts) => `concat(${parts.join(", ")})`,
  // DateTime has whole seconds; every bound the compiler makes (zone midnights) is a whole second.
  timestampLiteral: (ms) => `toDateTime(${Math.floor(ms / 1000)}, 'UTC')`,
  localDate: (ts, tz) => `toDate(${ts}, ${quote(tz)})`,
  quarterHour: (ts) => `toDateTime(intDiv(toUInt32(${ts}), 900) * 900, 'UTC')`,
  epochSeconds: (ts) => `toUInt32(${ts})`,
  // Decimal128 never wraps; its JSON is an unquoted number (JSON.parse would round it), so text.
  sumMoney: (column) => `toString(sum(toDecimal128(${column}, 0)))`,
  // Exact, as DuckDB's: uniqCombined stops being exact past 2^12 values (±0.3 % beyond).
  distinctCount: (column) => `uniqExact(${column})`,
  inSubquery: (expr, subquery) => `${expr} GLOBAL IN (${subquery})`,
  // lowerUTF8 + LIKE mirrors DuckDB's lower(…) LIKE, so both engines agree on what "contains" means.
  containsInsensitive: (column, needle) => `lowerUTF8(${column}) LIKE ${quote(`%${escapeLike(needle.toLowerCase())}%`)}`,
};
