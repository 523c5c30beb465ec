// Metrics queries, comparisons, the metric catalogue and what the store holds.
import { z } from "zod";
import { compareSides } from "../../../app/compare.js";
import { listFxCoverage } from "../../../app/fx.js";
import { type Report, reachEstimateFields, reportToObjects, runReport } from "../../../app/report.js";
import { addDays, isoToEpochDay } from "../../../domain/dates.js";
import { UserError } from "../../../domain/errors.js";
import { METRICS } from "../../../domain/metrics.js";
import { ENTITY_DIMENSIONS, parseFilter, TIME_GRAINS } from "../../../domain/query.js";
import { DEFAULT_EXACT_REACH_MAX, REACH_MODES, type ReachMode } from "../../../domain/tracking/reach-sample.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { metricQueryFromJson, metricQueryJson, metricQueryOf, metricQueryParams } from "../params.js";
import { compareResponse, extentResponse, metricsResponse } from "../responses/reports.js";

const row = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const reportResponse = z.strictObject({
  query: metricQueryJson.describe("the query as the server read it (the JSON MetricQuery that POST /api/report takes)"),
  currency: z.string().nullable().describe("the currency of every money figure; null when rows are in several (grouped by currency)"),
  dimensions: z.array(z.string()),
  metrics: z.array(z.string()),
  rows: z
    .array(row)
    .describe("one object per group: dimension values and metric values by name (as `cpi report --format json`), with `reach_estimated` and `reach_rse` when reach is estimated"),
  total: row.nullable().describe("metric values over every row; null when rows are in several currencies"),
  warnings: z.array(z.string()),
  reach_estimated: z.boolean().optional().describe("true when tracked reach (and CPMR) are estimated from the 1/64 visitor sample; absent when exact"),
  reach_rse: z.number().nullable().optional().describe("the total reach's relative standard error (1 s.e., a fraction) when estimated"),
});

const reachMode = z.enum(REACH_MODES).optional().describe("tracked reach: exact, estimate (the 1/64 visitor sample, error stated) or auto (default: exact up to exact_reach_max impressions)");
const exactReachMaxText = `with reach=auto: the most impressions a report counts reach exactly over (default ${DEFAULT_EXACT_REACH_MAX})`;
/** How reach is counted, as query parameters (GET). */
const reachParams = { reach: reachMode, exact_reach_max: z.coerce.number().int().min(0).optional().describe(exactReachMaxText) };
/** The same beside a JSON MetricQuery (POST): a number, not a string to coerce. */
const reachJson = { reach: reachMode, exact_reach_max: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe(exactReachMaxText) };

/** runReport's reach options from the parameters (auto up to the default threshold unless given). */
const reachOptions = (p: { reach?: ReachMode | undefined; exact_reach_max?: number | undefined }) => ({ reach: p.reach ?? "auto", exactReachMax: p.exact_reach_max ?? DEFAULT_EXACT_REACH_MAX });

function reportJson(r: Report) {
  return {
    query: r.query,
    currency: r.currency,
    dimensions: r.dimensions,
    metrics: r.metrics,
    rows: reportToObjects(r),
    total: r.total ? Object.fromEntries(r.metrics.map((m) => [m, r.total?.values[m] ?? null])) : null,
    warnings: r.warnings,
    ...(r.total ? reachEstimateFields(r, r.total) : r.reachEstimated ? { reach_estimated: true } : {}),
  };
}

/** The days of a period label ("2026-10-03" or "2026-10-01..2026-10-31"). */
function daysOf(label: string): [string, string] {
  const [a = "", b] = label.split("..");
  return [a, b ?? a];
}

export const reportEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/api/report",
    tag: "reports",
    summary: "Run a metrics query (the flags of `cpi report`)",
    description: "Sums by the dimensions, converts currencies at each row's date when `currency` is set, derives every metric from the sums.",
    input: "query",
    schema: z.strictObject({ ...metricQueryParams, ...reachParams }),
    write: false,
    response: reportResponse,
    handle: async (p, { store }) =>
      reportJson(await runReport(store, metricQueryOf(p), { sums: "metrics", ...reachOptions(p) })),
  }),
  defineEndpoint({
    method: "POST",
    path: "/api/report",
    tag: "reports",
    summary: "Run a metrics query given as a JSON MetricQuery",
    description:
      "The same MetricQuery object the CLI builds from its flags: metrics, dimensions, filters, period, time zone, currency; beside it, `reach` and `exact_reach_max` as GET takes them (the dashboard's Explore sends its Reach choice).",
    input: "json",
    schema: metricQueryJson.extend(reachJson),
    write: false,
    response: reportResponse,
    handle: async ({ reach, exact_reach_max, ...q }, { store }) => reportJson(await runReport(store, metricQueryFromJson(q), { sums: "metrics", ...reachOptions({ reach, exact_reach_max }) })),
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/metrics",
    tag: "reports",
    summary: "The metric catalogue and the dimensions",
    input: "query",
    schema: z.strictObject({}),
    write: false,
    response: metricsResponse,
    handle: async () => ({
      metrics: Object.values(METRICS).map((m) => ({ name: m.name, label: m.label, unit: m.unit, direction: m.direction, decimals: m.decimals, description: m.description })),
      dimensions: [...ENTITY_DIMENSIONS],
      time_grains: [...TIME_GRAINS],
    }),
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/extent",
    tag: "reports",
    summary: "What the store holds: first and last day, currencies, sources, exchange rates",
    input: "query",
    schema: z.strictObject({}),
    write: false,
    response: extentResponse,
    handle: async (_p, { store }) => {
      const r = await runReport(store, { metrics: ["impressions", "cost"], dimensions: ["currency", "source", "day"], filters: [] });
      let first: string | null = null;
      let last: string | null = null;
      const currencies = new Map<string, number>();
      const sources = new Set<string>();
      for (const x of r.rows) {
        const [cur = "", source = "", day = ""] = x.keys;
        const [a, b] = daysOf(day);
        if (first === null || a < first) first = a;
        if (last === null || b > last) last = b;
        if (cur) currencies.set(cur, (currencies.get(cur) ?? 0) + x.totals.impressions);
        sources.add(source);
      }
      const ranked = [...currencies.entries()].sort((x, y) => y[1] - x[1]).map(([c]) => c);
      return { first_day: first, last_day: last, currencies: ranked, default_currency: ranked.includes("USD") ? "USD" : (ranked[0] ?? null), sources: [...sources].sort(), fx: await listFxCoverage(store) };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/compare",
    tag: "reports",
    summary: "Compare two campaigns or two periods on CPI, with the mix/rate decomposition (`cpi compare`)",
    description:
      "Two campaigns: `campaign` and `vs` (over `from`..`to` when given). Two periods: `from`..`to` against `vs_from`..`vs_to` (default: the period of the same length just before).",
    input: "query",
    schema: z.strictObject({
      campaign: z.string().min(1).max(500).optional().describe("side A's campaign (with `vs`)"),
      vs: z.string().min(1).max(500).optional().describe("side B's campaign"),
      from: metricQueryParams.from,
      to: metricQueryParams.to,
      vs_from: metricQueryParams.from.describe("side B's first day"),
      vs_to: metricQueryParams.to.describe("side B's last day"),
      where: metricQueryParams.where,
      explain_by: z.enum(ENTITY_DIMENSIONS).default("source").describe("dimension of the mix/rate decomposition"),
      currency: metricQueryParams.currency,
    }),
    write: false,
    response: compareResponse,
    handle: async (p, { store }) => {
      const sides = compareSidesOf(p);
      const c = await compareSides(store, sides[0], sides[1], { explainBy: p.explain_by, filters: (p.where ?? []).map(parseFilter), ...(p.currency ? { currency: p.currency.toUpperCase() } : {}) });
      const side = (s: typeof c.a) => ({ label: s.label, from: s.from, to: s.to, ...s.metrics });
      return { currency: c.currency, a: side(c.a), b: side(c.b), cpi_change: c.cpi_change, verdict: c.verdict, budget: c.budget, decomposition: { by: c.explain_by, ...c.decomposition }, warnings: c.warnings };
    },
  }),
];

interface SideInput {
  campaign?: string | undefined;
  vs?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  vs_from?: string | undefined;
  vs_to?: string | undefined;
}

type Side = { label: string; filters: { dimension: "campaign"; op: "eq"; values: string[] }[]; from?: string; to?: string };

/** The two sides of a comparison from its parameters (campaigns, or periods with a default previous period). */
export function compareSidesOf(p: SideInput): [Side, Side] {
  const period = (from?: string, to?: string) => ({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  for (const [k, v] of Object.entries({ from: p.from, to: p.to, vs_from: p.vs_from, vs_to: p.vs_to })) {
    if (v !== undefined && isoToEpochDay(v) === null) throw new UserError("bad_date", `${k} must be a date as YYYY-MM-DD, got '${v}'`);
  }
  if (p.campaign || p.vs) {
    if (!p.campaign || !p.vs) throw new UserError("bad_usage", "campaign and vs go together: ?campaign=Launch%20Q4&vs=Launch%20Q3");
    return [
      { label: p.campaign, filters: [{ dimension: "campaign", op: "eq", values: [p.campaign] }], ...period(p.from, p.to) },
      { label: p.vs, filters: [{ dimension: "campaign", op: "eq", values: [p.vs] }], ...period(p.vs_from ?? p.from, p.vs_to ?? p.to) },
    ];
  }
  if (!p.from || !p.to) throw new UserError("bad_usage", "say what to compare: campaign and vs, or from and to (with vs_from and vs_to, or the previous period by default)");
  if (p.from > p.to) throw new UserError("bad_period", `from ${p.from} is after to ${p.to}`);
  let vsFrom = p.vs_from;
  let vsTo = p.vs_to;
  if (!vsFrom || !vsTo) {
    if (vsFrom || vsTo) throw new UserError("bad_usage", "give both vs_from and vs_to, or neither (the previous period of the same length)");
    const len = (isoToEpochDay(p.to) as number) - (isoToEpochDay(p.from) as number) + 1;
    vsTo = addDays(p.from, -1);
    vsFrom = addDays(p.from, -len);
  }
  if (vsFrom > vsTo) throw new UserError("bad_period", `vs_from ${vsFrom} is after vs_to ${vsTo}`);
  const label = (a: string, b: string) => (a === b ? a : `${a}..${b}`);
  return [
    { label: label(p.from, p.to), filters: [], from: p.from, to: p.to },
    { label: label(vsFrom, vsTo), filters: [], from: vsFrom, to: vsTo },
  ];
}
