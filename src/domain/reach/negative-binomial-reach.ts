/**
 * Reach under the negative-binomial (Gamma–Poisson, NBD) exposure model: each person's exposures are
 * NegBin(shape k, p = k/(k+m)) with m = impressions/audience, so R = N·(1 − (1 + m/k)^{−k}).
 * Small k = concentrated delivery (heavy viewers see most ads); k → ∞ gives the Poisson curve.
 * @example nbdReach(1000, 1000, 1) // 500
 */
export function nbdReach(audience: number, impressions: number, shape: number): number {
  if (!(audience > 0) || !(impressions > 0)) return 0;
  const m = impressions / audience;
  return audience * -Math.expm1(-shape * Math.log1p(m / shape));
}

/**
 * NBD frequency distribution: people reached exactly j times for j = 1..maxK (index 0 is j = 1),
 * from the recurrence P(j+1) = P(j)·(k+j)/(j+1)·m/(k+m).
 * @example nbdFrequency(1000, 1000, 1, 3) // [250, 125, 62.5]
 */
export function nbdFrequency(audience: number, impressions: number, shape: number, maxK: number): number[] {
  const m = impressions / audience;
  const q = m / (shape + m);
  let p = Math.exp(-shape * Math.log1p(m / shape)); // P(0)
  const out: number[] = [];
  for (let j = 0; j < maxK; j++) {
    p = (p * (shape + j) * q) / (j + 1);
    out.push(audience * p);
  }
  return out;
}

/**
 * People reached at least k times under the NBD model.
 * @example nbdKPlusReach(1000, 1000, 1, 2) // 250
 */
export function nbdKPlusReach(audience: number, impressions: number, shape: number, k: number): number {
  if (k <= 1) return nbdReach(audience, impressions, shape);
  const m = impressions / audience;
  const q = m / (shape + m);
  let p = Math.exp(-shape * Math.log1p(m / shape));
  let below = p;
  for (let j = 0; j < k - 1; j++) {
    p = (p * (shape + j) * q) / (j + 1);
    below += p;
  }
  return audience * Math.max(0, 1 - below);
}

/**
 * Derivative of NBD reach with respect to impressions: dR/dI = (1 + m/k)^{−k−1}.
 * @example nbdReachDerivative(1000, 0, 1) // 1
 */
export function nbdReachDerivative(audience: number, impressions: number, shape: number): number {
  const m = Math.max(impressions, 0) / audience;
  return Math.exp(-(shape + 1) * Math.log1p(m / shape));
}
