import { UserError } from "../domain/errors.js";
import { FxTable } from "../domain/fx.js";
import { addTotals, emptyTotals, microsToConversions, type Totals } from "../domain/measures.js";
import { measuresOf } from "../domain/metric-measures.js";
import { type MetricName, metricValues, metricValuesOf, type TrackedMeasures } from "../domain/metrics.js";
import type { Dimension, MetricQuery } from "../domain/query.js";
import { isTimeGrain } from "../domain/query.js";
import type { ReachMode } from "../domain/tracking/reach-sample.js";
import { compileEventCount, includesTracked } from "../query/events-sql.js";
import { bucketLabels, type CompiledSpendQuery, compileSpendCurrencies, compileSpendCurrencyProbe, compileSpendQuery, compileStraddleCount, type SpendSum } from "../query/spend-sql.js";
import type { ResultColumns, ResultRow, Store } from "../store/store.js";
import { ColumnarReportRow, columnarReportRows, rowValue } from "./report-rows.js";
import { dimensionKey, type TrackedPart, trackedReportPart } from "./track/tracked-report.js";
import { unmatchedWhereNotes } from "./unmatched-filters.js";

/**
 * One row of a report. Rows of a one-currency spend report are ColumnarReportRow views of the
 * report's columns (report-rows.ts): their parts are read through accessors, so compare rows by
 * these fields (`({ keys, totals, values })`), not as whole objects.
 */
export interface ReportRow {
  /** Dimension values in query order ("" where an entity has no value at that level). */
  keys: string[];
  totals: Totals;
  /** Tracking's own measures, when the report reads tracked events (`--where source=tracked`). */
  tracked?: TrackedMeasures;
  values: Record<string, number | null>;
  /** When reach is estimated from the visitor sample: its relative standard error (null without a sampled visitor). */
  reachRse?: number | null;
}

export interface Report {
  query: MetricQuery;
  dimensions: Dimension[];
  metrics: MetricName[];
  /** The currency every money figure is in; null when rows are in different currencies (grouped by currency). */
  currency: string | null;
  rows: ReportRow[];
  /** Totals over every row; null when rows are in different currencies. */
  total: ReportRow | null;
  warnings: string[];
  /** True when reach (and CPMR) come from the 1/64 visitor sample: each row's `reachRse` says how close. */
  reachEstimated?: boolean;
}

/** A money sum in micros, converted by `factor` (1: as it is). */
function moneyOf(v: unknown, factor: number): bigint {
  if (v === undefined || v === null) return 0n;
  // Text (ClickHouse's exact sums) within 2^53 through a number: BigInt(text) took longer than the rest of the row.
  const n = typeof v === "string" ? Number(v) : v;
  const m = typeof n === "bigint" ? n : BigInt(Number.isSafeInteger(n) ? (n as number) : (v as number | string));
  return factor === 1 ? m : BigInt(Math.round(Number(m) * factor));
}

function totalsOf(r: ResultRow, factor: number): Totals {
  return {
    cost: moneyOf(r.cost, factor),
    revenue: moneyOf(r.revenue, factor),
    impressions: Number(r.impressions ?? 0),
    clicks: Number(r.clicks ?? 0),
    conversions: microsToConversions(r.conversions as bigint | number | null),
    viewable_impressions: Number(r.viewable_impressions ?? 0),
    measurable_impressions: Number(r.measurable_impressions ?? 0),
  };
}

/** A query's result by columns: the store's own reader when it has one, else its rows turned around. */
async function queryColumns(store: Store, sql: string): Promise<ResultColumns> {
  if (store.queryColumns) return store.queryColumns(sql);
  const rows = await store.query(sql);
  const columns: ResultColumns["columns"] = {};
  for (const name of Object.keys(rows[0] ?? {})) columns[name] = rows.map((r) => r[name] ?? null);
  return { rowCount: rows.length, columns };
}

/** A result's rows as objects. */
function rowsOf(result: ResultColumns): ResultRow[] {
  const names = Object.keys(result.columns);
  const rows: ResultRow[] = [];
  for (let r = 0; r < result.rowCount; r++) {
    const o: ResultRow = {};
    for (const name of names) o[name] = (result.columns[name] as ResultColumns["columns"][string])[r] ?? null;
    rows.push(o);
  }
  return rows;
}

interface SpendRead {
  compiled: CompiledSpendQuery;
  spend: ResultColumns;
  /** The rows' currencies (none or one) when the result has no `cur` column. */
  currencies?: string[];
}

/**
 * A report's spend sums. Rows to convert at their day's rate or to merge with tracked ones come
 * grouped by currency. Otherwise the currency is a key only where it tells rows apart (the key took
 * 10–20 % of the query): a report by currency has it as a dimension already; any other reads the
 * currencies of its rows first (compileSpendCurrencies) and, in the same snapshot, sums without a
 * currency key when there is one. An engine without snapshots looks up one currency first and
 * checks every summed row against it. Rows in several currencies are summed by currency as before
 * (and refused by runReport).
 */
async function readSpend(store: Store, query: MetricQuery, byFxDate: boolean, withTracked: boolean, sums: readonly SpendSum[] | undefined): Promise<SpendRead> {
  const d = store.dialect;
  const grouped = async (read: (sql: string) => Promise<ResultColumns>): Promise<SpendRead> => {
    const compiled = compileSpendQuery(d, query, byFxDate, "spend", sums);
    return { compiled, spend: await read(compiled.sql) };
  };
  const byCurrency = query.dimensions.indexOf("currency");
  if (byFxDate || withTracked) return grouped((sql) => queryColumns(store, sql));
  if (byCurrency < 0 && !store.snapshot) {
    // No snapshot to read the currencies in first: one currency found beforehand, and every row of the
    // sums counting its source rows in any other (the key took 20 % of ClickHouse's query, the count 4).
    const probe = (await queryColumns(store, compileSpendCurrencyProbe(d, query))).columns.cur?.[0];
    const cur = probe === undefined || probe === null ? "" : String(probe);
    const compiled = compileSpendQuery(d, query, false, "spend", sums, false, cur);
    const spend = await queryColumns(store, compiled.sql);
    if ((spend.columns.other_currencies ?? []).some((n) => Number(n) !== 0)) return grouped((sql) => queryColumns(store, sql));
    return { compiled, spend, currencies: spend.rowCount > 0 ? [cur] : [] };
  }
  if (byCurrency >= 0) {
    const compiled = compileSpendQuery(d, query, false, "spend", sums, false);
    const spend = await queryColumns(store, compiled.sql);
    spend.columns.cur = spend.columns[compiled.dimensionColumns[byCurrency] as string] ?? [];
    return { compiled, spend };
  }
  return (store.snapshot as NonNullable<Store["snapshot"]>)(async (read) => {
    const currencies = await currenciesOf(compileSpendCurrencies(d, query), read);
    if (currencies.length > 1) return grouped(read);
    const compiled = compileSpendQuery(d, query, false, "spend", sums, false);
    return { compiled, spend: await read(compiled.sql), currencies };
  });
}

/** The currencies a compileSpendCurrencies query found: all of them, or (from its lowest and highest) one, or two of several. */
async function currenciesOf(q: { sql: string; range: boolean }, read: (sql: string) => Promise<ResultColumns>): Promise<string[]> {
  const c = (await read(q.sql)).columns;
  if (!q.range) return (c.cur ?? []).map(String);
  const [lo, hi] = [c.lo?.[0] ?? null, c.hi?.[0] ?? null];
  if (lo === null) return [];
  return lo === hi ? [String(lo)] : [String(lo), String(hi)];
}

export interface ReportOptions {
  /**
   * "metrics": sum only the measures the query's metrics are derived from (the others are 0 in each
   * row's `totals`), so the engine reads fewer columns; for callers that show the metrics only.
   * Default "all": every measure, for callers that read `totals`.
   */
  sums?: "all" | "metrics";
  /** Tracked events: false reads raw events only, never the rollup (the differential tests' reference). */
  rollup?: boolean;
  /** Tracked reach: exact (the default), estimated from the visitor sample, or auto (exact up to `exactReachMax` impressions). */
  reach?: ReachMode;
  exactReachMax?: number;
}

/**
 * Runs a MetricQuery on the store's spend: sums by the query's dimensions, converts currencies at
 * each row's date when `query.currency` is set, derives every metric from the sums (DESIGN rule 1).
 * Fails with a UserError when currencies would be mixed without conversion.
 * @example await runReport(store, { metrics: ["cpi"], dimensions: ["campaign"], filters: [] })
 */
export async function runReport(store: Store, query: MetricQuery, options: ReportOptions = {}): Promise<Report> {
  const target = query.currency ?? null;
  const sums = options.sums === "metrics" ? measuresOf(query.metrics) : undefined;
  const withTracked = includesTracked(query.filters);
  const { compiled, spend, currencies: oneCurrency } = await readSpend(store, query, target !== null, withTracked, sums);
  bucketLabels(spend.columns, compiled);
  // Rows to merge (converted currencies, tracked parts) as objects; one SQL row per report row read
  // from the columns directly.
  const raw = withTracked || target !== null ? rowsOf(spend) : [];
  // Keys of the reported rows: only a report that reads tracked events too needs them.
  const spendKeys = new Set(withTracked ? raw.map((r) => dimensionKey(r, compiled.dimensionColumns)) : []);
  let tracked: TrackedPart | null = null;
  if (withTracked) {
    const withReach = query.metrics.some((m) => m === "reach" || m === "cpmr");
    tracked = await trackedReportPart(store, query, target !== null, withReach, { rollup: options.rollup, reach: options.reach, exactReachMax: options.exactReachMax });
    raw.push(...tracked.rows);
  }
  const warnings: string[] = [];
  const fx = target ? new FxTable(await store.fxRates()) : null;
  // Tracked rows no contract prices carry no money (cur ""): they join any currency.
  const currencies = new Set<string>();
  for (const cur of raw.length ? raw.map((r) => r.cur) : (oneCurrency ?? spend.columns.cur ?? [])) if (cur !== "") currencies.add(String(cur));
  const byCurrency = query.dimensions.includes("currency");
  if (!target && currencies.size > 1 && !byCurrency) {
    throw new UserError(
      "mixed_currencies",
      `the report would add up amounts in ${[...currencies].sort().join(", ")}: pass --currency (e.g. --currency ${[...currencies].sort()[0]}) with rates from 'cpi fx import', add currency to --by, or filter with --where currency=…`,
      { currencies: [...currencies].sort() },
    );
  }
  const valuesOf = metricValuesOf(query.metrics);
  let rows: ReportRow[];
  // The grand total of a report with one SQL row per report row: summed from the columns.
  let columnTotal: Totals | null = null;
  if (fx || tracked) {
    // Rows of one group arrive split by currency and day (and by source part): merge them by key.
    const groups = new Map<string, ReportRow>();
    for (const r of raw) {
      const cur = String(r.cur);
      const factor = fx && target && cur !== "" ? fx.factor(cur, target, String(r.fx_date)) : 1;
      if (factor === null) continue;
      const keys = compiled.dimensionColumns.map((c) => String(r[c] ?? ""));
      const id = keys.join("\u0000");
      let g = groups.get(id);
      if (!g) {
        g = { keys, totals: emptyTotals(), values: {} };
        if (tracked) g.tracked = { invalid_impressions: 0, reach: spendKeys.has(id) ? null : (tracked.reach?.get(id) ?? (tracked.reach ? 0 : null)) };
        if (tracked?.reachRse) g.reachRse = tracked.reachRse.byKey.get(id) ?? null;
        groups.set(id, g);
      }
      addTotals(g.totals, totalsOf(r, factor));
      if (g.tracked) g.tracked.invalid_impressions = (g.tracked.invalid_impressions ?? 0) + Number(r.invalid_impressions ?? 0);
    }
    if (fx && target) fx.assertComplete(target);
    rows = [...groups.values()];
    if (tracked) rows.sort((a, b) => compareKeys(a.keys, b.keys));
  } else {
    // One currency (or grouped by currency): each SQL row is one report row, already sorted.
    ({ rows, total: columnTotal } = columnarReportRows(spend, compiled.dimensionColumns, query.metrics));
  }
  if (fx || tracked) for (const row of rows) row.values = valuesOf(row.tracked ? { ...row.totals, ...row.tracked } : row.totals);
  const currency = target ?? (currencies.size === 1 ? ([...currencies][0] as string) : null);
  let total: ReportRow | null = null;
  if (target || currencies.size <= 1) {
    let t = columnTotal;
    if (t === null) {
      t = emptyTotals();
      for (const row of rows) addTotals(t, row.totals);
    }
    total = { keys: query.dimensions.map(() => ""), totals: t, values: {} };
    if (tracked) {
      const invalid = rows.reduce((s, r) => s + (r.tracked?.invalid_impressions ?? 0), 0);
      total.tracked = { invalid_impressions: invalid, reach: spendKeys.size > 0 ? null : tracked.totalReach };
      if (tracked.reachRse) total.reachRse = tracked.reachRse.total;
    }
    total.values = metricValues(query.metrics, { ...t, ...total.tracked });
  } else {
    warnings.push(`rows are in ${[...currencies].sort().join(", ")}: no grand total without --currency`);
  }
  const found = spend.rowCount + (tracked?.rows.length ?? 0);
  if (!tracked && found === 0 && !query.filters.some((f) => f.dimension === "source")) {
    const n = Number((await store.query(compileEventCount({ dialect: store.dialect, query, timezone: query.timezone ?? "UTC", contracts: [] })))[0]?.n ?? 0);
    if (n > 0) warnings.push(`no reported rows match, but ${n.toLocaleString("en-US")} tracked events do: first-party counts are reported on their own, with --where source=tracked`);
  }
  const unpriced = tracked ? tracked.rows.reduce((n, r) => n + (r.cur === "" ? Number(r.impressions ?? 0) : 0), 0) : 0;
  if (unpriced > 0 && query.metrics.some((m) => COST_METRICS.has(m))) {
    const n = unpriced.toLocaleString("en-US");
    warnings.push(`${n} tracked impression${unpriced > 1 ? "s have no contract pricing them: they count" : " has no contract pricing it: it counts"} at cost 0, which understates CPI, CPM and every other cost ratio; price them with 'cpi contract add'`);
  }
  if (tracked && query.metrics.some((m) => m === "reach" || m === "cpmr") && query.dimensions.some((d) => d === "week" || d === "month")) {
    warnings.push("visitor keys rotate daily (no visitor is followed across days): weekly and monthly reach count a visitor once per day seen");
  }
  const ranged = query.dimensions.some((d, i) => isTimeGrain(d) && hasRange(rows, i, spend.columns[compiled.dimensionColumns[i] as string]));
  if (ranged) warnings.push("some rows cover a date range longer than one bucket and are shown under their own range (start..end), not split into days");
  const straddleSql = compileStraddleCount(store.dialect, query);
  if (straddleSql) {
    const s = (await store.query(straddleSql))[0];
    const n = Number(s?.n ?? 0);
    if (n > 0) {
      warnings.push(
        `${n} row${n > 1 ? "s" : ""} covering dates across the period's edges (${s?.first_day} … ${s?.last_day}) left out: their ranges cannot be split into days`,
      );
    }
  }
  if (found === 0) warnings.push(...(await unmatchedWhereNotes(store, query.filters)));
  const reachEstimated = tracked?.reachRse != null;
  return { query, dimensions: query.dimensions, metrics: query.metrics, currency, rows, total, warnings, ...(reachEstimated ? { reachEstimated } : {}) };
}

/** Metrics whose value depends on cost: a tracked impression no contract prices makes them look cheaper. */
const COST_METRICS: ReadonlySet<MetricName> = new Set<MetricName>(["cost", "cpi", "cpm", "cpc", "cpa", "roas", "vcpm", "cpmr"]);

/** Whether a time key of the rows (column `i`, or `column` of the spend result for rows read from it) is a range "start..end". */
function hasRange(rows: readonly ReportRow[], i: number, column: ResultColumns["columns"][string] | undefined): boolean {
  if (rows[0] instanceof ColumnarReportRow) return (column ?? []).some((k) => typeof k === "string" && k.includes(".."));
  return rows.some((r) => (r.keys[i] ?? "").includes(".."));
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The report as JSON-ready objects: dimension and metric names as keys, numbers as numbers. */
export function reportToObjects(report: Report): Record<string, string | number | boolean | null>[] {
  return report.rows.map((row) => {
    const o: Record<string, string | number | boolean | null> = {};
    report.dimensions.forEach((d, i) => {
      o[d] = row.keys[i] ?? "";
    });
    for (const m of report.metrics) o[m] = rowValue(row, m);
    Object.assign(o, reachEstimateFields(report, row));
    return o;
  });
}

/** `reach_estimated` and `reach_rse` (rounded to 4 decimals) of an estimated reach's row or total; nothing when reach is exact. */
export function reachEstimateFields(report: Report, row: ReportRow): { reach_estimated?: true; reach_rse?: number | null } {
  if (!report.reachEstimated) return {};
  const rse = row.reachRse ?? null;
  return { reach_estimated: true, reach_rse: rse === null ? null : Math.round(rse * 10_000) / 10_000 };
}
