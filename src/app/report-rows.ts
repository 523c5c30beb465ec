// A report's rows kept by column when each SQL row is one report row (one currency, nothing to merge):
// the sums in typed arrays (money in micros as numbers while they are exact, else bigints), every
// metric of every row computed here into one Float64Array per metric, and each row a small object
// whose keys, totals and values are put together from those columns when a caller reads them. A
// 109,500-row report used to make four objects and a BigInt per row (keys, totals, values, the row):
// their allocation and garbage collection took longer than everything else cpi adds to the SQL.
import { microsToConversions, type Totals } from "../domain/measures.js";
import { METRICS, type MetricDef, type MetricName, type MetricUnits } from "../domain/metrics.js";
import { microsNumberToUnits, microsToUnits } from "../domain/money.js";
import type { ResultColumns } from "../store/store.js";
import type { ReportRow } from "./report.js";

type Column = ResultColumns["columns"][string];

/** Sums of micro-units (money, conversions): numbers while every value is a safe integer (exact), else bigints; null when not summed. */
type MicrosColumn = Float64Array | bigint[] | null;

/** A column of sums in micro-units (numbers, bigints or ClickHouse's text) as exact micros. */
function microsColumn(col: Column | undefined, n: number): MicrosColumn {
  if (!col) return null;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = col[r];
    const x = typeof v === "number" ? v : typeof v === "string" ? Number(v) : v === null || v === undefined ? 0 : Number.NaN;
    if (!Number.isSafeInteger(x)) return col.slice(0, n).map((v) => BigInt((v as bigint | number | string | null) ?? 0));
    out[r] = x;
  }
  return out;
}

/** A count column (numbers within 2^53, as the engines give them; text from ClickHouse) as numbers; null when not summed. */
function countColumn(col: Column | undefined, n: number): Float64Array | null {
  if (!col) return null;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = col[r];
    out[r] = typeof v === "number" ? v : Number(v ?? 0);
  }
  return out;
}

/** The exact sum of a column (in plain numbers while it stays within 2^53). */
function exactSum(col: Float64Array | bigint[] | null): bigint {
  if (col === null) return 0n;
  if (!(col instanceof Float64Array)) return col.reduce((a, b) => a + b, 0n);
  let big = 0n;
  let sum = 0;
  for (let r = 0; r < col.length; r++) {
    const s = sum + (col[r] as number);
    if (Number.isSafeInteger(s)) sum = s;
    else {
      big += BigInt(sum) + BigInt(col[r] as number);
      sum = 0;
    }
  }
  return big + BigInt(sum);
}

const microsAt = (col: MicrosColumn, r: number): bigint => (col === null ? 0n : BigInt(col[r] as number | bigint));
const unitsAt = (col: MicrosColumn, r: number): number => {
  if (col === null) return 0;
  const v = col[r] as number | bigint;
  return typeof v === "number" ? microsNumberToUnits(v) : microsToUnits(v);
};
const conversionsAt = (col: MicrosColumn, r: number): number => (col === null ? 0 : microsToConversions(col[r] as number | bigint));
const at = (col: Float64Array | null, r: number): number => (col === null ? 0 : (col[r] as number));

/** The columns behind a report's rows. Metric values are NaN where the metric is null (a zero denominator). */
export class ReportColumns {
  private readonly cost: MicrosColumn;
  private readonly revenue: MicrosColumn;
  private readonly conversions: MicrosColumn;
  private readonly counts: Record<"impressions" | "clicks" | "viewable_impressions" | "measurable_impressions", Float64Array | null>;
  private readonly metricIndex = new Map<string, number>();
  /** One column per metric of the report, in its order. */
  readonly values: Float64Array[];

  constructor(
    result: ResultColumns,
    private readonly keyColumns: readonly Column[],
    readonly metrics: readonly MetricName[],
  ) {
    const c = result.columns;
    const n = result.rowCount;
    this.cost = microsColumn(c.cost, n);
    this.revenue = microsColumn(c.revenue, n);
    this.conversions = microsColumn(c.conversions, n);
    this.counts = {
      impressions: countColumn(c.impressions, n),
      clicks: countColumn(c.clicks, n),
      viewable_impressions: countColumn(c.viewable_impressions, n),
      measurable_impressions: countColumn(c.measurable_impressions, n),
    };
    for (const [i, m] of metrics.entries()) this.metricIndex.set(m, i);
    // Every metric of every row, from one scratch input of sums (in units) per row.
    const defs = metrics.map((m) => METRICS[m] as MetricDef);
    const values = metrics.map(() => new Float64Array(n));
    this.values = values;
    const u: MetricUnits = { cost: 0, revenue: 0, impressions: 0, clicks: 0, conversions: 0, viewable_impressions: 0, measurable_impressions: 0 };
    const { cost, revenue, conversions } = this;
    const { impressions, clicks, viewable_impressions, measurable_impressions } = this.counts;
    for (let r = 0; r < n; r++) {
      u.cost = unitsAt(cost, r);
      u.revenue = unitsAt(revenue, r);
      u.impressions = at(impressions, r);
      u.clicks = at(clicks, r);
      u.conversions = conversionsAt(conversions, r);
      u.viewable_impressions = at(viewable_impressions, r);
      u.measurable_impressions = at(measurable_impressions, r);
      for (let m = 0; m < defs.length; m++) (values[m] as Float64Array)[r] = (defs[m] as MetricDef).ofUnits(u) ?? Number.NaN;
    }
  }

  /** The sums over every row (what adding up the rows' totals gives, exactly). */
  total(): Totals {
    const c = this.counts;
    return {
      cost: exactSum(this.cost),
      revenue: exactSum(this.revenue),
      impressions: Number(exactSum(c.impressions)),
      clicks: Number(exactSum(c.clicks)),
      conversions: microsToConversions(exactSum(this.conversions)),
      viewable_impressions: Number(exactSum(c.viewable_impressions)),
      measurable_impressions: Number(exactSum(c.measurable_impressions)),
    };
  }

  /** Row `r`'s dimension values ("" for none). */
  keysAt(r: number): string[] {
    const k = new Array<string>(this.keyColumns.length);
    for (let i = 0; i < k.length; i++) k[i] = String((this.keyColumns[i] as Column)[r] ?? "");
    return k;
  }

  /** Row `r`'s sums (money as exact micros). */
  totalsAt(r: number): Totals {
    const c = this.counts;
    return {
      cost: microsAt(this.cost, r),
      revenue: microsAt(this.revenue, r),
      impressions: at(c.impressions, r),
      clicks: at(c.clicks, r),
      conversions: conversionsAt(this.conversions, r),
      viewable_impressions: at(c.viewable_impressions, r),
      measurable_impressions: at(c.measurable_impressions, r),
    };
  }

  /** Row `r`'s value of `metric` (null when its denominator is zero, or when the report does not have the metric). */
  valueAt(r: number, metric: string): number | null {
    const m = this.metricIndex.get(metric);
    if (m === undefined) return null;
    const v = (this.values[m] as Float64Array)[r] as number;
    return Number.isNaN(v) ? null : v;
  }

  /** Row `r`'s values of every metric, by name. */
  valuesAt(r: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const m of this.metrics) out[m] = this.valueAt(r, m);
    return out;
  }
}

/**
 * One row of a ReportColumns: `keys`, `totals` and `values` are made from the columns when first read
 * (then kept, and may be replaced as on any ReportRow); `value(metric)` reads a metric without making them.
 */
export class ColumnarReportRow implements ReportRow {
  #keys: string[] | undefined;
  #totals: Totals | undefined;
  #values: Record<string, number | null> | undefined;
  readonly #columns: ReportColumns;
  readonly #r: number;

  constructor(columns: ReportColumns, r: number) {
    this.#columns = columns;
    this.#r = r;
  }

  get keys(): string[] {
    this.#keys ??= this.#columns.keysAt(this.#r);
    return this.#keys;
  }
  set keys(keys: string[]) {
    this.#keys = keys;
  }
  get totals(): Totals {
    this.#totals ??= this.#columns.totalsAt(this.#r);
    return this.#totals;
  }
  set totals(totals: Totals) {
    this.#totals = totals;
  }
  get values(): Record<string, number | null> {
    this.#values ??= this.#columns.valuesAt(this.#r);
    return this.#values;
  }
  set values(values: Record<string, number | null>) {
    this.#values = values;
  }

  /** This row's value of `metric` (as `values[metric]`), without making the values object. */
  value(metric: string): number | null {
    return this.#values ? (this.#values[metric] ?? null) : this.#columns.valueAt(this.#r, metric);
  }

  /** The plain row (for JSON and for comparing rows). */
  toJSON(): ReportRow {
    return { keys: this.keys, totals: this.totals, values: this.values };
  }
}

/** The report rows of a one-currency spend result (one SQL row per report row), with every metric computed, and their total. */
export function columnarReportRows(result: ResultColumns, dimensionColumns: readonly string[], metrics: readonly MetricName[]): { rows: ColumnarReportRow[]; total: Totals } {
  const none: null[] = [];
  const columns = new ReportColumns(
    result,
    dimensionColumns.map((name) => result.columns[name] ?? none),
    metrics,
  );
  const rows = new Array<ColumnarReportRow>(result.rowCount);
  for (let r = 0; r < result.rowCount; r++) rows[r] = new ColumnarReportRow(columns, r);
  return { rows, total: columns.total() };
}

/** A row's value of `metric`: read from its columns when it has them, else from `values`. */
export function rowValue(row: ReportRow, metric: string): number | null {
  return row instanceof ColumnarReportRow ? row.value(metric) : (row.values[metric] ?? null);
}
