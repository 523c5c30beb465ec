// Classical sample-size and power formulas for two proportions (e.g. CTR per impression). Each
// calculator in use gives a slightly different n; each function says whose formula it is.

import { normalCdf, normalPpf } from "./distributions.js";
import type { Alternative } from "./frequentist.js";

/**
 * Evan Miller's per-arm sample size to detect an absolute change δ from a baseline rate p (two-sided):
 * (z₁₋α/₂·√(2p(1−p)) + z_power·√(p(1−p) + (p+δ)(1−p−δ)))² / δ².
 * @example evanMillerSampleSize(0.2, 0.05) // 1030.219…
 */
export function evanMillerSampleSize(p: number, delta: number, alpha = 0.05, power = 0.8): number {
  const za = normalPpf(1 - alpha / 2);
  const zb = normalPpf(power);
  const q = p + delta;
  return (za * Math.sqrt(2 * p * (1 - p)) + zb * Math.sqrt(p * (1 - p) + q * (1 - q))) ** 2 / delta ** 2;
}

/**
 * Per-arm sample size of R `power.prop.test` (two-sided, strict = FALSE): (z₁₋α/₂·√(2p̄q̄) + z_power·√(p₁q₁ + p₂q₂))² / (p₁ − p₂)².
 * @example powerPropTestSampleSize(0.5, 0.75, 0.9) // 76.70692…
 */
export function powerPropTestSampleSize(p1: number, p2: number, power = 0.8, alpha = 0.05): number {
  const pbar = (p1 + p2) / 2;
  const za = normalPpf(1 - alpha / 2);
  const zb = normalPpf(power);
  return (za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2;
}

/**
 * Power of the pooled two-proportion z-test (statsmodels `power_proportions_2indep`): p₁ = p₂ + diff,
 * n₁ in group 1 and ratio·n₁ in group 2; "greater" and "less" are the one-sided tests.
 * @example proportionsPower(-0.014, 0.015, 550) // 0.74156
 */
export function proportionsPower(diff: number, prop2: number, nobs1: number, ratio = 1, alpha = 0.05, alternative: Alternative = "two-sided"): number {
  const p1 = prop2 + diff;
  const pooled = (p1 + ratio * prop2) / (1 + ratio);
  const sdNull = Math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio));
  const sdAlt = Math.sqrt(p1 * (1 - p1) + (prop2 * (1 - prop2)) / ratio);
  const signal = diff * Math.sqrt(nobs1);
  if (alternative === "two-sided") {
    const z = normalPpf(1 - alpha / 2);
    return normalCdf((Math.abs(signal) - z * sdNull) / sdAlt) + normalCdf((-Math.abs(signal) - z * sdNull) / sdAlt);
  }
  const z = normalPpf(1 - alpha);
  return normalCdf(((alternative === "greater" ? signal : -signal) - z * sdNull) / sdAlt);
}

/**
 * Power of a two-sample z-test for a standardised effect (Cohen's d or h) with n₁ and n₂ units
 * (statsmodels `NormalIndPower`, R `pwr.2p.test` with n₁ = n₂ = n).
 * @example normalTwoSamplePower(0.3, 80) // 0.47510
 */
export function normalTwoSamplePower(effect: number, n1: number, n2 = n1, alpha = 0.05, alternative: Alternative = "two-sided"): number {
  const signal = effect * Math.sqrt(1 / (1 / n1 + 1 / n2));
  if (alternative === "two-sided") {
    const z = normalPpf(1 - alpha / 2);
    return normalCdf(signal - z) + normalCdf(-signal - z);
  }
  const z = normalPpf(1 - alpha);
  return normalCdf((alternative === "greater" ? signal : -signal) - z);
}

/**
 * Cohen's effect size h = 2·asin√p₁ − 2·asin√p₂ for two proportions.
 * @example cohenH(0.5, 0.5) // 0
 */
export function cohenH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
}
