// Report queries as the dashboard sends them: the JSON MetricQuery (POST /api/report), so filter
// values are exact whatever characters they hold.
import { type ReachMode, reachEstimateText, reachRseText } from "../domain/tracking/reach-sample.js";
import { post } from "./api.js";
import { h } from "./dom.js";
import type { AppState } from "./state.js";
import type { Filter, ReportAnswer, Row } from "./types.js";

/** Runs a report over the state's period and currency unless overridden; tracked reach as `reach` says (the server's auto by default). */
export function report(s: AppState, q: { metrics: string[]; dimensions?: string[]; filters?: Filter[]; from?: string; to?: string; reach?: ReachMode }): Promise<ReportAnswer> {
  return post<ReportAnswer>("/api/report", {
    metrics: q.metrics,
    dimensions: q.dimensions ?? [],
    filters: q.filters ?? [],
    from: q.from ?? s.from,
    to: q.to ?? s.to,
    ...(s.currency ? { currency: s.currency } : {}),
    ...(q.reach && q.reach !== "auto" ? { reach: q.reach } : {}),
  });
}

/**
 * The note under a report whose tracked reach is estimated (as `cpi report` prints it): the sample, the
 * total's relative standard error, a row's; null when reach is exact.
 */
export function reachEstimateNote(r: ReportAnswer): HTMLElement | null {
  if (!r.reach_estimated) return null;
  const rse = r.reach_rse ?? null;
  const text = reachEstimateText(rse);
  return h(
    "p",
    { class: "note", data: { testid: "reach-estimate", rse: rse === null ? "" : String(rse) } },
    `${text.charAt(0).toUpperCase()}${text.slice(1)}. Hover a reach figure for its own error; choose Reach: exact to count every visitor.`,
  );
}

/** A row's estimated-reach error as a tooltip ("estimated, ±2.3 % (1 s.e.)"), or undefined when exact. */
export function reachRowTitle(row: Row): string | undefined {
  // The API's rows carry reach_estimated as a boolean, which Row (the values shown) does not list.
  const r = row as Record<string, unknown>;
  if (r.reach_estimated !== true) return undefined;
  return typeof r.reach_rse === "number" ? `estimated, ${reachRseText(r.reach_rse)}` : "estimated: no sampled visitor";
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
