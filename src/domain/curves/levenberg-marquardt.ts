import { invertMatrix, type Matrix, solveLinear } from "./small-matrix.js";

/** Result of a nonlinear least-squares fit. */
export interface LeastSquaresResult {
  params: number[];
  /** Σ residual². */
  sse: number;
  /** Jacobian of the residuals at the solution (n × p). */
  jacobian: Matrix;
  /** (JᵀJ)⁻¹ at the solution, or null when the parameters are not identifiable. */
  jtjInverse: Matrix | null;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises Σ rᵢ(θ)² by Levenberg–Marquardt with Marquardt's diagonal scaling and a central-difference
 * Jacobian. Small and dependency-free: meant for curves with 2–4 parameters and up to a few thousand points.
 * @example levenbergMarquardt((p) => [p[0]! - 3, p[1]! + 1], [0, 0]).params // ≈ [3, -1]
 */
export function levenbergMarquardt(
  residuals: (params: readonly number[]) => number[],
  start: readonly number[],
  options: { maxIterations?: number; tolerance?: number } = {},
): LeastSquaresResult {
  const maxIterations = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-12;
  const p = start.length;
  let theta = [...start];
  let r = residuals(theta);
  let sse = sumSquares(r);
  let lambda = 1e-3;
  let converged = false;
  let iterations = 0;
  let jac = jacobianOf(residuals, theta, r.length);
  for (; iterations < maxIterations; iterations++) {
    const jtj: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const jtr = new Array<number>(p).fill(0);
    for (let i = 0; i < r.length; i++) {
      const row = jac[i] as number[];
      const ri = r[i] ?? 0;
      for (let a = 0; a < p; a++) {
        jtr[a] = (jtr[a] ?? 0) + (row[a] ?? 0) * ri;
        const ja = jtj[a] as number[];
        for (let b = 0; b < p; b++) ja[b] = (ja[b] ?? 0) + (row[a] ?? 0) * (row[b] ?? 0);
      }
    }
    let improved = false;
    for (let attempt = 0; attempt < 30; attempt++) {
      const damped = jtj.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-12) : v)));
      const step = solveLinear(
        damped,
        jtr.map((v) => -v),
      );
      if (!step) {
        lambda *= 10;
        continue;
      }
      const trial = theta.map((v, i) => v + (step[i] ?? 0));
      const rt = residuals(trial);
      const sseT = sumSquares(rt);
      if (Number.isFinite(sseT) && sseT <= sse) {
        const rel = (sse - sseT) / Math.max(sse, 1e-300);
        const stepSize = Math.max(...step.map((s, i) => Math.abs(s) / (1e-8 + Math.abs(theta[i] ?? 0))));
        theta = trial;
        r = rt;
        sse = sseT;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = true;
        if (rel < tol || stepSize < 1e-10) converged = true;
        break;
      }
      lambda *= 4;
    }
    if (!improved) {
      converged = true; // no downhill step exists at machine precision: a (local) minimum
      break;
    }
    jac = jacobianOf(residuals, theta, r.length);
    if (converged) break;
  }
  const jtj: Matrix = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => jac.reduce((s, row) => s + (row[a] ?? 0) * (row[b] ?? 0), 0)),
  );
  return { params: theta, sse, jacobian: jac, jtjInverse: invertMatrix(jtj), iterations, converged };
}

function sumSquares(r: readonly number[]): number {
  let s = 0;
  for (const x of r) s += x * x;
  return s;
}

function jacobianOf(residuals: (params: readonly number[]) => number[], theta: readonly number[], n: number): Matrix {
  const jac: Matrix = Array.from({ length: n }, () => new Array<number>(theta.length).fill(0));
  for (let j = 0; j < theta.length; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[j] ?? 0));
    const up = [...theta];
    const down = [...theta];
    up[j] = (up[j] ?? 0) + h;
    down[j] = (down[j] ?? 0) - h;
    const ru = residuals(up);
    const rd = residuals(down);
    for (let i = 0; i < n; i++) (jac[i] as number[])[j] = ((ru[i] ?? 0) - (rd[i] ?? 0)) / (2 * h);
  }
  return jac;
}
