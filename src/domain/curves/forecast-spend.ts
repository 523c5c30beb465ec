import { studentTPpf } from "../stats/distributions.js";
import type { ChannelResponse } from "./channel-response.js";
import { fittedCurve } from "./fit-curve.js";
import { predictCurve } from "./predict-curve.js";

/** A forecast quantity with its interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/** What a spend is expected to buy in one period of the fitted data. */
export interface SpendForecast {
  spend: number;
  impressions: Estimate;
  reach: Estimate | null;
  /** Cost per impression (spend / impressions) and CPM, intervals from the impressions interval. */
  cpi: Estimate;
  cpm: Estimate;
  /** Cost per person reached, null without a reach curve. */
  costPerReach: Estimate | null;
  level: number;
  /** True when the spend (or the impressions it buys, for reach) lies outside the observed range. */
  extrapolation: boolean;
  notes: string[];
}

/**
 * Forecasts impressions, reach and CPI for a spend per period of the fitted data (a daily budget when the
 * curves were fitted on days), with confidence intervals from the fits' uncertainty (delta method; the
 * reach interval combines both fits: var log R = (∂log R/∂log I)²·var log I + var from the reach fit).
 * @example forecastSpend(response, 500).impressions // { value: 41000, low: 39500, high: 42600 }
 */
export function forecastSpend(response: ChannelResponse, spend: number, level = response.impressions.level): SpendForecast {
  const notes: string[] = [];
  const ip = predictCurve(response.impressions, spend, level);
  const impressions = { value: ip.value, low: ip.low, high: ip.high };
  let extrapolation = ip.extrapolation;
  if (ip.extrapolation) {
    const r = (v: number) => v.toFixed(2);
    notes.push(`extrapolation: a spend of ${r(spend)} lies outside the observed ${r(response.spendRange.min)} … ${r(response.spendRange.max)}; the curve's shape there is a guess`);
  }
  let reach: Estimate | null = null;
  if (response.reach) {
    const rp = predictCurve(response.reach, ip.value, level);
    const rc = fittedCurve(response.reach);
    const elasticity = (ip.value * rc.derivative(ip.value)) / rc.value(ip.value);
    const se = Math.sqrt(rp.logStandardError ** 2 + (elasticity * ip.logStandardError) ** 2);
    const t = studentTPpf(0.5 + level / 2, Math.max(Math.min(response.reach.dof, response.impressions.dof), 1));
    reach = { value: rp.value, low: rp.value * Math.exp(-t * se), high: rp.value * Math.exp(t * se) };
    if (rp.extrapolation) {
      extrapolation = true;
      notes.push("the impressions this buys are outside the range the reach curve was fitted on: extrapolation");
    }
  }
  const per = (e: Estimate, scale: number): Estimate => ({ value: (scale * spend) / e.value, low: (scale * spend) / e.high, high: (scale * spend) / e.low });
  return {
    spend,
    impressions,
    reach,
    cpi: per(impressions, 1),
    cpm: per(impressions, 1000),
    costPerReach: reach ? per(reach, 1) : null,
    level,
    extrapolation,
    notes,
  };
}
