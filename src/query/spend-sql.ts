import type { MeasureName } from "../domain/measures.js";
import type { EntityDimension, Filter, MetricQuery, TimeGrain } from "../domain/query.js";
import { isTimeGrain } from "../domain/query.js";
import type { Dialect } from "./dialect.js";

/** The spend table's column (or expression) behind each entity dimension. */
export const SPEND_DIMENSION_COLUMNS: Record<EntityDimension, string> = {
  source: "source",
  account: "account_id",
  campaign: "campaign",
  ad_group: "ad_group",
  ad: "ad",
  placement: "placement",
  currency: "currency",
  country: "country",
  device: "device",
  age: "age",
  gender: "gender",
  // How tracked impressions were measured for viewability: platform rows carry no such thing.
  measurement: "''",
};

/** The summed measures every spend query returns, by output column name (money summed exactly on every engine). */
export const spendSums = (d: Dialect): Record<SpendSum, string> => ({
  cost: d.sumMoney("cost_micros"),
  revenue: d.sumMoney("conversion_value_micros"),
  impressions: "SUM(impressions)",
  clicks: "SUM(clicks)",
  conversions: "SUM(conversions_micros)",
  viewable_impressions: "SUM(viewable_impressions)",
  measurable_impressions: "SUM(measurable_impressions)",
  source_rows: "COUNT(*)",
});

/** A summed output column of a spend query: a measure, or the count of rows summed. */
export type SpendSum = MeasureName | "source_rows";

export interface CompiledSpendQuery {
  sql: string;
  /** Output column of each requested dimension, in order: `d0`, `d1`, … (time buckets: see `rangeEnds`) */
  dimensionColumns: string[];
  /**
   * Per dimension, the column holding a time bucket's last day (`d0_end` …), or null. A time bucket
   * comes out of SQL as two DATEs, grouped and sorted as dates; `bucketLabels` turns them into the
   * label ("2026-10-01", or a row's own range "2026-10-01..2026-10-31") once per output row.
   */
  rangeEnds: (string | null)[];
  /** Rows are also grouped by `currency` (output column `cur`) unless `currencyKey` is false, and by `fx_date` when converting. */
  byFxDate: boolean;
  currencyKey: boolean;
}

/**
 * A time bucket as two DATE expressions: the bucket's first day twice when the row's range fits in
 * one bucket, else the row's own first and last day (DESIGN rule 4: never invent daily numbers).
 */
function timeBucketExprs(d: Dialect, grain: TimeGrain): [string, string] {
  // A day's bucket is the day: a row fits in it when it covers one day, and the pair is its range.
  if (grain === "day") return ["date_start", "date_end"];
  const start = d.bucketStart(grain, "date_start");
  const end = d.bucketStart(grain, "date_end");
  return [`CASE WHEN ${start} = ${end} THEN ${start} ELSE date_start END`, `CASE WHEN ${start} = ${end} THEN ${start} ELSE date_end END`];
}

/**
 * Replaces, in a result's columns, a time bucket's pair of days by its label: the day when both are
 * the same, else "start..end" (the SQL gives days as "YYYY-MM-DD" text on both engines).
 * @example bucketLabels(result.columns, compiled) // result.columns.d1[0]: "2026-10-01"
 */
export function bucketLabels(columns: Record<string, unknown[]>, compiled: Pick<CompiledSpendQuery, "dimensionColumns" | "rangeEnds">): void {
  compiled.rangeEnds.forEach((endColumn, i) => {
    if (endColumn === null) return;
    const starts = columns[compiled.dimensionColumns[i] as string];
    const ends = columns[endColumn];
    if (!starts || !ends) return;
    for (let r = 0; r < starts.length; r++) {
      const start = String(starts[r]);
      const end = String(ends[r]);
      starts[r] = start === end ? start : `${start}..${end}`;
    }
  });
}

function filterExpr(d: Dialect, f: Filter): string {
  const col = SPEND_DIMENSION_COLUMNS[f.dimension];
  if (f.op === "contains") return `(${f.values.map((v) => d.containsInsensitive(col, v)).join(" OR ")})`;
  const list = f.values.map((v) => d.quoteString(v)).join(", ");
  return `${col} ${f.op === "neq" ? "NOT IN" : "IN"} (${list})`;
}

/** WHERE conditions of a query: filters, and rows that lie wholly inside the period. */
export function spendConditions(d: Dialect, q: Pick<MetricQuery, "filters" | "from" | "to">): string[] {
  const where = q.filters.map((f) => filterExpr(d, f));
  if (q.from) where.push(`date_start >= ${d.dateLiteral(q.from)}`);
  // date_start <= date_end on every row, so `date_start <= to` adds nothing but lets ClickHouse's
  // sorting key (date first) skip the rows after the period as well as those before it.
  if (q.to) where.push(`date_end <= ${d.dateLiteral(q.to)}`, `date_start <= ${d.dateLiteral(q.to)}`);
  return where;
}

/**
 * Compiles a MetricQuery into one aggregate over `spend`, grouped by its dimensions plus currency
 * (and the row's first day when amounts must be converted at that day's FX rate). `sums` picks the
 * summed columns (default: all of them); the engine then reads only the columns those need.
 * `currencyKey` false leaves the currency out of the grouping: only for rows known to be in one
 * currency (compileSpendCurrencies, in the same snapshot), grouped by the currency dimension, or
 * checked by `currencyCheck`: then each row also counts its source rows in any other currency than
 * that one (column `other_currencies`; all 0 when every row summed is in it).
 * @example compileSpendQuery(duckdbDialect, { metrics: ["cpi"], dimensions: ["campaign"], filters: [] }, false)
 */
export function compileSpendQuery(
  d: Dialect,
  q: MetricQuery,
  byFxDate: boolean,
  table = "spend",
  sums?: readonly SpendSum[],
  currencyKey = true,
  currencyCheck?: string,
): CompiledSpendQuery {
  const select: string[] = [];
  const groupBy: string[] = [];
  const dimensionColumns: string[] = [];
  const rangeEnds: (string | null)[] = [];
  q.dimensions.forEach((dim, i) => {
    const alias = `d${i}`;
    dimensionColumns.push(alias);
    if (isTimeGrain(dim)) {
      // Grouped and sorted as DATEs (formatting a text day per source row cost more than the sums).
      const [start, end] = timeBucketExprs(d, dim);
      select.push(`${start} AS ${alias}`, `${end} AS ${alias}_end`);
      groupBy.push(alias, `${alias}_end`);
      rangeEnds.push(`${alias}_end`);
    } else {
      select.push(`${SPEND_DIMENSION_COLUMNS[dim]} AS ${alias}`);
      groupBy.push(alias);
      rangeEnds.push(null);
    }
  });
  if (currencyKey) {
    select.push("currency AS cur");
    groupBy.push("cur");
  }
  if (byFxDate) {
    select.push("date_start AS fx_date");
    groupBy.push("fx_date");
  }
  const all = spendSums(d);
  for (const name of sums ?? (Object.keys(all) as SpendSum[])) select.push(`${all[name]} AS ${name}`);
  if (currencyCheck !== undefined) select.push(`SUM(CASE WHEN currency = ${d.quoteString(currencyCheck)} THEN 0 ELSE 1 END) AS other_currencies`);
  const where = spendConditions(d, q);
  const sql = [
    `SELECT ${select.join(", ")}`,
    `FROM ${table}`,
    where.length ? `WHERE ${where.join(" AND ")}` : "",
    // Without any key, one row of sums: none when no row matches (as with a key).
    groupBy.length ? `GROUP BY ${groupBy.join(", ")}` : "HAVING COUNT(*) > 0",
    // Sorted by the dimensions (a time bucket by its first day, then its last: "2026-10-01" before
    // "2026-10-01..2026-10-31", as the labels sort as text): rows come out in report order and
    // converted rows merge in order without a sort in JS.
    groupBy.length ? `ORDER BY ${groupBy.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  return { sql, dimensionColumns, rangeEnds, byFxDate, currencyKey };
}

/**
 * The currencies of the rows a query sums, read before summing without a currency key (in the same
 * snapshot). With filters or a period: the distinct currencies (column `cur`, sorted), a scan of one
 * column far cheaper than grouping every row by it. Without: the lowest and highest currency (`lo`,
 * `hi`; null when no rows), which DuckDB answers from its column statistics (1–6 ms where the
 * distinct scan of 10M rows took 15–20). One currency when lo = hi, several when they differ.
 * @example compileSpendCurrencies(duckdbDialect, { metrics: ["cpi"], dimensions: [], filters: [] }).range // true
 */
export function compileSpendCurrencies(d: Dialect, q: Pick<MetricQuery, "filters" | "from" | "to">, table = "spend"): { sql: string; range: boolean } {
  const where = spendConditions(d, q);
  if (where.length === 0) return { sql: `SELECT MIN(currency) AS lo, MAX(currency) AS hi FROM ${table}`, range: true };
  return { sql: `SELECT DISTINCT currency AS cur FROM ${table} WHERE ${where.join(" AND ")} ORDER BY cur`, range: false };
}

/**
 * One currency of the rows a query sums (column `cur`; no row when none match): what a spend query
 * without snapshots then checks every summed row against (`currencyCheck`), instead of grouping by it.
 * @example compileSpendCurrencyProbe(clickhouseDialect, { filters: [] }) // "SELECT currency AS cur FROM spend LIMIT 1"
 */
export function compileSpendCurrencyProbe(d: Dialect, q: Pick<MetricQuery, "filters" | "from" | "to">, table = "spend"): string {
  const where = spendConditions(d, q);
  return `SELECT currency AS cur FROM ${table}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} LIMIT 1`;
}

/**
 * Counts rows that match the filters but straddle the period's edges (kept out of the report,
 * since splitting them would invent daily numbers). Null when the query has no period.
 */
export function compileStraddleCount(d: Dialect, q: MetricQuery, table = "spend"): string | null {
  if (!q.from && !q.to) return null;
  const where = q.filters.map((f) => filterExpr(d, f));
  const from = q.from ? d.dateLiteral(q.from) : null;
  const to = q.to ? d.dateLiteral(q.to) : null;
  const overlaps = [from ? `date_end >= ${from}` : "", to ? `date_start <= ${to}` : ""].filter(Boolean);
  const outside = [from ? `date_start < ${from}` : "", to ? `date_end > ${to}` : ""].filter(Boolean);
  where.push(...overlaps, `(${outside.join(" OR ")})`);
  return `SELECT COUNT(*) AS n, ${d.dateToText("MIN(date_start)")} AS first_day, ${d.dateToText("MAX(date_end)")} AS last_day FROM ${table} WHERE ${where.join(" AND ")}`;
}
