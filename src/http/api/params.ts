// Schema fragments shared by endpoints: dates, currencies, filters, the MetricQuery in both its forms
// (query parameters as the CLI's flags, or a JSON MetricQuery).
import { z } from "zod";
import { requireIsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { METRIC_NAMES } from "../../domain/metrics.js";
import type { Filter } from "../../domain/query.js";
import { buildMetricQuery, ENTITY_DIMENSIONS, type MetricQuery, parseDimensionList, parseFilter, requireStorableText, requireTimeZone, TIME_GRAINS } from "../../domain/query.js";

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");
export const currency = z.string().regex(/^[A-Za-z]{3}$/, "expected an ISO-4217 code like USD").describe("convert every amount to this currency at each row's date (rates from POST /api/fx)");
export const timezone = z.string().min(1).max(64).describe("IANA time zone, e.g. Europe/Berlin");
export const entityDimension = z.enum(ENTITY_DIMENSIONS);
export const where = z.array(z.string().min(3).max(500)).max(20).describe("filters as in the CLI's --where: DIM=VALUE, DIM=A|B, DIM!=VALUE, DIM~TEXT; repeat the parameter for more");
/** A number in a query string. */
export const num = z.coerce.number().refine(Number.isFinite, "expected a number");

/** The MetricQuery as query parameters (the CLI's flags of `cpi report`). */
export const metricQueryParams = {
  by: z.string().max(200).optional().describe(`comma-separated dimensions: ${[...ENTITY_DIMENSIONS, ...TIME_GRAINS].join(", ")} (at most one time grain)`),
  metrics: z.string().max(500).optional().describe(`comma-separated metrics from GET /api/metrics (default cost,impressions,clicks,cpi,cpm,ctr)`),
  where: where.optional(),
  from: isoDate.optional().describe("first day, inclusive"),
  to: isoDate.optional().describe("last day, inclusive"),
  timezone: timezone.optional(),
  currency: currency.optional(),
};

/** Builds a MetricQuery from the query-parameter form, with the CLI's rules and errors. */
export function metricQueryOf(p: { by?: string | undefined; metrics?: string | undefined; where?: string[] | undefined; from?: string | undefined; to?: string | undefined; timezone?: string | undefined; currency?: string | undefined }): MetricQuery {
  return buildMetricQuery({
    ...(p.metrics !== undefined ? { metrics: p.metrics } : {}),
    ...(p.by !== undefined ? { by: p.by } : {}),
    where: p.where ?? [],
    ...(p.from !== undefined ? { from: p.from } : {}),
    ...(p.to !== undefined ? { to: p.to } : {}),
    ...(p.timezone !== undefined ? { timezone: p.timezone } : {}),
    ...(p.currency !== undefined ? { currency: p.currency } : {}),
  });
}

export const filterSchema = z.strictObject({
  dimension: entityDimension,
  op: z.enum(["eq", "neq", "contains"]).default("eq"),
  values: z.array(z.string().min(1).max(500)).min(1).max(100),
});

/** The MetricQuery as JSON: what the CLI builds from flags, the same object. */
export const metricQueryJson = z.strictObject({
  metrics: z.array(z.enum(METRIC_NAMES as unknown as [string, ...string[]])).min(1).max(40),
  dimensions: z.array(z.enum([...ENTITY_DIMENSIONS, ...TIME_GRAINS])).max(8).default([]),
  filters: z.array(filterSchema).max(20).default([]),
  from: isoDate.optional(),
  to: isoDate.optional(),
  timezone: timezone.optional(),
  currency: currency.optional(),
});

/** Checks a JSON MetricQuery beyond its shape (one time grain, no duplicates, real dates and zones). */
export function metricQueryFromJson(j: z.output<typeof metricQueryJson>): MetricQuery {
  const q: MetricQuery = {
    metrics: j.metrics as MetricQuery["metrics"],
    dimensions: parseDimensionList(j.dimensions.join(",")),
    filters: j.filters.map((f, i) => ({ dimension: f.dimension, op: f.op, values: f.values.map((v) => requireStorableText(v, `filters.${i}.values`)) })),
  };
  if (j.from) q.from = requireIsoDate(j.from, "from");
  if (j.to) q.to = requireIsoDate(j.to, "to");
  if (q.from && q.to && q.from > q.to) throw new UserError("bad_period", `from ${q.from} is after to ${q.to}`);
  if (j.timezone) q.timezone = requireTimeZone(j.timezone);
  if (j.currency) q.currency = j.currency.toUpperCase();
  return q;
}

/** Filters from `where` parameters, plus a campaign's when given. */
export function filtersOf(whereList: string[] | undefined, campaign?: string): Filter[] {
  const fs = (whereList ?? []).map(parseFilter);
  if (campaign) fs.push({ dimension: "campaign", op: "eq", values: [campaign] });
  return fs;
}

/** Optional dates checked as real calendar days. */
export function periodOf(p: { from?: string | undefined; to?: string | undefined }): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (p.from) out.from = requireIsoDate(p.from, "from");
  if (p.to) out.to = requireIsoDate(p.to, "to");
  if (out.from && out.to && out.from > out.to) throw new UserError("bad_period", `from ${out.from} is after to ${out.to}`);
  return out;
}
