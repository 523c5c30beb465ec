// The success answers of the API endpoints, as zod schemas: /openapi.json states them (openapi.ts),
// and the test suite checks every answer it receives against that document. Money is in currency
// units, keys are snake_case. Objects are strict: a field an answer gains must be described here.
import { z } from "zod";

const num = z.number();
const day = z.string().describe("YYYY-MM-DD");

/** Metric values by metric name (null where a ratio has no denominator). */
export const metricValues = z.record(z.string(), num.nullable());

/** Exchange rates held per currency pair (`cpi fx list`). */
export const fxCoverage = z.array(z.strictObject({ base: z.string(), currency: z.string(), first: day, last: day, days: num }));

export const metricsResponse = z.strictObject({
  metrics: z.array(
    z.strictObject({
      name: z.string(),
      label: z.string(),
      unit: z.string().describe("money, count, rate, …"),
      direction: z.enum(["higher", "lower", "none"]).describe("which way is better"),
      decimals: num,
      description: z.string(),
    }),
  ),
  dimensions: z.array(z.string()),
  time_grains: z.array(z.string()),
});

export const extentResponse = z.strictObject({
  first_day: day.nullable(),
  last_day: day.nullable(),
  currencies: z.array(z.string()).describe("by impressions, most first"),
  default_currency: z.string().nullable(),
  sources: z.array(z.string()),
  fx: fxCoverage,
});

const compareSide = z.object({ label: z.string(), from: day.nullable(), to: day.nullable() }).catchall(num.nullable()).describe("the side's label, period and every metric");

export const compareResponse = z.strictObject({
  currency: z.string().nullable(),
  a: compareSide,
  b: compareSide,
  cpi_change: num.nullable().describe("relative change of A's CPI from B's (−0.2 = 20 % lower)"),
  verdict: z.string(),
  budget: z.strictObject({ amount: num, impressions_at_a: num.nullable(), impressions_at_b: num.nullable(), extra_impressions: num.nullable() }).nullable(),
  decomposition: z
    .object({
      by: z.string(),
      cpi_a: num.nullable(),
      cpi_b: num.nullable(),
      total_change: num.nullable(),
      mix: num.nullable(),
      rate: num.nullable(),
      segments: z.array(z.strictObject({ segment: z.string(), share_a: num, share_b: num, cpi_a: num.nullable(), cpi_b: num.nullable(), mix: num, rate: num })),
    })
    .describe("the CPI change split into mix (shares moved) and rate (prices moved)"),
  warnings: z.array(z.string()),
});

export const discrepanciesResponse = z.strictObject({
  tolerance: num,
  flagged: num,
  before_tracking: num.describe("reported rows older than their campaign's first tracked impression, not compared"),
  rows: z.array(
    z.strictObject({
      campaign: z.string(),
      placement: z.string(),
      day,
      reported: num,
      tracked: num,
      gap: num.nullable(),
      status: z.string().describe("ok, over, under, not_tracked, not_reported"),
    }),
  ),
});

export const sessionResponse = z.strictObject({
  token: z.strictObject({ id: num, name: z.string() }).nullable(),
  token_rejected: z.boolean(),
  can_read: z.boolean(),
  can_write: z.boolean(),
  reads_need_token: z.boolean(),
});

export const fxListResponse = z.strictObject({ rates: fxCoverage });

export const fxImportResponse = z.strictObject({ files: z.array(z.strictObject({ file: z.string(), format: z.string(), rates: num })) });

export const importsResponse = z.strictObject({
  dry_run: z.boolean(),
  files: z.array(
    z.strictObject({
      file: z.string(),
      source: z.string(),
      format: z.string(),
      rows: num,
      replaced_rows: num,
      skipped: z.array(z.strictObject({ line: num, column: z.string().optional(), message: z.string() })),
      warnings: z.array(z.string()),
    }),
  ),
});

export const abtestResponse = z.strictObject({
  metric: z.string(),
  method: z.enum(["frequentist", "sequential", "bayesian"]),
  arms: z.array(z.strictObject({ name: z.string(), units: num, cost: num.nullable(), impressions: num.nullable(), value: num.nullable() })),
  comparisons: z.array(
    z.strictObject({
      arm: z.string(),
      baseline: z.string(),
      lift: num.nullable(),
      ci: z.tuple([num, num]).nullable(),
      p_value: num.nullable(),
      chance_to_win: num.nullable(),
      risk: num.nullable(),
      verdict: z.string(),
    }),
  ),
  warnings: z.array(z.string()),
});

/** `{ "removed": … }`: what a DELETE removed. */
export const removedResponse = (what: z.ZodType) => z.strictObject({ removed: what });

// Alerts: an alert as recorded and shown (alertJson in app/alerts), the rules file's parts.
const nullableNum = num.nullable();
const alertCore = {
  key: z.string(),
  rule: z.string(),
  kind: z.enum(["anomaly", "threshold", "zero-delivery", "pacing"]),
  metric: z.string().nullable(),
  scope: z.record(z.string(), z.string()).describe("the dimension values of the scope ({} for the rule's whole filtered scope)"),
  scope_label: z.string(),
  day,
  since: day.describe("the episode's first day"),
  value: nullableNum,
  baseline: nullableNum,
  spread: nullableNum,
  score: nullableNum,
  threshold: nullableNum,
  direction: z.enum(["up", "down"]).nullable(),
  message: z.string(),
  reported: num.optional().describe("discrepancy alerts: impressions the platforms reported"),
  tracked: num.optional().describe("discrepancy alerts: impressions tracked first-party"),
  gap: num.optional().describe("discrepancy alerts: (tracked − reported) ÷ reported"),
};

const deliveryState = z.strictObject({
  webhook: z.string(),
  notice: z.string(),
  state: z.enum(["sent", "pending", "silenced", "expired"]),
  attempts: num,
  last_error: z.string().nullable(),
  sent_at: z.string().nullable(),
});

const alertSummary = z.strictObject({
  ...alertCore,
  last_day: day,
  first_seen_at: z.string(),
  resolved_on: day.nullable(),
  deliveries: z.array(deliveryState),
});

export const activeAlertsResponse = z.strictObject({ day: day.nullable(), checked_at: z.string().nullable(), alerts: z.array(alertSummary) });

export const alertHistoryResponse = z.strictObject({ alerts: z.array(alertSummary), skipped_lines: num.describe("log lines that could not be read") });

/** A rule as the rules file holds it, with its defaults filled in. */
export const alertRuleResponse = z
  .object({
    id: z.string(),
    kind: z.enum(["anomaly", "threshold", "zero-delivery", "pacing"]),
    where: z.array(z.string()),
    by: z.array(z.string()),
    enabled: z.boolean().optional(),
  })
  .catchall(z.union([z.string(), num, z.boolean(), z.array(z.string())]))
  .describe("the fields of its kind, as POST /api/alerts/rules takes them");

export const silenceResponse = z.strictObject({
  id: z.string(),
  rule: z.string(),
  scope: z.record(z.string(), z.string()),
  until: z.string().nullable().describe("when a snooze ends; null for a mute"),
  created_at: z.string(),
  note: z.string().optional(),
});

export const alertRulesResponse = z.strictObject({
  rules: z.array(alertRuleResponse),
  webhooks: z.array(z.strictObject({ name: z.string(), format: z.string(), signed: z.boolean() })).describe("destinations by name and format; their URLs and secrets are withheld"),
  silences: z.array(silenceResponse),
  delivery: z.strictObject({ expire_after: z.string() }),
});

export const backtestResponse = z.strictObject({
  from: day,
  to: day,
  days: num,
  rules: z.array(
    z.strictObject({
      rule: z.string(),
      kind: z.string(),
      enabled: z.boolean(),
      scopes: num,
      alerts: num,
      days_firing: num,
      skipped: z.record(z.string(), num).describe("scope-days not judged, by reason"),
    }),
  ),
  alerts: z.array(
    z.strictObject({
      rule: z.string(),
      kind: z.string(),
      scope: z.record(z.string(), z.string()),
      scope_label: z.string(),
      since: day,
      until: day,
      days: num,
      direction: z.enum(["up", "down"]).nullable(),
      state: z.string(),
      value: nullableNum,
      baseline: nullableNum,
      score: nullableNum,
      message: z.string(),
    }),
  ),
  errors: z.array(z.strictObject({ rule: z.string(), message: z.string() })),
  warnings: z.array(z.string()),
});

const attempt = z.object({ webhook: z.string(), status: z.string(), attempts: num.optional(), error: z.string().optional() }).catchall(z.unknown());

export const alertCheckResponse = z.strictObject({
  day: day.nullable(),
  rules: num,
  scopes: num,
  fired: z.array(z.object({ ...alertCore, type: z.literal("alert"), first: z.boolean(), at: z.string(), new: z.boolean(), deliveries: z.array(attempt) })),
  resolved: z.array(z.object({ key: z.string() }).catchall(z.unknown())),
  other_deliveries: z.array(attempt),
  skipped: z.array(z.strictObject({ rule: z.string(), scope: z.string(), reason: z.string(), message: z.string().optional() })),
  quiet: num,
  errors: z.array(z.unknown()),
  warnings: z.array(z.string()),
  delivery_failures: num,
});

// Planning: pacing, allocation, curves, forecasts, reach and test plans (money in currency units).
const interval = z.strictObject({ value: nullableNum, low: nullableNum, high: nullableNum });

export const pacingResponse = z.strictObject({
  total_days: num,
  elapsed_days: num,
  remaining_days: num,
  elapsed_share: num,
  spend_to_date: num,
  spent_share: num,
  expected_spend_to_date: num,
  pace_ratio: nullableNum,
  daily_rate: num.describe("average spend per calendar day over the last 7 days (days without rows count as 0)"),
  projected_end_spend: num,
  projected_over_budget: num,
  required_daily_spend: nullableNum,
  status: z.string().describe("on-track, overspending, underspending, over-budget, not-started, ended"),
  ended: z.boolean(),
  message: z.string(),
  as_of: day,
  budget: num,
  currency: z.string(),
});

const channelExplanation = z
  .object({ bound: z.string(), spend: num, min: num, max: num, marginal_cost: nullableNum, equalised_cost: nullableNum })
  .catchall(z.unknown())
  .describe("why the channel gets its spend: its bound, costs at the margin, today's spend");

export const allocateResponse = z.strictObject({
  objective: z.string(),
  budget: num,
  days: num,
  currency: z.string().nullable(),
  today_daily_spend: z.record(z.string(), num).describe("each channel's recent daily spend, by channel"),
  marginal_cost: nullableNum,
  skipped: z.array(z.unknown()).describe("channels left out, with the reason"),
  extrapolation: z
    .array(z.strictObject({ channel: z.string(), daily_spend: num, highest_daily_spend: num, ratio: num, message: z.string() }))
    .describe("channels the plan funds beyond the spend their curves were fitted on"),
  max_extrapolation: nullableNum.describe("the most a channel may get, as a multiple of its highest observed daily spend (null: no limit)"),
  warnings: z.array(z.string()),
  result: z
    .object({
      status: z.string().describe("optimal, extrapolated, …"),
      message: z.string(),
      objective: z.string(),
      budget: num,
      allocated: num,
      unallocated: num,
      total: num,
      channels: z.array(
        z
          .object({ name: z.string(), spend: num, share: num, value: num, marginal_cost: nullableNum, bound: z.string(), reason: z.string(), explanation: channelExplanation })
          .catchall(z.unknown()),
      ),
    })
    .catchall(z.unknown())
    .describe("the plan per day"),
  per_period: z.array(
    z.object({ channel: z.string(), spend: num, today: num, value: num, today_value: num, marginal_cost: nullableNum, why: channelExplanation, reason: z.string() }).catchall(z.unknown()),
  ),
});

const curveFit = z
  .strictObject({
    model: z.string(),
    formula: z.string(),
    params: z.array(z.strictObject({ name: z.string(), value: nullableNum, standard_error: nullableNum, low: nullableNum, high: nullableNum })),
    r2: nullableNum,
    sigma: nullableNum,
  })
  .nullable();

export const curvesResponse = z.strictObject({
  channels: z.array(
    z.strictObject({
      channel: z.string(),
      days: num,
      impressions_curve: curveFit,
      reach_curve: curveFit,
      spend_range: z.strictObject({ min: num, max: num }),
      today_spend: num,
      today: z.object({ spend: num, impressions: nullableNum, cpm: nullableNum, marginal_cpm: nullableNum, extrapolation: z.boolean() }).catchall(z.unknown()).nullable(),
      observed: z.array(z.strictObject({ spend: num, impressions: num })),
      curve: z.array(z.strictObject({ spend: num, impressions: nullableNum, low: nullableNum, high: nullableNum })),
      warnings: z.array(z.string()),
    }),
  ),
});

export const forecastResponse = z.strictObject({
  budget: num,
  days: num,
  daily_budget: num,
  daily: z
    .object({ spend: num, impressions: interval, reach: interval.nullable(), cpi: interval, cpm: interval, cost_per_reach: interval.nullable(), level: num, extrapolation: z.boolean(), notes: z.array(z.string()) })
    .catchall(z.unknown()),
  impressions: interval,
  extrapolation: z.boolean(),
  observed_daily_spend: z.strictObject({ min: num, max: num }).nullable(),
  warnings: z.array(z.string()),
});

export const reachResponse = z.strictObject({
  dimensions: z.array(z.string()),
  tracked: z.array(
    z.strictObject({
      keys: z.array(z.string()),
      impressions: num,
      reach: num,
      average_frequency: nullableNum,
      cost: nullableNum,
      cost_per_thousand_reached: nullableNum,
      frequency: z.array(z.strictObject({ label: z.string(), from: num, to: nullableNum, people: num, share: num })),
      k_plus: z.record(z.string(), num).describe('people reached at least k times, by "k+"'),
    }),
  ),
  tracked_total: nullableNum,
  error_bound: z.object({ engine: z.string(), relative_standard_error: num, note: z.string() }).catchall(z.unknown()).nullable(),
  platform: z.array(z.record(z.string(), z.unknown())).describe("reach the platforms reported, per row"),
  combined: z.record(z.string(), z.unknown()).nullable().describe("the deduplicated estimate across channels, with its range"),
  warnings: z.array(z.string()),
});

const testDesign = z.strictObject({ design: z.enum(["fixed", "sequential"]), units_per_arm: nullableNum, total_units: nullableNum, days: nullableNum, power_at_days: nullableNum });

export const abtestPlanResponse = z.strictObject({
  fixed: testDesign,
  sequential: testDesign,
  warnings: z.array(z.string()),
  metric: z.string(),
  baseline: nullableNum,
  mde: num,
  unit_variance: nullableNum,
  variance_from: z.string(),
});

const contract = z.strictObject({
  id: num,
  campaign: z.string(),
  placement: z.string(),
  pricing: z.enum(["flat", "cpm", "cpc"]),
  amount: num.describe("in currency units: the fee, or the price per thousand impressions or per click"),
  currency: z.string(),
  from: day,
  to: day,
  timezone: z.string(),
});

export const contractResponse = contract;
export const contractsResponse = z.strictObject({ contracts: z.array(contract) });
