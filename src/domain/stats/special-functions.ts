// Special functions behind the distributions: log-gamma, log-beta, regularized incomplete gamma and
// beta. Algorithms: Lanczos (g = 7, n = 9) and the Stirling series for ln Γ; series and Lentz
// continued fractions for the incomplete functions (Numerical Recipes §6.2 and §6.4).

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const HALF_LN_2PI = 0.9189385332046727;
const EPS = 1e-16;
const TINY = 1e-300;

/** Tail of the Stirling series, ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π], for z ≥ 10. */
function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
}

/** ln Γ(x) for x > 0 (reflection below ½). @example lnGamma(5) // 3.1780538303479458 (ln 24) */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + stirlingCorrection(x);
  const y = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += (LANCZOS[i] as number) / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return HALF_LN_2PI + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln Γ(z) − ln Γ(z + s) for z ≥ 10 without cancellation. */
function lnGammaRatio(z: number, s: number): number {
  return -s * Math.log(z) - (z + s - 0.5) * Math.log1p(s / z) + s + stirlingCorrection(z) - stirlingCorrection(z + s);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), accurate when one argument is large. @example lnBeta(1, 1) // 0 */
export function lnBeta(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (hi < 10) return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  return lnGamma(lo) + lnGammaRatio(hi, lo);
}

/** Regularized lower incomplete gamma P(a, x) by its series (converges fast for x < a + 1). */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < 100_000; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Regularized upper incomplete gamma Q(a, x) by its continued fraction (x ≥ a + 1). */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a). @example regularizedGammaP(1, 1) // 0.6321205588285577 (1 − e⁻¹) */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. @example regularizedGammaQ(1, 1) // 0.36787944117144233 (e⁻¹) */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/**
 * The continued fraction of I_x(a, b) (modified Lentz); converges for x < (a + 1)/(a + b + 2).
 * Its relative error grows like a·1e-16 when a is large and x is close to 1 (Student-t with huge ν).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  const maxIterations = 1000 + Math.ceil(50 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * The regularized incomplete beta I_x(a, b) and its complement 1 − I_x(a, b) = I_y(b, a), each
 * computed without cancellation; pass y = 1 − x when it is known more precisely than 1 − x.
 * @example regularizedBetaPair(0.5, 2, 2) // [0.5, 0.5]
 */
export function regularizedBetaPair(x: number, a: number, b: number, y: number = 1 - x): [number, number] {
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const lnX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const lnY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const front = Math.exp(a * lnX + b * lnY - lnBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betaContinuedFraction(a, b, x)) / a;
    return [lower, 1 - lower];
  }
  const upper = (front * betaContinuedFraction(b, a, y)) / b;
  return [1 - upper, upper];
}

/** The regularized incomplete beta I_x(a, b). @example regularizedBeta(0.25, 1, 1) // 0.25 */
export function regularizedBeta(x: number, a: number, b: number): number {
  return regularizedBetaPair(x, a, b)[0];
}
