import type { ResponseCurve } from "../curves/response-curve.js";

/**
 * Where a curve turns from convex to concave on [0, hi]: its declared `inflection`, else the maximum of
 * its derivative found on a grid and refined by golden-section search (0 when the derivative never rises,
 * i.e. the curve is concave). Assumes the curve is concave or S-shaped.
 * @example curveInflection(hillCurve(100, 5, 3), 50) // ≈ 3.97
 */
export function curveInflection(curve: ResponseCurve, hi: number): number {
  if (curve.inflection !== undefined) return Math.max(0, curve.inflection);
  if (!(hi > 0)) return 0;
  const n = 64;
  let best = 0;
  let bestD = safeDerivative(curve, 0);
  for (let i = 1; i <= n; i++) {
    const x = (hi * i) / n;
    const d = safeDerivative(curve, x);
    if (d > bestD * (1 + 1e-12)) {
      best = i;
      bestD = d;
    }
  }
  if (best === 0) return 0;
  let a = (hi * (best - 1)) / n;
  let b = Math.min(hi, (hi * (best + 1)) / n);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (safeDerivative(curve, c) >= safeDerivative(curve, d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

function safeDerivative(curve: ResponseCurve, x: number): number {
  const d = curve.derivative(x);
  return Number.isFinite(d) ? d : Number.MAX_VALUE;
}
