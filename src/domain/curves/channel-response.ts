import { UserError } from "../errors.js";
import { cappedReach } from "../reach/capped-reach.js";
import type { CurveModelName } from "./curve-models.js";
import { type CurveFit, fitCurve, fittedCurve } from "./fit-curve.js";
import { composeCurves, type ResponseCurve } from "./response-curve.js";

/** One period (usually a day) of a channel's delivery. */
export interface DeliveryPoint {
  spend: number;
  impressions: number;
  /** Unique people reached in the same period, when known. */
  reach?: number | null;
}

/** How a channel's impressions respond to spend and its reach to impressions. */
export interface ChannelResponse {
  /** impressions(spend). */
  impressions: CurveFit;
  /** reach(impressions), or null without reach data. */
  reach: CurveFit | null;
  /** The spend range the data supports (smallest … largest observed period spend). */
  spendRange: { min: number; max: number };
  warnings: string[];
}

export interface ChannelResponseOptions {
  /** "auto" fits both impression models and keeps the one with the smaller residual error. */
  impressionsModel?: "power-law" | "saturating-cpm" | "auto";
  reachModel?: "nbd-reach" | "exponential-reach" | "auto";
  level?: number;
}

/**
 * Fits a channel's response curves from period points: impressions vs spend (CPM rising with spend:
 * power law or linear-CPM saturation) and reach vs impressions (negative-binomial or exponential).
 * @example fitChannelResponse(days).impressions.params // [{ name: "cpm0", value: 9.8, low: 9.5, high: 10.1, … }, …]
 */
export function fitChannelResponse(points: readonly DeliveryPoint[], options: ChannelResponseOptions = {}): ChannelResponse {
  const level = options.level ?? 0.95;
  const warnings: string[] = [];
  const spendPts = points.map((p) => ({ x: p.spend, y: p.impressions }));
  const impModels: CurveModelName[] =
    options.impressionsModel === undefined || options.impressionsModel === "auto" ? ["saturating-cpm", "power-law"] : [options.impressionsModel];
  const impressions = bestFit(impModels, spendPts, level);
  const reachPts = points
    .filter((p) => p.reach !== undefined && p.reach !== null && p.reach > 0 && p.impressions > 0)
    .map((p) => ({ x: p.impressions, y: p.reach as number }));
  let reach: CurveFit | null = null;
  if (reachPts.some((q) => q.y > q.x)) throw new UserError("reach_above_impressions", "a period reports more people reached than impressions");
  if (reachPts.length >= 3) {
    const reachModels: CurveModelName[] =
      options.reachModel === undefined || options.reachModel === "auto" ? ["nbd-reach", "exponential-reach"] : [options.reachModel];
    reach = bestFit(reachModels, reachPts, level);
  } else if (points.some((p) => p.reach !== undefined && p.reach !== null)) {
    warnings.push("fewer than 3 periods with reach: no reach curve fitted");
  }
  const spends = points.filter((p) => p.spend > 0 && p.impressions > 0).map((p) => p.spend);
  return {
    impressions,
    reach,
    spendRange: { min: Math.min(...spends), max: Math.max(...spends) },
    warnings: [...warnings, ...impressions.warnings, ...(reach?.warnings ?? [])],
  };
}

function bestFit(models: readonly CurveModelName[], pts: { x: number; y: number }[], level: number): CurveFit {
  let best: CurveFit | null = null;
  for (const m of models) {
    const f = fitCurve(m, pts, { level });
    if (!best || f.sigma < best.sigma) best = f;
  }
  return best as CurveFit;
}

/** What the next unit of spend buys at a given spend. */
export interface ChannelMarginals {
  spend: number;
  impressions: number;
  /** Average CPM at this spend, 1000·spend/impressions (null at zero impressions). */
  cpm: number | null;
  /** Cost of the next thousand impressions, 1000/(dI/dspend). */
  marginalCpm: number | null;
  reach: number | null;
  /** Cost of reaching one more person, 1/(dR/dI · dI/dspend); null without a reach curve. */
  marginalCostPerReach: number | null;
  /** Cost per thousand people reached on average (null without reach). */
  costPerThousandReached: number | null;
  extrapolation: boolean;
}

/**
 * Marginal CPM and marginal cost per extra person reached at a spend.
 * @example channelMarginals(response, 500).marginalCpm // e.g. 14.2: the next 1000 impressions cost $14.20
 */
export function channelMarginals(response: ChannelResponse, spend: number): ChannelMarginals {
  const ic = fittedCurve(response.impressions);
  const imps = ic.value(spend);
  const dI = ic.derivative(spend);
  const rc = response.reach ? fittedCurve(response.reach) : null;
  const reach = rc ? rc.value(imps) : null;
  const dR = rc ? rc.derivative(imps) * dI : null;
  return {
    spend,
    impressions: imps,
    cpm: imps > 0 ? (1000 * spend) / imps : null,
    marginalCpm: dI > 0 && Number.isFinite(dI) ? 1000 / dI : null,
    reach,
    marginalCostPerReach: dR !== null && dR > 0 && Number.isFinite(dR) ? 1 / dR : null,
    costPerThousandReached: reach !== null && reach > 0 ? (1000 * spend) / reach : null,
    extrapolation: outside(response, spend),
  };
}

function outside(response: ChannelResponse, spend: number): boolean {
  return spend < response.spendRange.min * (1 - 1e-9) || spend > response.spendRange.max * (1 + 1e-9);
}

/**
 * The response the allocator maximises for a channel: impressions(spend), or reach(impressions(spend)).
 * With `frequencyCap` (reach only) nobody sees more than that many impressions: the fitted reach curve's
 * exposure model (NBD, or Poisson on the effective impressions k·I for the exponential curve) is capped.
 * @example objectiveCurve(response, "reach", { frequencyCap: 3 }).value(1000) // people reached for $1000 in one period
 */
export function objectiveCurve(
  response: ChannelResponse,
  objective: "impressions" | "reach",
  options: { frequencyCap?: number } = {},
): ResponseCurve {
  const ic = fittedCurve(response.impressions);
  if (objective === "impressions") return ic;
  if (!response.reach) throw new UserError("no_reach_curve", "this channel has no reach data, so reach cannot be the objective");
  const cap = options.frequencyCap;
  if (cap === undefined) return composeCurves(fittedCurve(response.reach), ic);
  if (!(cap >= 1)) throw new UserError("bad_frequency_cap", `the frequency cap must be at least 1, got ${cap}`);
  const [n = 0, second = 1] = response.reach.values;
  const nbd = response.reach.model === "nbd-reach";
  const reachOf = (imps: number) => (nbd ? cappedReach(n, imps, second, cap) : cappedReach(n, second * imps, Number.POSITIVE_INFINITY, cap));
  const capped: ResponseCurve = {
    value: reachOf,
    derivative: (imps) => {
      const h = 1e-6 * Math.max(1, imps);
      const lo = Math.max(0, imps - h);
      return (reachOf(imps + h) - reachOf(lo)) / (imps + h - lo);
    },
  };
  return composeCurves(capped, ic);
}
