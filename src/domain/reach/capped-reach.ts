/**
 * Reach when nobody may see more than `cap` impressions (a frequency cap), with exposures that would
 * otherwise be negative-binomial (shape; Infinity = Poisson): the uncapped mean m is solved from the
 * delivered impressions I = N·Σ_{j=1..cap} P(X ≥ j), and reach = N·P(X ≥ 1). A tighter cap spreads the
 * same impressions over more people; cap = 1 makes every impression a new person.
 * @example cappedReach(1000, 400, 1, 1) // 400
 */
export function cappedReach(audience: number, impressions: number, shape: number, cap: number): number {
  if (!(audience > 0) || !(impressions > 0)) return 0;
  const c = Math.max(1, Math.floor(cap));
  if (impressions >= audience * c) return audience;
  let lo = 0;
  let hi = impressions / audience; // the uncapped mean is at least I/N
  while (deliveredShare(hi, shape, c) * audience < impressions) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (deliveredShare(mid, shape, c) * audience < impressions) lo = mid;
    else hi = mid;
  }
  return audience * (1 - zeroProbability(0.5 * (lo + hi), shape));
}

/** E[min(X, cap)] for a mean-m NBD (or Poisson) exposure count. */
function deliveredShare(m: number, shape: number, cap: number): number {
  let p = zeroProbability(m, shape);
  let atLeast = 1 - p; // P(X ≥ 1)
  let sum = 0;
  for (let j = 1; j <= cap; j++) {
    sum += atLeast;
    p = nextProbability(p, j - 1, m, shape); // P(X = j)
    atLeast -= p;
  }
  return sum;
}

function zeroProbability(m: number, shape: number): number {
  return Number.isFinite(shape) ? Math.exp(-shape * Math.log1p(m / shape)) : Math.exp(-m);
}

/** P(X = j+1) from P(X = j). */
function nextProbability(p: number, j: number, m: number, shape: number): number {
  return Number.isFinite(shape) ? (p * (shape + j) * (m / (shape + m))) / (j + 1) : (p * m) / (j + 1);
}
