import type { ResponseCurve } from "./response-curve.js";

/**
 * Impressions bought when the average CPM rises linearly with spend, CPM(s) = cpm0·(1 + s/k):
 * I(s) = 1000·s/(cpm0·(1 + s/k)), a Michaelis–Menten curve with ceiling 1000·k/cpm0 and half-point k.
 * Marginal CPM = cpm0·(1 + s/k)².
 * @example saturatingCpmCurve(10, 5000).value(5000) // 250000 (CPM $20 at $5000)
 */
export function saturatingCpmCurve(cpm0: number, k: number): ResponseCurve {
  return {
    value: (x) => (x > 0 ? (1000 * x) / (cpm0 * (1 + x / k)) : 0),
    derivative: (x) => {
      const u = 1 + Math.max(x, 0) / k;
      return 1000 / (cpm0 * u * u);
    },
  };
}
