import { studentTPpf } from "../stats/distributions.js";
import { CURVE_MODELS } from "./curve-models.js";
import type { CurveFit } from "./fit-curve.js";
import { quadraticForm } from "./small-matrix.js";

/** A fitted curve's value at x with a confidence interval for the curve and a prediction interval for one new observation. */
export interface CurvePrediction {
  x: number;
  /** The fitted curve (the median of y under multiplicative noise). */
  value: number;
  /** Confidence interval for the curve at x (parameter uncertainty only). */
  low: number;
  high: number;
  /** Prediction interval for a single new observation (adds the day-to-day scatter σ). */
  predictionLow: number;
  predictionHigh: number;
  /** Standard error of log(value) from the parameter uncertainty (delta method). */
  logStandardError: number;
  /** True when x lies outside the range of the fitted data. */
  extrapolation: boolean;
}

/**
 * Predicts a fitted curve at x with intervals: log f(x) ± t·√(gᵀ Σ g), g = ∂log f/∂log θ (delta method),
 * and ± t·√(gᵀ Σ g + σ²) for a new observation.
 * @example predictCurve(fit, 5000) // { value, low, high, predictionLow, predictionHigh, extrapolation }
 */
export function predictCurve(fit: CurveFit, x: number, level = fit.level): CurvePrediction {
  const model = CURVE_MODELS[fit.model];
  const phi = fit.values.map(Math.log);
  const logF = (ph: readonly number[]) => Math.log(model.curve(ph.map(Math.exp)).value(x));
  const center = logF(phi);
  const g = phi.map((v, j) => {
    const h = 1e-6 * Math.max(1, Math.abs(v));
    const up = [...phi];
    const down = [...phi];
    up[j] = v + h;
    down[j] = v - h;
    return (logF(up) - logF(down)) / (2 * h);
  });
  const varLog = fit.logCovariance ? Math.max(0, quadraticForm(fit.logCovariance, g)) : Number.NaN;
  const t = studentTPpf(0.5 + level / 2, Math.max(fit.dof, 1));
  const se = Math.sqrt(varLog);
  const sePred = Math.sqrt(varLog + fit.sigma * fit.sigma);
  return {
    x,
    value: Math.exp(center),
    low: Math.exp(center - t * se),
    high: Math.exp(center + t * se),
    predictionLow: Math.exp(center - t * sePred),
    predictionHigh: Math.exp(center + t * sePred),
    logStandardError: se,
    extrapolation: x < fit.xMin * (1 - 1e-9) || x > fit.xMax * (1 + 1e-9),
  };
}
