import type { ResponseCurve } from "./response-curve.js";

/**
 * Hill saturation y = top·x^s/(k^s + x^s) (Meridian / PyMC-Marketing / Robyn form, scaled by `top`):
 * y(k) = top/2; S-shaped when s > 1, concave when s ≤ 1.
 * @example hillCurve(100, 5, 2).value(5) // 50
 */
export function hillCurve(top: number, k: number, s: number): ResponseCurve {
  const ks = k ** s;
  const curve: ResponseCurve = {
    value: (x) => {
      if (!(x > 0)) return 0;
      const xs = x ** s;
      return Number.isFinite(xs) ? (top * xs) / (ks + xs) : top;
    },
    derivative: (x) => {
      if (!(x > 0)) return s < 1 ? Number.POSITIVE_INFINITY : s === 1 ? top / k : 0;
      // top·s·k^s·x^(s−1)/(k^s + x^s)², written with r = (x/k)^s to stay finite
      const r = (x / k) ** s;
      if (!Number.isFinite(r)) return 0;
      return (top * s * r) / (x * (1 + r) * (1 + r));
    },
  };
  curve.inflection = hillInflection(k, s);
  return curve;
}

/**
 * Where a Hill curve turns from convex to concave: k·((s−1)/(s+1))^{1/s} for s > 1, else 0.
 * @example hillInflection(5, 3) // ≈ 3.97
 */
export function hillInflection(k: number, s: number): number {
  return s > 1 ? k * ((s - 1) / (s + 1)) ** (1 / s) : 0;
}
