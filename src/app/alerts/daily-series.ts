import { addDays, daysBetweenInclusive, type IsoDate } from "../../domain/dates.js";
import { addTotals, emptyTotals } from "../../domain/measures.js";
import { type MetricInput, type MetricName, metricValues } from "../../domain/metrics.js";
import type { EntityDimension, Filter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";
import { ADDITIVE_METRICS } from "./alert-rule.js";

/** One scope's daily sums over a window of days (index 0 = the window's first day). */
export interface ScopeSeries {
  /** The values of the rule's `by` dimensions ({} when it has none). */
  scope: Record<string, string>;
  days: IsoDate[];
  /** Per day: the summed measures, or null when the store has no row for the scope that day. */
  totals: (MetricInput | null)[];
  /** The first day index with a row. */
  firstIndex: number;
  /** Sources seen per day (to tell "delivered nothing" from "the platform's export is not in yet"). */
  sources: Set<string>[];
}

export interface SeriesRequest {
  metrics: MetricName[];
  by: EntityDimension[];
  filters: Filter[];
  from: IsoDate;
  to: IsoDate;
  timezone?: string;
  currency?: string;
  /** Group by currency too and add the groups up: for counts and rates on a store in several currencies. */
  foldCurrency?: boolean;
}

/**
 * Daily totals per scope from the store (one report by [...by, source, day]); rows covering a date
 * range are left out (they cannot be split into days) and counted.
 * @example (await dailySeries(store, { metrics: ["cpi"], by: ["campaign"], filters: [], from: "2026-08-01", to: "2026-10-14" })).series.length
 */
export async function dailySeries(store: Store, req: SeriesRequest): Promise<{ series: ScopeSeries[]; rangedRows: number }> {
  const withSource = !req.by.includes("source");
  const report = await runReport(store, {
    metrics: [...new Set<MetricName>(["impressions", ...req.metrics])],
    dimensions: [...req.by, ...(withSource ? (["source"] as const) : []), ...(req.foldCurrency && !req.by.includes("currency") ? (["currency"] as const) : []), "day"],
    filters: req.filters,
    from: req.from,
    to: req.to,
    ...(req.timezone ? { timezone: req.timezone } : {}),
    ...(req.currency ? { currency: req.currency } : {}),
  });
  const n = daysBetweenInclusive(req.from, req.to);
  const days = Array.from({ length: n }, (_, i) => addDays(req.from, i));
  const byKey = new Map<string, ScopeSeries>();
  let rangedRows = 0;
  const sourceCol = withSource ? req.by.length : req.by.indexOf("source");
  for (const row of report.rows) {
    const day = row.keys[row.keys.length - 1] ?? "";
    if (day.includes("..")) {
      rangedRows++;
      continue;
    }
    const i = daysBetweenInclusive(req.from, day) - 1;
    if (i < 0 || i >= n) continue;
    const values = req.by.map((_, k) => row.keys[k] ?? "");
    const key = values.join("\u0000");
    let s = byKey.get(key);
    if (!s) {
      s = { scope: Object.fromEntries(req.by.map((d, k) => [d, values[k] ?? ""])), days, totals: new Array(n).fill(null), firstIndex: i, sources: days.map(() => new Set()) };
      byKey.set(key, s);
    }
    const t = s.totals[i] ?? { ...emptyTotals() };
    addTotals(t, row.totals);
    if (row.tracked) {
      t.invalid_impressions = (t.invalid_impressions ?? 0) + (row.tracked.invalid_impressions ?? 0);
    }
    s.totals[i] = t;
    s.firstIndex = Math.min(s.firstIndex, i);
    s.sources[i]?.add(row.keys[sourceCol] ?? "");
  }
  const series = [...byKey.values()].sort((a, b) => (JSON.stringify(a.scope) < JSON.stringify(b.scope) ? -1 : 1));
  return { series, rangedRows };
}

/**
 * A metric per day of a scope: sums are 0 on a day without a row (once the scope has appeared),
 * ratios are null (no denominator).
 * @example metricSeries(s, "impressions") // [null, null, 5120, 0, 4980, …]
 */
export function metricSeries(s: ScopeSeries, metric: MetricName): (number | null)[] {
  const additive = ADDITIVE_METRICS.has(metric);
  return s.totals.map((t, i) => {
    if (t === null) return additive && i >= s.firstIndex ? 0 : null;
    return metricValues([metric], t)[metric] ?? null;
  });
}
