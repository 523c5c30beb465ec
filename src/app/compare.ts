import { cpiVerdict, extraImpressions, relativeChange } from "../domain/cost-efficiency.js";
import { type Decomposition, decomposeCpiChange } from "../domain/decompose.js";
import { UserError } from "../domain/errors.js";
import { addTotals, emptyTotals, type Totals } from "../domain/measures.js";
import { METRIC_NAMES, metricValues } from "../domain/metrics.js";
import { microsToUnits } from "../domain/money.js";
import type { EntityDimension, Filter } from "../domain/query.js";
import type { Store } from "../store/store.js";
import { runReport } from "./report.js";
import { nothingMatched } from "./unmatched-filters.js";

/** One side of a comparison: a campaign, a period, or both. */
export interface CompareSide {
  label: string;
  filters: Filter[];
  from?: string;
  to?: string;
}

export interface SideSummary {
  label: string;
  from: string | null;
  to: string | null;
  totals: Totals;
  metrics: Record<string, number | null>;
}

export interface Comparison {
  currency: string | null;
  a: SideSummary;
  b: SideSummary;
  /** Relative CPI change of a against b: −0.333 means a is 33.3 % cheaper per impression. */
  cpi_change: number | null;
  verdict: string;
  /** What a's budget buys at each side's CPI. */
  budget: { amount: number; impressions_at_a: number | null; impressions_at_b: number | null; extra_impressions: number | null };
  explain_by: EntityDimension;
  decomposition: Decomposition;
  warnings: string[];
}

async function summarise(store: Store, side: CompareSide, base: Filter[], by: EntityDimension, currency?: string) {
  const report = await runReport(store, {
    metrics: [...METRIC_NAMES],
    dimensions: [by],
    filters: [...base, ...side.filters],
    ...(side.from ? { from: side.from } : {}),
    ...(side.to ? { to: side.to } : {}),
    ...(currency ? { currency } : {}),
  });
  const segments = new Map<string, Totals>();
  const totals = emptyTotals();
  for (const row of report.rows) {
    segments.set(row.keys[0] ?? "", row.totals);
    addTotals(totals, row.totals);
  }
  if (!report.currency && report.rows.length > 0) {
    // One currency or none gives a total; none means only tracked impressions that no contract prices.
    if (report.total) throw new UserError("no_cost", `${side.label} has no cost: no contract prices its tracked impressions ('cpi contract add')`);
    throw new UserError("mixed_currencies", `${side.label} mixes currencies: pass --currency with rates from 'cpi fx import'`);
  }
  const summary: SideSummary = {
    label: side.label,
    from: side.from ?? null,
    to: side.to ?? null,
    totals,
    metrics: metricValues(METRIC_NAMES, totals),
  };
  return { summary, segments, currency: report.currency, warnings: report.warnings };
}

/**
 * Is side a more cost-efficient than side b? CPIs, the relative change, a verdict, what a's budget
 * buys at each CPI, and a mix/rate decomposition of the CPI change by `explainBy`.
 * @example await compareSides(store, { label: "Launch Q4", filters: [q4] }, { label: "Launch Q3", filters: [q3] }, { explainBy: "source" })
 */
export async function compareSides(
  store: Store,
  a: CompareSide,
  b: CompareSide,
  opts: { explainBy?: EntityDimension; filters?: Filter[]; currency?: string } = {},
): Promise<Comparison> {
  const by = opts.explainBy ?? "source";
  const base = opts.filters ?? [];
  const sa = await summarise(store, a, base, by, opts.currency);
  const sb = await summarise(store, b, base, by, opts.currency);
  for (const [side, s] of [[a, sa], [b, sb]] as const) {
    if (s.summary.totals.impressions !== 0) continue;
    // A side over a period is empty in that period (the campaign may hold data elsewhere): say so.
    const where = side.from || side.to ? `in this period (${side.from ?? "the first day"} – ${side.to ?? "the last day"})` : "in the store";
    throw await nothingMatched(store, [...base, ...side.filters], "empty_side", `${s.summary.label} has no impressions ${where}: check the name or widen the period`);
  }
  if (sa.currency !== sb.currency) {
    throw new UserError(
      "mixed_currencies",
      `${a.label} is in ${sa.currency} and ${b.label} in ${sb.currency}: pass --currency with rates from 'cpi fx import' to compare them`,
    );
  }
  const cpiA = sa.summary.metrics.cpi ?? null;
  const cpiB = sb.summary.metrics.cpi ?? null;
  const change = cpiA !== null && cpiB !== null ? relativeChange(cpiA, cpiB) : null;
  const amount = microsToUnits(sa.summary.totals.cost);
  return {
    currency: sa.currency,
    a: sa.summary,
    b: sb.summary,
    cpi_change: change,
    verdict: cpiVerdict(change),
    budget: {
      amount,
      impressions_at_a: cpiA ? amount / cpiA : null,
      impressions_at_b: cpiB ? amount / cpiB : null,
      extra_impressions: cpiA && cpiB ? extraImpressions(amount, cpiA, cpiB) : null,
    },
    explain_by: by,
    decomposition: decomposeCpiChange(sa.segments, sb.segments),
    warnings: [...sa.warnings, ...sb.warnings],
  };
}
