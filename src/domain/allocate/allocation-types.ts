import type { ResponseCurve } from "../curves/response-curve.js";
import type { ChannelExplanation } from "./explanation-text.js";

/** One channel to allocate to: its response curve (objective units per spend) and its constraints. */
export interface AllocationChannel {
  name: string;
  /** Concave, or S-shaped with `inflection` set (found numerically when missing). */
  curve: ResponseCurve;
  /** Least spend (default 0). */
  min?: number;
  /** Most spend (default: the whole budget). */
  max?: number;
  /** Spend that must not change (overrides min and max). */
  fixed?: number;
  /** Today's spend, to explain what moved and the expected gain. */
  current?: number;
}

export interface AllocationInput {
  budget: number;
  channels: readonly AllocationChannel[];
  /** What the curves measure, for the explanations ("reach", "impressions", "clicks", …). */
  objective?: string;
  /** Stop when the proven gap to the optimum is below this share of the objective (default 1e-4 = 0.01 %). */
  tolerance?: number;
  /** Branch-and-bound node limit for S-shaped curves (default 20,000 / channels, between 20 and 2,000). */
  maxNodes?: number;
}

export type ChannelBound = "fixed" | "at-min" | "at-max" | "funded" | "off";

export interface ChannelAllocation {
  name: string;
  spend: number;
  share: number;
  /** Objective units this spend buys. */
  value: number;
  /** Objective units the next currency unit buys here (dvalue/dspend). */
  marginalReturn: number;
  /** Cost of one more objective unit here (1/marginalReturn), null when nothing more can be bought. */
  marginalCost: number | null;
  /** Average cost per objective unit (spend/value), null at zero value. */
  averageCost: number | null;
  bound: ChannelBound;
  current: number | null;
  currentValue: number | null;
  /** Cost of one more unit at today's spend. */
  currentMarginalCost: number | null;
  /** spend − current (null without a current spend). */
  change: number | null;
  /** Why, as numbers in the curves' units (see explanationText, scaleExplanation). */
  explanation: ChannelExplanation;
  /** Why, in words with plain numbers in the curves' units. */
  reason: string;
}

/** "extrapolated": the best split on the curves, but a channel goes beyond the spend they were fitted on. */
export type AllocationStatus = "optimal" | "extrapolated" | "gap-not-closed" | "budget-below-minimums" | "budget-above-maximums";

export interface AllocationResult {
  status: AllocationStatus;
  message: string;
  objective: string;
  budget: number;
  /** Σ spend: equals the budget unless the constraints make that impossible. */
  allocated: number;
  unallocated: number;
  /** Σ objective at the recommended split. */
  total: number;
  /** A proven upper bound on the objective for any split satisfying the constraints. */
  upperBound: number;
  /** (upperBound − total)/total. */
  gap: number;
  /** The equalised marginal return of the funded channels (objective units per currency unit). */
  marginalReturn: number | null;
  /** Its inverse: what one more objective unit costs on every funded channel. */
  marginalCost: number | null;
  currentTotal: number | null;
  /** total − currentTotal, and relative to currentTotal. */
  gain: number | null;
  gainShare: number | null;
  method: "water-filling" | "branch-and-bound" | "none";
  nodes: number;
  channels: ChannelAllocation[];
}
