// Why the allocator gave a channel its spend, in words: the API's `why` (the period's amounts, in the
// API's snake_case) with money formatted for the browser's locale and the currency. The sentences are
// the CLI's own (domain/allocate/explanation-text.ts is pure, so the browser bundle takes it as it is).
import { type ChannelExplanation, type ExplanationFormat, explanationText } from "../../domain/allocate/explanation-text.js";

export { objectiveUnit } from "../../domain/allocate/explanation-text.js";

/** The API's per_period[].why: a ChannelExplanation with snake_case keys (domain/json-output.ts). */
export interface Why {
  bound: ChannelExplanation["bound"];
  off_reason: ChannelExplanation["offReason"];
  spend: number;
  min: number;
  max: number;
  marginal_cost: number | null;
  equalised_cost: number | null;
  threshold: number | null;
  average_cost: number | null;
  today: { spend: number; marginal_cost: number | null; moved: "in" | "out" | "unchanged" } | null;
}

/** How amounts of spend and costs of one unit are written. */
export type WhyFormat = ExplanationFormat;

/** The explanation the API's `why` carries. */
function explanationOf(w: Why): ChannelExplanation {
  return {
    bound: w.bound,
    offReason: w.off_reason,
    spend: w.spend,
    min: w.min,
    max: w.max,
    marginalCost: w.marginal_cost,
    equalisedCost: w.equalised_cost,
    threshold: w.threshold,
    averageCost: w.average_cost,
    today: w.today === null ? null : { spend: w.today.spend, marginalCost: w.today.marginal_cost, moved: w.today.moved },
  };
}

/** The CLI's sentence for the API's `why`. */
export function whyText(why: Why, objective: string, format?: WhyFormat): string {
  return explanationText(explanationOf(why), objective, format);
}
