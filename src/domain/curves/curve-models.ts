import { hillCurve } from "./hill-curve.js";
import { powerLawCurve } from "./power-law-curve.js";
import { exponentialReachCurve, nbdReachCurve } from "./reach-curves.js";
import type { ResponseCurve } from "./response-curve.js";
import { saturatingCpmCurve } from "./saturating-cpm-curve.js";

/** One observation of a curve: x (spend or impressions) and y (impressions or reach). */
export interface CurvePoint {
  x: number;
  y: number;
}

export type CurveModelName = "power-law" | "saturating-cpm" | "exponential-reach" | "nbd-reach" | "hill";

/** A curve family that can be fitted: positive parameters (fitted as logarithms) and starting points. */
export interface CurveModel {
  name: CurveModelName;
  params: readonly string[];
  formula: string;
  curve(params: readonly number[]): ResponseCurve;
  /** Candidate starting points for the fit; the best few are refined. */
  starts(points: readonly CurvePoint[]): number[][];
}

const p0 = (p: readonly number[], i: number) => p[i] ?? Number.NaN;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Ordinary least squares y = α + βx. */
function ols(xs: readonly number[], ys: readonly number[]): { alpha: number; beta: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    sxx += ((xs[i] ?? 0) - mx) ** 2;
  }
  const beta = sxx > 0 ? sxy / sxx : 0;
  return { alpha: my - beta * mx, beta };
}

const maxOf = (xs: readonly number[]) => xs.reduce((m, x) => Math.max(m, x), 0);

/** The curve families cpi fits, by name. */
export const CURVE_MODELS: Record<CurveModelName, CurveModel> = {
  "power-law": {
    name: "power-law",
    params: ["a", "b"],
    formula: "impressions = a·spend^b",
    curve: (p) => powerLawCurve(p0(p, 0), p0(p, 1)),
    starts: (pts) => {
      const { alpha, beta } = ols(
        pts.map((q) => Math.log(q.x)),
        pts.map((q) => Math.log(q.y)),
      );
      return [[Math.exp(alpha), beta > 0 ? beta : 0.05]];
    },
  },
  "saturating-cpm": {
    name: "saturating-cpm",
    params: ["cpm0", "k"],
    formula: "impressions = 1000·spend/(cpm0·(1 + spend/k)), i.e. CPM = cpm0·(1 + spend/k)",
    curve: (p) => saturatingCpmCurve(p0(p, 0), p0(p, 1)),
    starts: (pts) => {
      // 1000·x/y = cpm0 + (cpm0/k)·x: linear in x
      const { alpha, beta } = ols(
        pts.map((q) => q.x),
        pts.map((q) => (1000 * q.x) / q.y),
      );
      const xMax = maxOf(pts.map((q) => q.x));
      const cpm = alpha > 0 ? alpha : median(pts.map((q) => (1000 * q.x) / q.y));
      const k = alpha > 0 && beta > 0 ? alpha / beta : 10 * xMax;
      return [
        [cpm, k],
        [cpm, xMax],
        [cpm, 10 * xMax],
      ];
    },
  },
  "exponential-reach": {
    name: "exponential-reach",
    params: ["maxReach", "k"],
    formula: "reach = N·(1 − exp(−k·impressions/N))",
    curve: (p) => exponentialReachCurve(p0(p, 0), p0(p, 1)),
    starts: (pts) => {
      const yMax = maxOf(pts.map((q) => q.y));
      const mid = pts[pts.length >> 1] ?? { x: 1, y: 1 };
      return [1.1, 1.5, 3, 10].map((f) => {
        const n = f * yMax;
        const k = (-n / mid.x) * Math.log1p(-Math.min(mid.y / n, 0.999));
        return [n, k > 0 ? k : 0.5];
      });
    },
  },
  "nbd-reach": {
    name: "nbd-reach",
    params: ["maxReach", "shape"],
    formula: "reach = N·(1 − (1 + impressions/(N·shape))^(−shape))",
    curve: (p) => nbdReachCurve(p0(p, 0), p0(p, 1)),
    starts: (pts) => {
      const yMax = maxOf(pts.map((q) => q.y));
      const out: number[][] = [];
      for (const f of [1.1, 1.5, 3, 10]) for (const s of [0.3, 1, 5]) out.push([f * yMax, s]);
      return out;
    },
  },
  hill: {
    name: "hill",
    params: ["top", "k", "s"],
    formula: "y = top·x^s/(k^s + x^s)",
    curve: (p) => hillCurve(p0(p, 0), p0(p, 1), p0(p, 2)),
    starts: (pts) => {
      const yMax = maxOf(pts.map((q) => q.y));
      const xs = pts.map((q) => q.x);
      const out: number[][] = [];
      for (const t of [1.05, 1.5, 3]) for (const k of [median(xs), maxOf(xs)]) for (const s of [0.8, 1.5, 3]) out.push([t * yMax, k, s]);
      return out;
    },
  },
};
