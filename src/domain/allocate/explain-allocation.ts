import type { AllocationChannel, ChannelAllocation, ChannelBound } from "./allocation-types.js";
import type { SearchChannel } from "./branch-and-bound.js";
import { concaveEnvelope } from "./concave-envelope.js";
import { type ChannelExplanation, explanationText } from "./explanation-text.js";

/**
 * Explains one channel's recommended spend: its bound, marginal and average cost per objective unit,
 * and why money moved against today's spend (the marginal cost there vs the equalised one).
 * @example explainChannel(channel, searchChannel, 4200, 20000, 0.05, "reach").reason
 *   // "funded until one more person reached costs 20.0, the same on every funded channel; money moved in: …"
 */
export function explainChannel(
  c: AllocationChannel,
  s: SearchChannel,
  spend: number,
  allocated: number,
  lambda: number | null,
  objective: string,
): ChannelAllocation {
  const value = c.curve.value(spend);
  const d = c.curve.derivative(spend);
  const marginalReturn = Number.isFinite(d) ? d : Number.POSITIVE_INFINITY;
  const marginalCost = marginalReturn > 0 ? 1 / marginalReturn : null;
  const eps = 1e-9 * Math.max(1, s.hi, spend);
  let bound: ChannelBound;
  if (c.fixed !== undefined) bound = "fixed";
  else if (spend <= eps && s.lo === 0) bound = "off";
  else if (spend <= s.lo + eps) bound = "at-min";
  else if (spend >= s.hi - eps) bound = "at-max";
  else bound = "funded";
  const unitCost = lambda ? 1 / lambda : null;
  let offReason: ChannelExplanation["offReason"] = null;
  let threshold: number | null = null;
  let averageCost: number | null = null;
  if (bound === "off") {
    const env = concaveEnvelope(c.curve, 0, s.hi, s.inflection);
    if ((env.w >= s.hi || env.w > 0) && env.slope > 0) {
      offReason = env.w >= s.hi ? "slow-start" : "threshold";
      threshold = env.w;
      averageCost = 1 / env.slope;
    } else offReason = "first-unit";
  }
  let currentValue: number | null = null;
  let currentMarginalCost: number | null = null;
  let change: number | null = null;
  let today: ChannelExplanation["today"] = null;
  if (c.current !== undefined) {
    currentValue = c.curve.value(c.current);
    const dc = c.curve.derivative(c.current);
    currentMarginalCost = dc > 0 && Number.isFinite(dc) ? 1 / dc : null;
    change = spend - c.current;
    const tol = 1e-6 * Math.max(1, allocated);
    today = { spend: c.current, marginalCost: currentMarginalCost, moved: change > tol ? "in" : change < -tol ? "out" : "unchanged" };
  }
  const explanation: ChannelExplanation = { bound, offReason, spend, min: s.lo, max: s.hi, marginalCost, equalisedCost: unitCost, threshold, averageCost, today };
  return {
    name: c.name,
    spend,
    share: allocated > 0 ? spend / allocated : 0,
    value,
    marginalReturn,
    marginalCost,
    averageCost: value > 0 ? spend / value : null,
    bound,
    current: c.current ?? null,
    currentValue,
    currentMarginalCost,
    change,
    explanation,
    reason: explanationText(explanation, objective),
  };
}
