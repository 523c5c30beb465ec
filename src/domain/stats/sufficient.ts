// Per-arm sufficient statistics (GrowthBook gbstats `SampleMeanStatistic`, `ProportionStatistic`,
// `RatioStatistic`): everything the tests need is n and a few sums over the randomisation units.

/** One randomisation unit (a day, a placement, a visitor…): numerator m and denominator d of the metric. */
export interface Unit {
  /** Numerator: cost for CPI/CPM/CPC/CPA, clicks for CTR, conversions for CVR, revenue for ROAS. */
  readonly m: number;
  /** Denominator: impressions for CPI/CPM/CTR, clicks for CPC/CVR, conversions for CPA, cost for ROAS. */
  readonly d: number;
}

/** n values x with Σx and Σx² (gbstats SampleMeanStatistic). */
export interface MeanStat {
  readonly kind: "mean";
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/** n 0/1 outcomes with Σx (gbstats ProportionStatistic; Σx² = Σx). */
export interface ProportionStat {
  readonly kind: "proportion";
  readonly n: number;
  readonly sum: number;
}

/** n units of a ratio metric ΣM/ΣD with ΣM, ΣM², ΣD, ΣD², ΣMD (gbstats RatioStatistic). */
export interface RatioStat {
  readonly kind: "ratio";
  readonly n: number;
  readonly m: MeanStat | ProportionStat;
  readonly d: MeanStat | ProportionStat;
  readonly sumProducts: number;
}

export type ArmStat = MeanStat | ProportionStat | RatioStat;

/** A variance smaller than this fraction of the terms it is computed from is summation rounding noise. */
function noiseFloor(n: number): number {
  return 4 * n * Number.EPSILON;
}

/** A MeanStat from its sums. @example meanStat(3, 6, 14) // n 3, mean 2, variance 1 */
export function meanStat(n: number, sum: number, sumSquares: number): MeanStat {
  return { kind: "mean", n, sum, sumSquares };
}

/** A ProportionStat from n trials and Σ successes. @example proportionStat(100, 49) // mean 0.49 */
export function proportionStat(n: number, sum: number): ProportionStat {
  return { kind: "proportion", n, sum };
}

/** A MeanStat from raw values. @example meanStatOf([0.3, 0.5, 0.9, 22]) // mean 5.925, variance 114.9091… */
export function meanStatOf(values: readonly number[]): MeanStat {
  let sum = 0;
  let sumSquares = 0;
  for (const x of values) {
    sum += x;
    sumSquares += x * x;
  }
  return meanStat(values.length, sum, sumSquares);
}

/** A RatioStat from its sums. @example ratioStat(2, 3, 5, 10, 52, 16) // units m = (1, 2), d = (4, 6): mean 0.3 */
export function ratioStat(n: number, sumM: number, sumM2: number, sumD: number, sumD2: number, sumMD: number): RatioStat {
  return { kind: "ratio", n, m: meanStat(n, sumM, sumM2), d: meanStat(n, sumD, sumD2), sumProducts: sumMD };
}

/** The RatioStat of per-unit rows {m, d}. @example ratioStatOf([{ m: 1, d: 100 }, { m: 2, d: 150 }]).m.sum // 3 */
export function ratioStatOf(units: readonly Unit[]): RatioStat {
  let sumM = 0;
  let sumM2 = 0;
  let sumD = 0;
  let sumD2 = 0;
  let sumMD = 0;
  for (const { m, d } of units) {
    sumM += m;
    sumM2 += m * m;
    sumD += d;
    sumD2 += d * d;
    sumMD += m * d;
  }
  return ratioStat(units.length, sumM, sumM2, sumD, sumD2, sumMD);
}

/** A unit that occurs `count` times (e.g. every visitor who saw 2 impressions and made no click). */
export interface CountedUnit extends Unit {
  readonly count: number;
}

/**
 * The RatioStat of units given once per distinct value with how many units have it: the same sums as
 * ratioStatOf over the expanded list, from a histogram a database can return for millions of visitors.
 * @example ratioStatOfCounted([{ m: 0, d: 1, count: 3 }, { m: 1, d: 2, count: 1 }]) // ratioStat(4, 1, 1, 5, 7, 2)
 */
export function ratioStatOfCounted(units: readonly CountedUnit[]): RatioStat {
  let n = 0;
  let sumM = 0;
  let sumM2 = 0;
  let sumD = 0;
  let sumD2 = 0;
  let sumMD = 0;
  for (const { m, d, count } of units) {
    n += count;
    sumM += count * m;
    sumM2 += count * m * m;
    sumD += count * d;
    sumD2 += count * d * d;
    sumMD += count * m * d;
  }
  return ratioStat(n, sumM, sumM2, sumD, sumD2, sumMD);
}

/** Adds two arms' statistics of the same kind (pooling periods or strata). @example addStats(meanStat(1, 2, 4), meanStat(1, 4, 16)) // meanStat(2, 6, 20) */
export function addStats<S extends ArmStat>(a: S, b: S): S {
  if (a.kind === "ratio" && b.kind === "ratio") {
    return {
      kind: "ratio",
      n: a.n + b.n,
      m: meanStat(a.m.n + b.m.n, a.m.sum + b.m.sum, sumSquaresOf(a.m) + sumSquaresOf(b.m)),
      d: meanStat(a.d.n + b.d.n, a.d.sum + b.d.sum, sumSquaresOf(a.d) + sumSquaresOf(b.d)),
      sumProducts: a.sumProducts + b.sumProducts,
    } as RatioStat as S;
  }
  if (a.kind === "proportion" && b.kind === "proportion") return proportionStat(a.n + b.n, a.sum + b.sum) as S;
  if (a.kind !== "ratio" && b.kind !== "ratio") {
    return meanStat(a.n + b.n, a.sum + b.sum, sumSquaresOf(a) + sumSquaresOf(b)) as S;
  }
  throw new Error(`cannot add a ${a.kind} statistic to a ${b.kind} statistic`);
}

/** Σx² of a mean or proportion statistic (Σx for 0/1 data). @example sumSquaresOf(proportionStat(10, 3)) // 3 */
export function sumSquaresOf(s: MeanStat | ProportionStat): number {
  return s.kind === "mean" ? s.sumSquares : s.sum;
}

/** Mean of x: Σx/n, 0 when n = 0. @example simpleMean(meanStat(4, 10, 30)) // 2.5 */
function simpleMean(s: MeanStat | ProportionStat): number {
  return s.n === 0 ? 0 : s.sum / s.n;
}

/** Per-unit variance of x: (Σx² − (Σx)²/n)/(n − 1), or p(1 − p) for proportions; 0 when n ≤ 1. */
function simpleVariance(s: MeanStat | ProportionStat): number {
  if (s.kind === "proportion") {
    const p = simpleMean(s);
    return p * (1 - p);
  }
  if (s.n <= 1) return 0;
  const centred = s.sumSquares - (s.sum * s.sum) / s.n;
  // Constant data leave only rounding noise here; call it zero rather than a tiny spurious variance.
  return Math.abs(centred) <= noiseFloor(s.n) * s.sumSquares ? 0 : centred / (s.n - 1);
}

/** Sample covariance of M and D per unit (gbstats compute_covariance); 0 when n ≤ 1. @example ratioCovariance(ratioStatOf([{ m: 1, d: 2 }, { m: 3, d: 6 }])) // 4 */
export function ratioCovariance(s: RatioStat): number {
  if (s.n <= 1) return 0;
  if (s.m.kind === "proportion" && s.d.kind === "proportion") {
    return s.sumProducts / s.n - (s.m.sum * s.d.sum) / (s.n * s.n);
  }
  return (s.sumProducts - (s.m.sum * s.d.sum) / s.n) / (s.n - 1);
}

/**
 * Delta-method variance of a ratio M/D from the moments of M and D (gbstats `variance_of_ratios`):
 * σ²_M/μ_D² + σ²_D·μ_M²/μ_D⁴ − 2·cov·μ_M/μ_D³.
 * @example varianceOfRatio(2, 0.1, 4, 0.2, 0) // 0.1/16 + 0.2·4/256 = 0.009375
 */
export function varianceOfRatio(meanM: number, varM: number, meanD: number, varD: number, cov: number): number {
  return varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4 - (2 * cov * meanM) / meanD ** 3;
}

/** The arm's metric value: Σx/n, or ΣM/ΣD for ratios (0 when the denominator is 0, as gbstats). @example statMean(ratioStatOf([{ m: 5, d: 500 }])) // 0.01 */
export function statMean(s: ArmStat): number {
  if (s.kind !== "ratio") return simpleMean(s);
  return s.d.sum === 0 ? 0 : s.m.sum / s.d.sum;
}

/** Per-unit variance of the arm's metric (delta method for ratios); the mean's variance is this / n. @example statVariance(meanStatOf([1, 2, 3])) // 1 */
export function statVariance(s: ArmStat): number {
  if (s.kind !== "ratio") return simpleVariance(s);
  const meanD = simpleMean(s.d);
  if (meanD === 0 || s.n <= 1) return 0;
  const meanM = simpleMean(s.m);
  const varM = simpleVariance(s.m);
  const varD = simpleVariance(s.d);
  const v = varianceOfRatio(meanM, varM, meanD, varD, ratioCovariance(s));
  // A constant ratio (m proportional to d in every unit) cancels to rounding noise: that is zero variance.
  const scale = varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4;
  return Math.abs(v) <= noiseFloor(s.n) * Math.abs(scale) ? 0 : v;
}
