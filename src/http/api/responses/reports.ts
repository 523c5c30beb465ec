// Answers of the reports, imports, FX, tracking and A/B test endpoints (see common.ts).
import { z } from "zod";
import { day, fxCoverage, num } from "./common.js";

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

