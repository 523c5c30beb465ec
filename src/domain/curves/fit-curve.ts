import { UserError } from "../errors.js";
import { studentTPpf } from "../stats/distributions.js";
import { CURVE_MODELS, type CurveModel, type CurveModelName, type CurvePoint } from "./curve-models.js";
import { levenbergMarquardt } from "./levenberg-marquardt.js";
import type { ResponseCurve } from "./response-curve.js";
import { invertMatrix, type Matrix } from "./small-matrix.js";

/** A fitted parameter with its standard error and confidence interval. */
export interface FittedParam {
  name: string;
  value: number;
  /** Delta-method standard error (value × SE of the log-parameter); null if not identifiable. */
  standardError: number | null;
  /** Interval exp(log value ± t·SE_log): asymmetric, always positive. Null if not identifiable. */
  low: number | null;
  high: number | null;
}

/** A curve fitted by least squares on log(y) with log-parameters. */
export interface CurveFit {
  model: CurveModelName;
  formula: string;
  params: FittedParam[];
  /** Parameter values in `CURVE_MODELS[model].params` order. */
  values: number[];
  /** Covariance of the log-parameters (σ²·(JᵀJ)⁻¹), or null when they are not identifiable. */
  logCovariance: Matrix | null;
  n: number;
  dof: number;
  /** Residual standard deviation of log(y): typical multiplicative scatter of a day around the curve. */
  sigma: number;
  /** R² on the original scale and on log(y). */
  r2: number;
  r2Log: number;
  /** Confidence level of the intervals. */
  level: number;
  /** The x range the data covers: predictions outside it are extrapolations. */
  xMin: number;
  xMax: number;
  converged: boolean;
  warnings: string[];
}

/**
 * Fits a curve family to (x, y) points by Levenberg–Marquardt on log(y) − log f(x) (multiplicative
 * noise, which suits counts and spend), with parameters on the log scale (so they stay positive), from
 * several starting points. Standard errors come from the Jacobian covariance σ²(JᵀJ)⁻¹.
 * Points with x ≤ 0 or y ≤ 0 are skipped (and counted in a warning).
 * @example fitCurve("power-law", [{ x: 1, y: 10 }, { x: 4, y: 20 }, { x: 9, y: 30 }]).values // ≈ [10, 0.5]
 */
export function fitCurve(model: CurveModelName | CurveModel, points: readonly CurvePoint[], options: { level?: number } = {}): CurveFit {
  const m = typeof model === "string" ? CURVE_MODELS[model] : model;
  const level = options.level ?? 0.95;
  const warnings: string[] = [];
  const pts = points.filter((q) => q.x > 0 && q.y > 0 && Number.isFinite(q.x) && Number.isFinite(q.y));
  if (pts.length < points.length) warnings.push(`${points.length - pts.length} point(s) with zero or missing values were skipped`);
  const p = m.params.length;
  if (pts.length < p + 1) {
    throw new UserError("too_few_points", `fitting a ${m.name} curve needs at least ${p + 1} points with positive values, got ${pts.length}`);
  }
  const logY = pts.map((q) => Math.log(q.y));
  const residuals = (phi: readonly number[]) => {
    const c = m.curve(phi.map(Math.exp));
    return pts.map((q, i) => (logY[i] ?? 0) - Math.log(c.value(q.x)));
  };
  const sseOf = (phi: readonly number[]) => {
    const r = residuals(phi);
    const s = r.reduce((acc, x) => acc + x * x, 0);
    return Number.isFinite(s) ? s : Number.POSITIVE_INFINITY;
  };
  const starts = m
    .starts(pts)
    .filter((s) => s.every((v) => v > 0 && Number.isFinite(v)))
    .map((s) => s.map(Math.log))
    .map((phi) => ({ phi, sse: sseOf(phi) }))
    .sort((a, b) => a.sse - b.sse)
    .slice(0, 3);
  if (starts.length === 0) throw new UserError("fit_failed", `no usable starting point for the ${m.name} curve`);
  let best: ReturnType<typeof levenbergMarquardt> | null = null;
  for (const s of starts) {
    const r = levenbergMarquardt(residuals, s.phi);
    if (!best || r.sse < best.sse) best = r;
  }
  const fit = best as ReturnType<typeof levenbergMarquardt>;
  const n = pts.length;
  const dof = n - p;
  const sigma2 = dof > 0 ? fit.sse / dof : Number.NaN;
  // A parameter run off to its boundary (k → ∞ when CPM does not rise with spend) no longer moves the
  // curve: its Jacobian column is 0 and JᵀJ is singular. The others still have an uncertainty, so the
  // covariance is taken with it held where it is, instead of giving no interval at all.
  const pinned = fit.jtjInverse ? null : boundaryParameters(fit.jacobian, p);
  const jtjInverse = fit.jtjInverse ?? (pinned ? inverseWithout(fit.jacobian, p, pinned) : null);
  const cov = jtjInverse ? jtjInverse.map((row) => row.map((v) => v * sigma2)) : null;
  const t = studentTPpf(0.5 + level / 2, Math.max(dof, 1));
  const values = fit.params.map(Math.exp);
  const params: FittedParam[] = m.params.map((name, i) => {
    const value = values[i] ?? Number.NaN;
    const v = pinned?.has(i) ? undefined : cov?.[i]?.[i];
    const se = v !== undefined && v >= 0 && Number.isFinite(v) ? Math.sqrt(v) : null;
    return {
      name,
      value,
      standardError: se === null ? null : value * se,
      low: se === null ? null : value * Math.exp(-t * se),
      high: se === null ? null : value * Math.exp(t * se),
    };
  });
  if (!cov) warnings.push("the parameters are not identifiable from these points (singular Jacobian)");
  else if (pinned) {
    const names = [...pinned].map((i) => m.params[i]).join(", ");
    warnings.push(`parameter ${names} ran to its boundary (the data show no curvature): intervals hold it fixed`);
  }
  for (const q of params) {
    if (q.standardError !== null && q.standardError > q.value) {
      warnings.push(`parameter ${q.name} is poorly determined by the data (standard error larger than the value)`);
    }
  }
  if (!fit.converged) warnings.push("the fit did not converge within the iteration limit");
  const curve = m.curve(values);
  const yMean = pts.reduce((s, q) => s + q.y, 0) / n;
  const lyMean = logY.reduce((s, y) => s + y, 0) / n;
  let ssr = 0;
  let sst = 0;
  let sstLog = 0;
  for (let i = 0; i < n; i++) {
    const q = pts[i] as CurvePoint;
    ssr += (q.y - curve.value(q.x)) ** 2;
    sst += (q.y - yMean) ** 2;
    sstLog += ((logY[i] ?? 0) - lyMean) ** 2;
  }
  const xs = pts.map((q) => q.x);
  return {
    model: m.name,
    formula: m.formula,
    params,
    values,
    logCovariance: cov,
    n,
    dof,
    sigma: Math.sqrt(sigma2),
    r2: sst > 0 ? 1 - ssr / sst : 0,
    r2Log: sstLog > 0 ? 1 - fit.sse / sstLog : 0,
    level,
    xMin: Math.min(...xs),
    xMax: Math.max(...xs),
    converged: fit.converged,
    warnings,
  };
}

/**
 * The fitted curve as a response function.
 * @example fittedCurve(fit).value(1000)
 */
export function fittedCurve(fit: CurveFit): ResponseCurve {
  return CURVE_MODELS[fit.model].curve(fit.values);
}

/** Parameters whose Jacobian column is (numerically) zero while another's is not; null when there are none. */
function boundaryParameters(jacobian: Matrix, p: number): Set<number> | null {
  const norms = Array.from({ length: p }, (_, j) => jacobian.reduce((s, row) => s + (row[j] ?? 0) ** 2, 0));
  const largest = Math.max(...norms);
  const pinned = new Set(norms.flatMap((n, j) => (n <= 1e-20 * largest ? [j] : [])));
  return largest > 0 && pinned.size > 0 && pinned.size < p ? pinned : null;
}

/** (JᵀJ)⁻¹ over the free parameters, with zero rows and columns for the pinned ones; null if still singular. */
function inverseWithout(jacobian: Matrix, p: number, pinned: ReadonlySet<number>): Matrix | null {
  const free = Array.from({ length: p }, (_, j) => j).filter((j) => !pinned.has(j));
  const jtj = free.map((a) => free.map((b) => jacobian.reduce((s, row) => s + (row[a] ?? 0) * (row[b] ?? 0), 0)));
  const inv = invertMatrix(jtj);
  if (!inv) return null;
  const full: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  free.forEach((a, i) => {
    free.forEach((b, j) => {
      (full[a] as number[])[b] = inv[i]?.[j] ?? 0;
    });
  });
  return full;
}
