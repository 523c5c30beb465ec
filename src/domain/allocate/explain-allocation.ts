import type { AllocationChannel, ChannelAllocation, ChannelBound } from "./allocation-types.js";
import type { SearchChannel } from "./branch-and-bound.js";
import { concaveEnvelope } from "./concave-envelope.js";

const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3));

/**
 * Explains one channel's recommended spend: its bound, marginal and average cost per objective unit,
 * and why money moved against today's spend (the marginal cost there vs the equalised one).
 * @example explainChannel(channel, searchChannel, 4200, 20000, 0.05, "reach").reason
 *   // "funded until one more reach costs 20.0, the same on every funded channel; money moved in: …"
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
  let reason: string;
  const mc = marginalCost === null ? "nothing" : fmt(marginalCost);
  const eq = unitCost === null ? "" : ` (the equalised cost is ${fmt(unitCost)})`;
  switch (bound) {
    case "fixed":
      reason = `fixed at ${fmt(spend)}; one more ${objective} here would cost ${mc}${eq}`;
      break;
    case "funded":
      reason = `funded until one more ${objective} costs ${mc}, the same on every funded channel`;
      break;
    case "at-max":
      reason = `capped at its maximum ${fmt(s.hi)}: one more ${objective} here would still cost only ${mc}${eq}`;
      break;
    case "at-min":
      reason = `held at its minimum ${fmt(s.lo)}: beyond it one more ${objective} costs ${mc}, more than elsewhere${eq}`;
      break;
    case "off": {
      const env = concaveEnvelope(c.curve, 0, s.hi, s.inflection);
      if (env.w >= s.hi && env.slope > 0) {
        reason = `not funded: up to the most it could get (${fmt(s.hi)}) its curve is still in its slow start, where one ${objective} costs ${fmt(1 / env.slope)} on average${eq}`;
      } else if (env.w > 0 && env.slope > 0) {
        reason = `not funded: its curve needs about ${fmt(env.w)} before it pays off, and even then one ${objective} costs ${fmt(1 / env.slope)} on average${eq}`;
      } else {
        reason = `not funded: its first ${objective} would cost ${mc}${eq}`;
      }
      break;
    }
  }
  let currentValue: number | null = null;
  let currentMarginalCost: number | null = null;
  let change: number | null = null;
  if (c.current !== undefined) {
    currentValue = c.curve.value(c.current);
    const dc = c.curve.derivative(c.current);
    currentMarginalCost = dc > 0 && Number.isFinite(dc) ? 1 / dc : null;
    change = spend - c.current;
    const tol = 1e-6 * Math.max(1, allocated);
    const atToday = currentMarginalCost === null ? "nothing more" : fmt(currentMarginalCost);
    const vs = unitCost === null ? "" : ` vs ${fmt(unitCost)} at the recommended split`;
    if (change > tol) reason += `; money moved in: at today's ${fmt(c.current)} one more ${objective} costs ${atToday}${vs}`;
    else if (change < -tol) reason += `; money moved out: at today's ${fmt(c.current)} one more ${objective} costs ${atToday}${vs}`;
    else reason += "; unchanged from today";
  }
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
    reason,
  };
}
