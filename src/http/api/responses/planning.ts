// Answers of the planning endpoints: pacing, allocation, curves, forecasts, reach, test plans and
// contracts (money in currency units; see common.ts).
import { z } from "zod";
import { day, nullableNum, num } from "./common.js";

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
