// Tests and planning: A/B analyses, reach, response curves, forecasts, allocation, pacing — the same
// app/ use cases as `cpi abtest`, `reach`, `curves`, `forecast`, `allocate`, `pacing`.
import { z } from "zod";
import { dailyHistory, parseTestUnit, planAbTest, runAbTest, TEST_METRICS } from "../../../app/abtest.js";
import { allocate, type ChannelSelection, fitCurves, forecastBudget, OBJECTIVES, pacing, parseBound, parseMaxExtrapolation, reachReport } from "../../../app/planning/index.js";
import { predictCurve } from "../../../domain/curves/index.js";
import { requireIsoDate } from "../../../domain/dates.js";
import { UserError } from "../../../domain/errors.js";
import { isEntityDimension, parseDimensionList, requireTimeZone } from "../../../domain/query.js";
import type { PairOverlap } from "../../../domain/reach/index.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { currency, entityDimension, filtersOf, isoDate, num, periodOf, timezone, where } from "../params.js";
import { abtestPlanResponse, allocateResponse, curvesResponse, forecastResponse, pacingResponse, reachResponse } from "../responses/planning.js";
import { abtestResponse } from "../responses/reports.js";

/** The selection every planning endpoint shares (the CLI's --by, --campaign, --where, --from, --to, --currency). */
const selection = {
  by: entityDimension.default("source").describe("what a channel is: source, campaign, placement, …"),
  campaign: z.string().min(1).max(500).optional().describe("only this campaign"),
  where: where.optional(),
  from: isoDate.optional().describe("first day of the history"),
  to: isoDate.optional().describe("last day of the history"),
  currency: currency.optional(),
};

function selectionOf(p: { by: string; campaign?: string | undefined; where?: string[] | undefined; from?: string | undefined; to?: string | undefined; currency?: string | undefined }): ChannelSelection {
  if (!isEntityDimension(p.by)) throw new UserError("unknown_dimension", `by '${p.by}' is not a dimension`);
  return { by: p.by, filters: filtersOf(p.where, p.campaign), ...periodOf(p), ...(p.currency ? { currency: p.currency.toUpperCase() } : {}) };
}

const positive = num.refine((v) => v > 0, "expected a number above 0");

function overlapOf(text: string): PairOverlap {
  const m = /^(.+?)\+(.+?)=(\d+)$/.exec(text.trim());
  if (!m) throw new UserError("bad_overlap", `overlap '${text}' is not A+B=PEOPLE (e.g. "meta+tracked=1200")`);
  return { a: (m[1] as string).trim(), b: (m[2] as string).trim(), both: Number(m[3]) };
}

/** Points of a fitted impressions curve from 0 to 1.5× the largest observed daily spend. */
function curvePoints(fit: Parameters<typeof predictCurve>[0], maxSpend: number) {
  const top = Math.max(maxSpend * 1.5, 1);
  return Array.from({ length: 41 }, (_, i) => {
    const x = (top * i) / 40;
    if (i === 0) return { spend: 0, impressions: 0, low: 0, high: 0 };
    const p = predictCurve(fit, x);
    return { spend: x, impressions: p.value, low: p.low, high: p.high };
  });
}

export const planningEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/api/abtest",
    tag: "tests",
    summary: "Compare the arms of a test on CPI, CTR, CPA … with intervals and a verdict (`cpi abtest`)",
    input: "query",
    schema: z.strictObject({
      campaign: z.string().min(1).max(500).optional().describe("the campaign whose arms to compare"),
      arms: entityDimension.default("ad").describe("what the arms are: ad, ad_group, placement, source, …"),
      unit: z.string().default("day").describe("the randomisation unit: day, week, placement, ad_group, …; visitor for tracked events (with where=source=tracked)"),
      metric: z.enum(Object.keys(TEST_METRICS) as [string, ...string[]]).default("cpi"),
      method: z.enum(["frequentist", "sequential", "bayesian"]).default("frequentist"),
      baseline: z.string().min(1).max(500).optional().describe("the control arm (default: the arm with the most impressions)"),
      alpha: num.refine((v) => v > 0 && v < 0.5, "expected a level between 0 and 0.5").default(0.05),
      tuning: positive.default(5000).describe("sequential tuning parameter N*"),
      prior_mean: num.optional().describe("bayesian: prior mean of the relative lift (with prior_sd)"),
      prior_sd: positive.optional().describe("bayesian: prior standard deviation of the relative lift (default flat prior)"),
      where: where.optional(),
      from: isoDate.optional(),
      to: isoDate.optional(),
      currency: currency.optional(),
    }),
    write: false,
    response: abtestResponse,
    handle: async (p, { store }) => {
      return runAbTest(store, {
        metric: p.metric,
        arms: p.arms,
        unit: parseTestUnit(p.unit, "unit"),
        filters: filtersOf(p.where, p.campaign),
        method: p.method,
        ...(p.baseline ? { baseline: p.baseline } : {}),
        ...periodOf(p),
        ...(p.currency ? { currency: p.currency.toUpperCase() } : {}),
        options: { alpha: p.alpha, sequentialTuning: p.tuning, prior: p.prior_sd !== undefined ? { mean: p.prior_mean ?? 0, stddev: p.prior_sd } : "flat" },
      });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/abtest/plan",
    tag: "tests",
    summary: "How many days a test needs to detect a change (`cpi abtest plan`)",
    input: "query",
    schema: z.strictObject({
      metric: z.enum(Object.keys(TEST_METRICS) as [string, ...string[]]).default("cpi"),
      baseline: positive.describe("today's value of the metric"),
      daily_impressions: positive.describe("impressions per day over all arms"),
      mde: positive.describe("smallest relative change worth detecting, e.g. 0.1"),
      arms: positive.default(2),
      power: positive.default(0.8),
      alpha: positive.default(0.05),
      cv: positive.default(0.1).describe("day-to-day variation of the metric when there is no history"),
      tuning: positive.default(5000).describe("sequential tuning parameter N*"),
      campaign: z.string().min(1).max(500).optional().describe("take the variance from this campaign's daily history"),
    }),
    write: false,
    response: abtestPlanResponse,
    handle: async (p, { store }) => {
      const history = p.campaign ? await dailyHistory(store, p.metric, filtersOf([], p.campaign)) : undefined;
      return planAbTest({ metric: p.metric, baseline: p.baseline, dailyImpressions: p.daily_impressions, mde: p.mde, arms: p.arms, power: p.power, alpha: p.alpha, cv: p.cv, sequentialTuning: p.tuning, ...(history ? { history } : {}) });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/reach",
    tag: "planning",
    summary: "Unique reach, frequency distribution, platform reach and deduplicated reach across channels (`cpi reach`)",
    input: "query",
    schema: z.strictObject({
      by: z.string().max(200).default("campaign").describe("dimensions of tracked reach (campaign, placement, ad, day, …)"),
      campaign: selection.campaign,
      where: where.optional().describe("filters; without a source filter, tracked events"),
      from: isoDate.optional(),
      to: isoDate.optional(),
      timezone: timezone.optional(),
      audience: positive.optional().describe("size of the target audience: caps the cross-channel estimate"),
      overlap: z.array(z.string().max(500)).max(20).optional().describe("a measured overlap between two channels, A+B=PEOPLE (repeatable)"),
      currency: currency.optional(),
    }),
    write: false,
    response: reachResponse,
    handle: async (p, { store }) =>
      reachReport(store, {
        by: parseDimensionList(p.by),
        filters: filtersOf(p.where, p.campaign),
        ...periodOf(p),
        ...(p.currency ? { currency: p.currency.toUpperCase() } : {}),
        ...(p.timezone ? { timezone: requireTimeZone(p.timezone) } : {}),
        ...(p.audience !== undefined ? { audience: p.audience } : {}),
        overlaps: (p.overlap ?? []).map(overlapOf),
      }),
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/curves",
    tag: "planning",
    summary: "Response curves per channel: impressions vs daily spend, marginal CPM at today's spend (`cpi curves`)",
    description: "Besides the CLI's fields, each channel has its observed days and the fitted curve sampled up to 1.5× the largest observed daily spend.",
    input: "query",
    schema: z.strictObject(selection),
    write: false,
    response: curvesResponse,
    handle: async (p, { store }) => {
      const fits = await fitCurves(store, selectionOf(p));
      return {
        channels: fits.map((f) => ({
          channel: f.channel,
          days: f.days,
          impressions_curve: f.response ? { model: f.response.impressions.model, formula: f.response.impressions.formula, params: f.response.impressions.params, r2: f.response.impressions.r2, sigma: f.response.impressions.sigma } : null,
          reach_curve: f.response?.reach ? { model: f.response.reach.model, formula: f.response.reach.formula, params: f.response.reach.params, r2: f.response.reach.r2 } : null,
          spend_range: f.response?.spendRange ?? null,
          today_spend: f.history.todaySpend,
          today: f.today,
          observed: f.history.points.map((x) => ({ spend: x.spend, impressions: x.impressions })),
          curve: f.response ? curvePoints(f.response.impressions, Math.max(...f.history.points.map((x) => x.spend), f.history.todaySpend)) : [],
          warnings: f.warnings,
        })),
      };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/forecast",
    tag: "planning",
    summary: "What a budget buys: impressions, CPI, CPM (and reach) with intervals (`cpi forecast`)",
    input: "query",
    schema: z.strictObject({ ...selection, by: selection.by.default("campaign"), budget: positive.describe("total budget over `days`"), days: z.coerce.number().int().min(1).max(3660).default(30) }),
    write: false,
    response: forecastResponse,
    handle: async (p, { store }) => forecastBudget(store, selectionOf(p), p.budget, p.days),
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/allocate",
    tag: "planning",
    summary: "Split a budget across channels to maximise an objective on their response curves (`cpi allocate`)",
    input: "query",
    schema: z.strictObject({
      ...selection,
      budget: positive.describe("total budget over `days`"),
      days: z.coerce.number().int().min(1).max(3660).default(30),
      objective: z.enum(OBJECTIVES).default("impressions"),
      min: z.array(z.string().max(200)).max(50).optional().describe("least spend for a channel: CHANNEL=AMOUNT or CHANNEL=SHARE% (repeatable)"),
      max: z.array(z.string().max(200)).max(50).optional().describe("most spend for a channel (repeatable)"),
      fixed: z.array(z.string().max(200)).max(50).optional().describe("a channel whose spend must not change (repeatable)"),
      frequency_cap: positive.optional().describe("reach objective: nobody counts for more than n impressions a day"),
      max_extrapolation: z.string().max(20).optional().describe("most a channel may spend a day, as a multiple of the most it ever spent in a day (default 2; 'none': no ceiling)"),
    }),
    write: false,
    response: allocateResponse,
    handle: async (p, { store }) =>
      allocate(store, selectionOf(p), {
        budget: p.budget,
        days: p.days,
        objective: p.objective,
        min: (p.min ?? []).map((b) => parseBound(b, "min")),
        max: (p.max ?? []).map((b) => parseBound(b, "max")),
        fixed: (p.fixed ?? []).map((b) => parseBound(b, "fixed")),
        ...(p.frequency_cap !== undefined ? { frequencyCap: p.frequency_cap } : {}),
        maxExtrapolation: parseMaxExtrapolation(p.max_extrapolation, "max_extrapolation"),
      }),
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/pacing",
    tag: "planning",
    summary: "Is a flight on budget? Spend to date, projected end spend, the daily spend that lands on budget (`cpi pacing`)",
    description: "Money fields (spend_to_date, daily_rate, …) are amounts of `currency`, as `cpi pacing --format json` gives them.",
    input: "query",
    schema: z.strictObject({
      campaign: selection.campaign,
      where: where.optional(),
      budget: positive.describe("the flight's budget"),
      from: isoDate.describe("the flight's first day"),
      to: isoDate.describe("the flight's last day"),
      as_of: isoDate.optional().describe("last complete day (default: the last day with spend)"),
      currency: currency.optional(),
    }),
    write: false,
    response: pacingResponse,
    handle: async (p, { store }) => {
      const filters = filtersOf(p.where, p.campaign);
      if (filters.length === 0) throw new UserError("bad_usage", "say which flight: campaign=NAME or where=DIM=VALUE");
      return pacing(store, {
        filters,
        budget: p.budget,
        from: requireIsoDate(p.from, "from"),
        to: requireIsoDate(p.to, "to"),
        ...(p.as_of ? { asOf: requireIsoDate(p.as_of, "as_of") } : {}),
        ...(p.currency ? { currency: p.currency.toUpperCase() } : {}),
      });
    },
  }),
];
