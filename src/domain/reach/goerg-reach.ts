import { UserError } from "../errors.js";

/**
 * Goerg's one-point reach curve (Goerg 2014; WFA planning-evaluation-framework `goerg_model.py`):
 * from one observed (impressions I₀, reach R₀) with I₀ > R₀, ρ = I₀R₀/(I₀ − R₀) is the maximum reach,
 * R(I) = ρI/(I + ρ) and k+ reach R_k(I) = ρ·(I/(I + ρ))^k.
 */
export interface GoergCurve {
  /** Maximum reach ρ. */
  maxReach: number;
}

/**
 * Fits Goerg's curve to one (impressions, reach) point.
 * @example fitGoergCurve(200, 100) // { maxReach: 200 }
 */
export function fitGoergCurve(impressions: number, reach: number): GoergCurve {
  if (!(impressions > reach) || !(reach > 0)) {
    throw new UserError("bad_reach_point", `Goerg's curve needs impressions > reach > 0, got impressions ${impressions}, reach ${reach}`);
  }
  return { maxReach: (impressions * reach) / (impressions - reach) };
}

/**
 * k+ reach (k ≥ 1) of a Goerg curve at the given impressions.
 * @example goergReach({ maxReach: 200 }, 200, 2) // 50
 */
export function goergReach(curve: GoergCurve, impressions: number, k = 1): number {
  const rho = curve.maxReach;
  if (!(impressions > 0)) return 0;
  return rho * (impressions / (impressions + rho)) ** k;
}

/**
 * Impressions needed to reach a share q (0 ≤ q < 1) of the maximum reach: I = ρq/(1 − q).
 * @example goergImpressionsForShare({ maxReach: 200 }, 0.5) // 200
 */
export function goergImpressionsForShare(curve: GoergCurve, share: number): number {
  if (!(share >= 0 && share < 1)) throw new UserError("bad_share", `the reach share must be in [0, 1), got ${share}`);
  return (curve.maxReach * share) / (1 - share);
}
