import { nbdReach, nbdReachDerivative } from "../reach/negative-binomial-reach.js";
import type { ResponseCurve } from "./response-curve.js";

/**
 * Reach saturating exponentially with impressions, R = N·(1 − e^{−k·I/N}): N people reachable, k the
 * share of the first impressions that find new people (k = 1 is the Poisson / random-delivery curve).
 * @example exponentialReachCurve(1000, 1).value(1000) // ≈ 632.12
 */
export function exponentialReachCurve(maxReach: number, k: number): ResponseCurve {
  return {
    value: (imps) => (imps > 0 ? maxReach * -Math.expm1((-k * imps) / maxReach) : 0),
    derivative: (imps) => k * Math.exp((-k * Math.max(imps, 0)) / maxReach),
  };
}

/**
 * Reach under the negative-binomial exposure model, R = N·(1 − (1 + I/(N·shape))^{−shape}).
 * @example nbdReachCurve(1000, 1).value(1000) // 500
 */
export function nbdReachCurve(maxReach: number, shape: number): ResponseCurve {
  return {
    value: (imps) => nbdReach(maxReach, imps, shape),
    derivative: (imps) => nbdReachDerivative(maxReach, imps, shape),
  };
}
