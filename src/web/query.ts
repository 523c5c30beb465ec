// Report queries as the dashboard sends them: the JSON MetricQuery (POST /api/report), so filter
// values are exact whatever characters they hold.
import { post } from "./api.js";
import type { AppState } from "./state.js";
import type { Filter, ReportAnswer } from "./types.js";

/** Runs a report over the state's period and currency unless overridden. */
export function report(s: AppState, q: { metrics: string[]; dimensions?: string[]; filters?: Filter[]; from?: string; to?: string }): Promise<ReportAnswer> {
  return post<ReportAnswer>("/api/report", {
    metrics: q.metrics,
    dimensions: q.dimensions ?? [],
    filters: q.filters ?? [],
    from: q.from ?? s.from,
    to: q.to ?? s.to,
    ...(s.currency ? { currency: s.currency } : {}),
  });
}

/** An exact-match filter. */
export function eq(dimension: string, value: string): Filter {
  return { dimension, op: "eq", values: [value] };
}

/** Values of a numeric column, null when missing. */
export function numberOf(v: string | number | null | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Day rows' date, or null for rows covering a range ("a..b"). */
export function dayOf(v: string | number | null | undefined): Date | null {
  return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : null;
}
