import { UserError } from "../domain/errors.js";
import type { TimeGrain } from "../domain/query.js";

/**
 * What differs between SQL engines, written once per engine. Every query is built by the same
 * compiler (spend-sql.ts) through one of these, so no query is duplicated per engine.
 */
export interface Dialect {
  readonly name: "duckdb" | "clickhouse";
  /** A string literal, safely quoted. */
  quoteString(s: string): string;
  /** A date literal from "YYYY-MM-DD". */
  dateLiteral(iso: string): string;
  /** The bucket start (as a DATE expression) of a DATE column for a grain. */
  bucketStart(grain: TimeGrain, column: string): string;
  /** A DATE expression rendered as "YYYY-MM-DD" text. */
  dateToText(expr: string): string;
  /** String concatenation of expressions. */
  concat(parts: string[]): string;
  /** A TIMESTAMP literal (UTC, no zone) of an instant in epoch milliseconds. */
  timestampLiteral(epochMs: number): string;
  /** The calendar day (a DATE expression) of a UTC TIMESTAMP column in an IANA time zone. */
  localDate(tsColumn: string, timezone: string): string;
  /**
   * The exact sum of a 64-bit micros column, however large (DuckDB: SUM gives a HUGEINT; ClickHouse
   * 18.16's sum of an Int64 wraps past 2^63, so it sums Decimal128 and returns the digits as text).
   */
  sumMoney(column: string): string;
  /**
   * The exact distinct count of a column (reach: visitors). DuckDB COUNT(DISTINCT); ClickHouse
   * uniqExact, which on a cluster merges per-shard sets — disjoint, since events shard by visitor.
   */
  distinctCount(column: string): string;
  /** Case-insensitive "contains" test of a column against a literal substring. */
  containsInsensitive(column: string, needle: string): string;
  /** The start of the 15-minute UTC bucket holding each instant of a TIMESTAMP column (same type). */
  quarterHour(tsColumn: string): string;
  /** Whole seconds since the epoch of a TIMESTAMP expression, as a number. */
  epochSeconds(tsExpr: string): string;
  /**
   * The calendar day of a UTC TIMESTAMP shifted by a number of seconds (an expression), where that is
   * cheaper than `localDate` per row (DuckDB's timezone() is; ClickHouse's toDate(ts, zone) is not).
   */
  shiftedDate?(tsColumn: string, secondsExpr: string): string;
  /** Whether GROUP BY GROUPING SETS is available (ClickHouse 18.16 has none). */
  readonly groupingSets?: boolean;
  /** `expr IN (subquery)` over a table that may be distributed (ClickHouse: GLOBAL IN, run once and shipped to the shards). */
  inSubquery(expr: string, subquery: string): string;
}

/**
 * Text for a string literal: a NUL byte is refused (a UserError: the user's value), since no engine
 * takes it in SQL text and nothing stored holds one. Values written to a store are bound, not quoted.
 * @example literalText("Launch Q4") // "Launch Q4"
 */
export function literalText(s: string): string {
  if (s.includes("\u0000")) throw new UserError("bad_value", "a value holds a NUL byte (\\0), which no stored name has");
  return s;
}

/** Escapes a LIKE pattern's wildcards with a backslash. @example escapeLike("50%_off") // "50\\%\\_off" */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
