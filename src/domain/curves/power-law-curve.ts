import type { ResponseCurve } from "./response-curve.js";

/**
 * Impressions bought with spend when CPM rises with spend: I = a·spend^b with 0 < b < 1
 * (b = 1 is a constant CPM of 1000/a). Marginal CPM = 1000/(a·b·spend^(b−1)).
 * @example powerLawCurve(1000, 0.5).value(100) // 10000
 */
export function powerLawCurve(a: number, b: number): ResponseCurve {
  return {
    value: (x) => (x > 0 ? a * x ** b : 0),
    derivative: (x) => (x > 0 ? a * b * x ** (b - 1) : b < 1 ? Number.POSITIVE_INFINITY : b === 1 ? a : 0),
  };
}
