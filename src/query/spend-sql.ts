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
export const spendSums = (d: Dialect): Record<string, string> => ({
  cost: d.sumMoney("cost_micros"),
  revenue: d.sumMoney("conversion_value_micros"),
  impressions: "SUM(impressions)",
  clicks: "SUM(clicks)",
  conversions: "SUM(conversions_micros)",
  viewable_impressions: "SUM(viewable_impressions)",
  measurable_impressions: "SUM(measurable_impressions)",
  source_rows: "COUNT(*)",
});

export interface CompiledSpendQuery {
  sql: string;
  /** Output column of each requested dimension, in order: `d0`, `d1`, … */
  dimensionColumns: string[];
  /** Rows are also grouped by `currency` (always) and by `fx_date` when converting. */
  byFxDate: boolean;
}

/**
 * Label of a row's time bucket: the bucket's first day when the row's range fits in one bucket,
 * else the row's own range "start..end" (DESIGN rule 4: never invent daily numbers).
 */
function timeBucketExpr(d: Dialect, grain: TimeGrain): string {
  const start = d.bucketStart(grain, "date_start");
  const end = d.bucketStart(grain, "date_end");
  const range = d.concat([d.dateToText("date_start"), "'..'", d.dateToText("date_end")]);
  return `CASE WHEN ${start} = ${end} THEN ${d.dateToText(start)} ELSE ${range} END`;
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
 * (and the row's first day when amounts must be converted at that day's FX rate).
 * @example compileSpendQuery(duckdbDialect, { metrics: ["cpi"], dimensions: ["campaign"], filters: [] }, false)
 */
export function compileSpendQuery(d: Dialect, q: MetricQuery, byFxDate: boolean, table = "spend"): CompiledSpendQuery {
  const select: string[] = [];
  const groupBy: string[] = [];
  const dimensionColumns: string[] = [];
  q.dimensions.forEach((dim, i) => {
    const expr = isTimeGrain(dim) ? timeBucketExpr(d, dim) : SPEND_DIMENSION_COLUMNS[dim];
    const alias = `d${i}`;
    select.push(`${expr} AS ${alias}`);
    groupBy.push(alias);
    dimensionColumns.push(alias);
  });
  select.push("currency AS cur");
  groupBy.push("cur");
  if (byFxDate) {
    select.push(`${d.dateToText("date_start")} AS fx_date`);
    groupBy.push("fx_date");
  }
  for (const [name, agg] of Object.entries(spendSums(d))) select.push(`${agg} AS ${name}`);
  const where = spendConditions(d, q);
  const sql = [
    `SELECT ${select.join(", ")}`,
    `FROM ${table}`,
    where.length ? `WHERE ${where.join(" AND ")}` : "",
    `GROUP BY ${groupBy.join(", ")}`,
    // Sorted by the dimensions (time buckets are ISO text, so chronological): rows come out in
    // report order and converted rows merge in order without a sort in JS.
    `ORDER BY ${groupBy.join(", ")}`,
  ]
    .filter(Boolean)
    .join("\n");
  return { sql, dimensionColumns, byFxDate };
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
