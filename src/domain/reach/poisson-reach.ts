/**
 * Reach when exposures are Poisson with mean m = impressions/audience (purely random delivery):
 * R = N·(1 − e^{−I/N}). It is the shape → ∞ limit of the negative-binomial model.
 * @example poissonReach(1000, 1000) // ≈ 632.12
 */
export function poissonReach(audience: number, impressions: number): number {
  if (!(audience > 0)) return 0;
  return audience * -Math.expm1(-impressions / audience);
}

/**
 * Poisson frequency distribution: people reached exactly k times for k = 1..maxK (index 0 is k = 1).
 * @example poissonFrequency(1000, 1000, 3) // ≈ [367.88, 183.94, 61.31]
 */
export function poissonFrequency(audience: number, impressions: number, maxK: number): number[] {
  const m = impressions / audience;
  const out: number[] = [];
  let p = Math.exp(-m); // P(0)
  for (let k = 1; k <= maxK; k++) {
    p = (p * m) / k;
    out.push(audience * p);
  }
  return out;
}

/**
 * People reached at least k times under Poisson exposure.
 * @example poissonKPlusReach(1000, 1000, 1) // ≈ 632.12
 */
export function poissonKPlusReach(audience: number, impressions: number, k: number): number {
  if (k <= 1) return poissonReach(audience, impressions);
  const m = impressions / audience;
  let p = Math.exp(-m);
  let below = p;
  for (let j = 1; j < k; j++) {
    p = (p * m) / j;
    below += p;
  }
  return audience * Math.max(0, 1 - below);
}
