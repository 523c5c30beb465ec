import { extraImpressions, relativeChange, requireAmount } from "../domain/cost-efficiency.js";
import type { Totals } from "../domain/measures.js";
import { METRICS } from "../domain/metrics.js";
import { normaliseCurrency, parseMicros, unitsToMicros } from "../domain/money.js";

export interface CalcInput {
  cost: string | number;
  impressions: string | number;
  clicks?: string | number;
  conversions?: string | number;
  revenue?: string | number;
  baselineCpi?: string | number;
  currency?: string;
}

/** The calculator's answer; keys follow `cpi calc --format json`. */
export interface CalcResult {
  currency: string;
  cost: number;
  impressions: number;
  cpi: number | null;
  cpm: number | null;
  clicks?: number;
  conversions?: number;
  revenue?: number;
  cpc?: number | null;
  ctr?: number | null;
  cpa?: number | null;
  cvr?: number | null;
  roas?: number | null;
  baseline_cpi?: number;
  cpi_change?: number | null;
  extra_impressions?: number | null;
}

const money = (v: string | number, what: string) => {
  const n = requireAmount(v, what);
  return typeof v === "string" ? (parseMicros(v.trim()) ?? unitsToMicros(n)) : unitsToMicros(n);
};

/**
 * CPI, CPM and their neighbours from totals, through the same metric catalogue as reports.
 * @example calculate({ cost: 5000, impressions: 500000, baselineCpi: 0.015 }).extra_impressions // 166666.67
 */
export function calculate(input: CalcInput): CalcResult {
  const impressions = requireAmount(input.impressions, "--impressions");
  const t: Totals = {
    cost: money(input.cost, "--cost"),
    revenue: input.revenue !== undefined ? money(input.revenue, "--revenue") : 0n,
    impressions,
    clicks: input.clicks !== undefined ? requireAmount(input.clicks, "--clicks") : 0,
    conversions: input.conversions !== undefined ? requireAmount(input.conversions, "--conversions") : 0,
    viewable_impressions: 0,
    measurable_impressions: 0,
  };
  const out: CalcResult = {
    currency: input.currency ? normaliseCurrency(input.currency) : "USD",
    cost: METRICS.cost.value(t) as number,
    impressions,
    cpi: METRICS.cpi.value(t),
    cpm: METRICS.cpm.value(t),
  };
  if (input.clicks !== undefined) {
    out.clicks = t.clicks;
    out.cpc = METRICS.cpc.value(t);
    out.ctr = METRICS.ctr.value(t);
  }
  if (input.conversions !== undefined) {
    out.conversions = t.conversions;
    out.cpa = METRICS.cpa.value(t);
    if (input.clicks !== undefined) out.cvr = METRICS.cvr.value(t);
  }
  if (input.revenue !== undefined) {
    out.revenue = METRICS.revenue.value(t) as number;
    out.roas = METRICS.roas.value(t);
  }
  if (input.baselineCpi !== undefined) {
    const base = requireAmount(input.baselineCpi, "--baseline-cpi", true);
    out.baseline_cpi = base;
    out.cpi_change = out.cpi === null ? null : relativeChange(out.cpi, base);
    const extra = out.cpi ? extraImpressions(out.cost, out.cpi, base) : null;
    out.extra_impressions = extra === null ? null : Math.round(extra * 100) / 100;
  }
  return out;
}
