import type { ResponseCurve } from "../curves/response-curve.js";

/**
 * The least concave majorant of a concave or S-shaped curve on [lo, hi]: a straight line from
 * (lo, f(lo)) touching the curve at w, then the curve itself. For concave stretches w = lo; when the
 * whole interval is convex the envelope is the chord (w = hi).
 */
export interface ConcaveEnvelope {
  curve: ResponseCurve;
  lo: number;
  hi: number;
  /** Where the envelope's straight part meets the curve. */
  w: number;
  /** Slope of the straight part (f(w) − f(lo))/(w − lo); unused when w = lo. */
  slope: number;
  /** f(lo). */
  flo: number;
}

/**
 * Builds the concave envelope of a curve with inflection z on [lo, hi]: on the concave stretch the tangent
 * point w solves f'(w)(w − lo) = f(w) − f(lo), found by bisection.
 * @example concaveEnvelope(hillCurve(100, 5, 3), 0, 20, hillInflection(5, 3)).w // ≈ 6.30: below it, spending is wasteful
 */
export function concaveEnvelope(curve: ResponseCurve, lo: number, hi: number, inflection: number): ConcaveEnvelope {
  const flo = curve.value(lo);
  if (!(hi > lo) || inflection <= lo) return { curve, lo, hi, w: lo, slope: 0, flo };
  const chord = (x: number) => (curve.value(x) - flo) / (x - lo);
  if (hi <= inflection) return { curve, lo, hi, w: hi, slope: chord(hi), flo };
  const g = (w: number) => curve.derivative(w) * (w - lo) - (curve.value(w) - flo);
  if (g(hi) >= 0) return { curve, lo, hi, w: hi, slope: chord(hi), flo };
  let a = inflection;
  let b = hi;
  for (let i = 0; i < 100 && b - a > 1e-14 * b; i++) {
    const m = 0.5 * (a + b);
    if (g(m) >= 0) a = m;
    else b = m;
  }
  return { curve, lo, hi, w: b, slope: chord(b), flo };
}

/** The envelope's value at x. @example envelopeValue(env, env.lo) // f(lo) */
export function envelopeValue(env: ConcaveEnvelope, x: number): number {
  return x < env.w ? env.flo + env.slope * (x - env.lo) : env.curve.value(x);
}

/**
 * The spend on [lo, hi] that maximises envelope(x) − λ·x: where the envelope's slope falls to λ.
 * On a tie with the straight part (slope = λ) `high` picks its upper end w, otherwise lo. When the
 * answer is known to lie in [a, b] (from neighbouring λs), only that bracket is searched.
 * @example envelopeDemand(env, 0.5, false) // spend at which the next unit returns 0.5
 */
export function envelopeDemand(env: ConcaveEnvelope, lambda: number, high: boolean, a = env.lo, b = env.hi): number {
  if (b <= a) return a;
  const { lo, hi, w } = env;
  if (w > lo) {
    if (env.slope < lambda || (env.slope === lambda && !high)) return clamp(lo, a, b);
    if (w >= hi) return clamp(hi, a, b);
  }
  const f = env.curve;
  let x0 = Math.max(w, a);
  let x1 = b;
  if (x0 >= x1) return clamp(x0, a, b);
  if (f.derivative(x1) >= lambda) return x1;
  const d0 = f.derivative(x0);
  if (d0 < lambda || (d0 === lambda && !high)) return x0;
  // Illinois (bracketed false position) on ln f'(x) − ln λ, which is smooth for the usual curves;
  // a bisection step whenever the interpolation is not usable.
  const target = Math.log(lambda);
  let g0 = Number.isFinite(d0) ? Math.log(d0) - target : Number.NaN;
  let g1 = Math.log(f.derivative(x1)) - target;
  let side = 0;
  for (let it = 0; it < 100 && x1 - x0 > 1e-11 * Math.max(1, x1); it++) {
    let m = Number.isFinite(g0) && Number.isFinite(g1) && g0 > g1 ? x0 + (g0 * (x1 - x0)) / (g0 - g1) : 0.5 * (x0 + x1);
    if (!(m > x0 && m < x1)) m = 0.5 * (x0 + x1);
    const dm = f.derivative(m);
    const gm = Math.log(dm) - target;
    if (dm >= lambda) {
      x0 = m;
      g0 = gm;
      if (side === -1) g1 /= 2;
      side = -1;
    } else {
      x1 = m;
      g1 = gm;
      if (side === 1) g0 /= 2;
      side = 1;
    }
    if (Math.abs(gm) < 1e-13) return m; // f'(m) = λ to rounding
  }
  return high ? x1 : x0;
}

function clamp(x: number, a: number, b: number): number {
  return Math.min(Math.max(x, a), b);
}
