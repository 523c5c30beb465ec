// Regression adjustment (CUPED) with a pre-period covariate, as gbstats' `RegressionAdjustedStatistic`
// (means) and `RegressionAdjustedRatioStatistic` (ratios such as CPI: post and pre cost and impressions
// per unit). θ is pooled over both arms; with no usable pre-period variance the plain statistic is used.

import {
  type ArmStat,
  type MeanStat,
  meanStat,
  type ProportionStat,
  proportionStat,
  ratioStat,
  statMean,
  statVariance,
  sumSquaresOf,
} from "./sufficient.js";

/** A mean metric with its pre-period value per unit: Σpost, Σpost², Σpre, Σpre², Σpost·pre. */
export interface CupedStat {
  readonly kind: "cuped";
  readonly n: number;
  readonly post: MeanStat | ProportionStat;
  readonly pre: MeanStat | ProportionStat;
  readonly sumProducts: number;
  /** null until set from both arms by `withTheta`. */
  readonly theta: number | null;
}

/** A ratio metric with its pre-period numerator and denominator per unit, and the six cross products. */
export interface CupedRatioStat {
  readonly kind: "cuped-ratio";
  readonly n: number;
  readonly mPost: MeanStat | ProportionStat;
  readonly dPost: MeanStat | ProportionStat;
  readonly mPre: MeanStat | ProportionStat;
  readonly dPre: MeanStat | ProportionStat;
  /** Σ over units of m_post·m_pre, d_post·d_pre, m_pre·d_pre, m_post·d_post, m_post·d_pre, m_pre·d_post. */
  readonly products: {
    readonly mPostMPre: number;
    readonly dPostDPre: number;
    readonly mPreDPre: number;
    readonly mPostDPost: number;
    readonly mPostDPre: number;
    readonly mPreDPost: number;
  };
  readonly theta: number | null;
}

/** Any statistic the engines accept. */
export type TestStat = ArmStat | CupedStat | CupedRatioStat;

type Simple = MeanStat | ProportionStat;

function simpleMean(s: Simple): number {
  return statMean(s);
}

/** Covariance per unit of two simple statistics of the same units (gbstats `compute_covariance`). */
function covariance(n: number, a: Simple, b: Simple, sumProducts: number): number {
  if (n <= 1) return 0;
  if (a.kind === "proportion" && b.kind === "proportion") return sumProducts / n - (a.sum * b.sum) / (n * n);
  return (sumProducts - (a.sum * b.sum) / n) / (n - 1);
}

/** A CupedStat from per-unit {post, pre} values. @example cupedStatOf([{ post: 2, pre: 1 }, { post: 3, pre: 2 }]).n // 2 */
export function cupedStatOf(units: readonly { readonly post: number; readonly pre: number }[]): CupedStat {
  let sp = 0;
  let sp2 = 0;
  let sq = 0;
  let sq2 = 0;
  let sx = 0;
  for (const { post, pre } of units) {
    sp += post;
    sp2 += post * post;
    sq += pre;
    sq2 += pre * pre;
    sx += post * pre;
  }
  const n = units.length;
  return { kind: "cuped", n, post: meanStat(n, sp, sp2), pre: meanStat(n, sq, sq2), sumProducts: sx, theta: null };
}

/** A CupedRatioStat from per-unit post and pre numerators and denominators. @example cupedRatioStatOf([{ m: 5, d: 500, mPre: 4, dPre: 480 }]).n // 1 */
export function cupedRatioStatOf(
  units: readonly { readonly m: number; readonly d: number; readonly mPre: number; readonly dPre: number }[],
  theta: number | null = null,
): CupedRatioStat {
  const s = { m: [0, 0], d: [0, 0], mp: [0, 0], dp: [0, 0] };
  const p = { mPostMPre: 0, dPostDPre: 0, mPreDPre: 0, mPostDPost: 0, mPostDPre: 0, mPreDPost: 0 };
  for (const u of units) {
    s.m[0] = (s.m[0] as number) + u.m;
    s.m[1] = (s.m[1] as number) + u.m * u.m;
    s.d[0] = (s.d[0] as number) + u.d;
    s.d[1] = (s.d[1] as number) + u.d * u.d;
    s.mp[0] = (s.mp[0] as number) + u.mPre;
    s.mp[1] = (s.mp[1] as number) + u.mPre * u.mPre;
    s.dp[0] = (s.dp[0] as number) + u.dPre;
    s.dp[1] = (s.dp[1] as number) + u.dPre * u.dPre;
    p.mPostMPre += u.m * u.mPre;
    p.dPostDPre += u.d * u.dPre;
    p.mPreDPre += u.mPre * u.dPre;
    p.mPostDPost += u.m * u.d;
    p.mPostDPre += u.m * u.dPre;
    p.mPreDPost += u.mPre * u.d;
  }
  const n = units.length;
  const ms = (x: number[]) => meanStat(n, x[0] as number, x[1] as number);
  return { kind: "cuped-ratio", n, mPost: ms(s.m), dPost: ms(s.d), mPre: ms(s.mp), dPre: ms(s.dp), products: p, theta };
}

/** Λ, the 4×4 per-unit covariance of (M_post, D_post, M_pre, D_pre). */
function lambdaMatrix(s: CupedRatioStat): number[][] {
  const { n, mPost, dPost, mPre, dPre, products: p } = s;
  const cMD = covariance(n, mPost, dPost, p.mPostDPost);
  const cMM = covariance(n, mPost, mPre, p.mPostMPre);
  const cMDp = covariance(n, mPost, dPre, p.mPostDPre);
  const cDMp = covariance(n, dPost, mPre, p.mPreDPost);
  const cDD = covariance(n, dPost, dPre, p.dPostDPre);
  const cMpDp = covariance(n, mPre, dPre, p.mPreDPre);
  return [
    [statVariance(mPost), cMD, cMM, cMDp],
    [cMD, statVariance(dPost), cDMp, cDD],
    [cMM, cDMp, statVariance(mPre), cMpDp],
    [cMDp, cDD, cMpDp, statVariance(dPre)],
  ];
}

/** ∇ of the adjusted ratio M̄post/D̄post − θ·M̄pre/D̄pre with respect to the four means. */
function nabla(s: CupedRatioStat, theta = s.theta ?? 0): number[] {
  const mp = simpleMean(s.mPost);
  const dp = simpleMean(s.dPost);
  const mq = simpleMean(s.mPre);
  const dq = simpleMean(s.dPre);
  if (dp === 0 || dq === 0) return [0, 0, 0, 0];
  return [1 / dp, -mp / dp ** 2, -theta / dq, (theta * mq) / dq ** 2];
}

/** xᵀ·Λ[rows × cols]·y over index ranges. */
function quadratic(x: number[], l: number[][], y: number[], rows: number[], cols: number[]): number {
  let sum = 0;
  for (const i of rows) for (const j of cols) sum += (x[i] as number) * (l[i]?.[j] as number) * (y[j] as number);
  return sum;
}

/** Mean of any statistic (CUPED: post − θ·pre). @example testStatMean(cupedStatOf([{ post: 2, pre: 1 }, { post: 4, pre: 3 }])) // 3 (θ unset) */
export function testStatMean(s: TestStat): number {
  if (s.kind === "cuped") return simpleMean(s.post) - (s.theta ?? 0) * simpleMean(s.pre);
  if (s.kind === "cuped-ratio") {
    if (s.dPost.sum === 0 || s.dPre.sum === 0) return 0;
    return s.mPost.sum / s.dPost.sum - (s.theta ?? 0) * (s.mPre.sum / s.dPre.sum);
  }
  return statMean(s);
}

/** Mean before any adjustment (the relative lift's denominator). @example unadjustedMean(cupedStatOf([{ post: 2, pre: 1 }, { post: 4, pre: 3 }])) // 3 */
export function unadjustedMean(s: TestStat): number {
  if (s.kind === "cuped") return simpleMean(s.post);
  if (s.kind === "cuped-ratio") return s.dPost.sum === 0 ? 0 : s.mPost.sum / s.dPost.sum;
  return statMean(s);
}

/** Per-unit covariance of post and pre of a CupedStat. */
function cupedCovariance(s: CupedStat): number {
  return covariance(s.n, s.post, s.pre, s.sumProducts);
}

/** Per-unit variance of any statistic (CUPED: var_post + θ²var_pre − 2θ·cov; ratio CUPED: ∇ᵀΛ∇). @example testStatVariance(cupedStatOf([{ post: 1, pre: 0 }, { post: 3, pre: 0 }])) // 2 */
export function testStatVariance(s: TestStat): number {
  if (s.kind === "cuped") {
    if (s.n <= 1) return 0;
    const t = s.theta ?? 0;
    return statVariance(s.post) + t * t * statVariance(s.pre) - 2 * t * cupedCovariance(s);
  }
  if (s.kind === "cuped-ratio") {
    const g = nabla(s);
    return quadratic(g, lambdaMatrix(s), g, [0, 1, 2, 3], [0, 1, 2, 3]);
  }
  return statVariance(s);
}

function joint(a: Simple, b: Simple, n: number): Simple {
  if (a.kind === "proportion" && b.kind === "proportion") return proportionStat(n, a.sum + b.sum);
  return meanStat(n, a.sum + b.sum, sumSquaresOf(a) + sumSquaresOf(b));
}

/**
 * θ = cov(post, pre)/var(pre) on both arms pooled (gbstats `compute_theta`); 0 when either pooled variance is 0.
 * @example cupedTheta(cupedStatOf(rows), cupedStatOf(rows)) // 0.01864 for pre (0.3, 0.5, 0.9, 22), post (2, 1, 5, 3)
 */
export function cupedTheta(a: CupedStat, b: CupedStat): number {
  const n = a.n + b.n;
  const post = joint(a.post, b.post, n);
  const pre = joint(a.pre, b.pre, n);
  const varPre = statVariance(pre);
  if (varPre === 0 || statVariance(post) === 0) return 0;
  return covariance(n, post, pre, a.sumProducts + b.sumProducts) / varPre;
}

/**
 * θ for ratio CUPED: −(cov_A + cov_B)/(var_pre,A + var_pre,B) with the gradients at θ = 1 (gbstats
 * `compute_theta_regression_adjusted_ratio`); 0 when neither arm's pre-period ratio varies.
 * @example cupedRatioTheta(cupedRatioStatOf(placementsA), cupedRatioStatOf(placementsB)) // ≈ 1 when pre and post CPI track each other
 */
export function cupedRatioTheta(a: CupedRatioStat, b: CupedRatioStat): number {
  const parts = (s: CupedRatioStat) => {
    const g = nabla(s, 1);
    const l = lambdaMatrix(s);
    return { varPre: quadratic(g, l, g, [2, 3], [2, 3]), cov: quadratic(g, l, g, [2, 3], [0, 1]) };
  };
  const pa = parts(a);
  const pb = parts(b);
  if (pa.varPre + pb.varPre === 0) return 0;
  return -(pa.cov + pb.cov) / (pa.varPre + pb.varPre);
}

/**
 * Sets a shared θ on two CUPED statistics whose θ is unset, or falls back to the plain statistics
 * when θ is 0 (gbstats `create_theta_adjusted_statistics`); other statistics pass through.
 * @example withTheta(cupedStatOf(a), cupedStatOf(b)) // [{ …, theta: 0.42 }, { …, theta: 0.42 }]
 */
export function withTheta(a: TestStat, b: TestStat): [TestStat, TestStat] {
  if (a.kind === "cuped" && b.kind === "cuped" && (a.theta === null || b.theta === null)) {
    const theta = cupedTheta(a, b);
    return theta === 0 ? [a.post, b.post] : [{ ...a, theta }, { ...b, theta }];
  }
  if (a.kind === "cuped-ratio" && b.kind === "cuped-ratio" && (a.theta === null || b.theta === null)) {
    const theta = cupedRatioTheta(a, b);
    if (Math.abs(theta) < 1e-8) {
      const plain = (s: CupedRatioStat) =>
        ratioStat(s.n, s.mPost.sum, sumSquaresOf(s.mPost), s.dPost.sum, sumSquaresOf(s.dPost), s.products.mPostDPost);
      return [plain(a), plain(b)];
    }
    return [
      { ...a, theta },
      { ...b, theta },
    ];
  }
  return [a, b];
}

/** Relative-lift variance for two mean-CUPED arms (gbstats `frequentist_variance_relative_cuped`). */
function relativeCupedVariance(a: CupedStat, b: CupedStat): number {
  const base = unadjustedMean(a);
  const denTrt = b.n * base ** 2;
  const denCtrl = a.n * base ** 2;
  if (denTrt === 0 || denCtrl === 0) return 0;
  const theta = a.theta ?? 0;
  const vTrt = (statVariance(b.post) + theta ** 2 * statVariance(b.pre) - 2 * theta * cupedCovariance(b)) / denTrt;
  const k = -simpleMean(b.post);
  const postA = simpleMean(a.post);
  const numA = (statVariance(a.post) * k ** 2) / postA ** 2;
  const numB = (2 * theta * cupedCovariance(a) * k) / postA;
  const numC = theta ** 2 * statVariance(a.pre);
  return vTrt + (numA + numB + numC) / denCtrl;
}

/** Relative-lift variance for two ratio-CUPED arms (gbstats `frequentist_variance_relative_cuped_ratio`). */
function relativeCupedRatioVariance(a: CupedRatioStat, b: CupedRatioStat): number {
  const dA = simpleMean(a.dPost);
  if (unadjustedMean(a) === 0 || dA === 0) return 0;
  const gAbs = testStatMean(b) - testStatMean(a);
  const den = Math.abs(unadjustedMean(a));
  const mA = simpleMean(a.mPost);
  const ga = nabla(a);
  const gradA = [
    -(den + gAbs) / dA / den ** 2,
    ((mA * den) / dA ** 2 + (mA * gAbs) / dA ** 2) / den ** 2,
    -(ga[2] as number) / den,
    -(ga[3] as number) / den,
  ];
  const gradB = nabla(b).map((x) => x / den);
  const all = [0, 1, 2, 3];
  return quadratic(gradA, lambdaMatrix(a), gradA, all, all) / a.n + quadratic(gradB, lambdaMatrix(b), gradB, all, all) / b.n;
}

/**
 * Variance of the relative lift when both arms are CUPED statistics of the same kind, else null
 * (the caller uses the plain delta method).
 * @example relativeRegressionAdjustedVariance(ratioStatOf(a), ratioStatOf(b)) // null
 */
export function relativeRegressionAdjustedVariance(a: TestStat, b: TestStat): number | null {
  if (a.kind === "cuped" && b.kind === "cuped") return relativeCupedVariance(a, b);
  if (a.kind === "cuped-ratio" && b.kind === "cuped-ratio") return relativeCupedRatioVariance(a, b);
  return null;
}

/** True when every sum of a statistic is finite. @example isFiniteTestStat(meanStat(2, Number.NaN, 1)) // false */
export function isFiniteTestStat(s: TestStat): boolean {
  const simple = (x: Simple) => Number.isFinite(x.n) && Number.isFinite(x.sum) && Number.isFinite(sumSquaresOf(x));
  if (s.kind === "cuped") return simple(s.post) && simple(s.pre) && Number.isFinite(s.sumProducts);
  if (s.kind === "cuped-ratio") {
    return [s.mPost, s.dPost, s.mPre, s.dPre].every(simple) && Object.values(s.products).every(Number.isFinite);
  }
  if (s.kind === "ratio") return Number.isFinite(s.n) && simple(s.m) && simple(s.d) && Number.isFinite(s.sumProducts);
  return simple(s);
}
