import { type ConcaveEnvelope, envelopeDemand } from "./concave-envelope.js";

/** The maximiser of Σ envᵢ(xᵢ) subject to Σxᵢ = budget, loᵢ ≤ xᵢ ≤ hiᵢ, and its multiplier. */
export interface WaterFillingSolution {
  x: number[];
  /** The Lagrange multiplier: the marginal return every channel strictly between its bounds shares. */
  lambda: number;
}

/**
 * Exact KKT solution for concave (envelope) curves by bisection on the Lagrange multiplier λ: each
 * channel spends where its marginal return falls to λ (clamped to its bounds), and λ is moved until the
 * spends add up to the budget; channels on a straight stretch at λ take up the remainder. The caller
 * guarantees Σlo ≤ budget ≤ Σhi.
 * @example waterFilling(envelopes, 20000) // { x: [...], lambda: 0.0123 }
 */
export function waterFilling(envs: readonly ConcaveEnvelope[], budget: number): WaterFillingSolution {
  const n = envs.length;
  const sumLo = envs.reduce((s, e) => s + e.lo, 0);
  const sumHi = envs.reduce((s, e) => s + e.hi, 0);
  if (budget <= sumLo) return { x: envs.map((e) => e.lo), lambda: Number.POSITIVE_INFINITY };
  if (budget >= sumHi) return { x: envs.map((e) => e.hi), lambda: 0 };
  // λ bracket: above every channel's largest marginal return, nobody spends beyond lo; below the smallest
  // marginal return at hi, everybody spends hi.
  let lamHi = 0;
  let lamLo = Number.POSITIVE_INFINITY;
  for (const e of envs) {
    if (e.hi <= e.lo) continue;
    const top = e.w > e.lo ? Math.max(e.slope, finite(e.curve.derivative(e.w))) : finite(e.curve.derivative(e.lo + 1e-12 * (e.hi - e.lo)));
    lamHi = Math.max(lamHi, top);
    lamLo = Math.min(lamLo, e.w >= e.hi ? e.slope : e.curve.derivative(e.hi));
  }
  lamHi = Math.max(lamHi * 2, 1e-300);
  lamLo = Math.min(Math.max(lamLo / 2, lamHi * 1e-200), lamHi / 4);
  // Each channel's spend at λ lies between its spends at the bracket's ends, and the brackets shrink
  // with λ's: every bisection step searches only what is left of them.
  const xa = envs.map((e) => envelopeDemand(e, lamHi, false));
  const xb = envs.map((e) => envelopeDemand(e, lamLo, true));
  const xm = new Array<number>(n).fill(0);
  for (let it = 0; it < 200 && lamHi / lamLo - 1 > 1e-12; it++) {
    const mid = Math.sqrt(lamLo * lamHi);
    let d = 0;
    for (let i = 0; i < n; i++) {
      const v = envelopeDemand(envs[i] as ConcaveEnvelope, mid, false, xa[i] ?? 0, xb[i] ?? 0);
      xm[i] = v;
      d += v;
    }
    if (d >= budget) {
      lamLo = mid;
      for (let i = 0; i < n; i++) xb[i] = Math.max(xm[i] ?? 0, envelopeDemandTieHigh(envs[i] as ConcaveEnvelope, mid, xm[i] ?? 0));
    } else {
      lamHi = mid;
      for (let i = 0; i < n; i++) xa[i] = xm[i] ?? 0;
    }
  }
  const xLow = envs.map((e, i) => envelopeDemand(e, lamHi, false, xa[i] ?? 0, xb[i] ?? 0));
  const xHigh = envs.map((e, i) => envelopeDemand(e, lamLo, true, xa[i] ?? 0, xb[i] ?? 0));
  let rest = budget - xLow.reduce((s, v) => s + v, 0);
  const gaps = xHigh.map((v, i) => Math.max(0, v - (xLow[i] ?? 0)));
  const gapSum = gaps.reduce((s, v) => s + v, 0);
  const x = [...xLow];
  // Channels at λ on a straight stretch (or with a flat marginal) take up the remainder one after the
  // other, not pro rata: that keeps at most one channel part-way along a straight stretch (an extreme
  // point of the relaxation), which the branch and bound relies on when many channels are alike.
  if (gapSum > 0 && rest > 0) {
    for (let i = 0; i < n && rest > 0; i++) {
      const take = Math.min(gaps[i] ?? 0, rest);
      x[i] = (x[i] ?? 0) + take;
      rest -= take;
    }
  }
  if (rest > 0) rest = spreadOverSlack(x, envs, rest);
  return { x, lambda: Math.sqrt(lamLo * lamHi) };
}

/** Puts a tiny numerical remainder where there is room, so that the spends add up to the budget exactly. */
function spreadOverSlack(x: number[], envs: readonly ConcaveEnvelope[], rest: number): number {
  const slack = envs.map((e, i) => Math.max(0, e.hi - (x[i] ?? 0)));
  const total = slack.reduce((s, v) => s + v, 0);
  if (total <= 0) return rest;
  const f = Math.min(1, rest / total);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + f * (slack[i] ?? 0);
  return rest - f * total;
}

/** At a tie with a straight stretch the upper end is also optimal: keep it inside the bracket. */
function envelopeDemandTieHigh(e: ConcaveEnvelope, lam: number, x: number): number {
  return e.w > e.lo && e.slope === lam && x <= e.lo ? Math.min(e.w, e.hi) : x;
}

function finite(v: number): number {
  return Number.isFinite(v) ? v : Number.MAX_VALUE / 4;
}
