import { UserError } from "../errors.js";
import { sainsburyReach } from "./sainsbury-reach.js";

/** One channel's unique reach (people), as measured within that channel. */
export interface ChannelReach {
  name: string;
  reach: number;
}

/** A measured overlap: the number of people reached by both channels `a` and `b`. */
export interface PairOverlap {
  a: string;
  b: string;
  both: number;
}

/** Deduplicated reach across channels: a point estimate and the range the data can honestly support. */
export interface DeduplicatedReach {
  /** Point estimate, or null when it cannot be formed (no audience size and no usable overlaps). */
  estimate: number | null;
  /** No fewer people than this can have been reached. */
  low: number;
  /** No more people than this can have been reached. */
  high: number;
  /** How the estimate was formed. */
  method: "single-channel" | "independence" | "independence-within-overlap-bounds" | "exact-pair" | "none";
  /** Sum of channel reaches (what a naive SUM would have said). */
  plainSum: number;
  warnings: string[];
}

export interface DeduplicatedReachInput {
  channels: readonly ChannelReach[];
  /** Size of the universe the channels draw from (people); caps the range and enables the independence estimate. */
  audience?: number;
  /** Measured pairwise overlaps that tighten the range (Bonferroni / Hunter bounds). */
  overlaps?: readonly PairOverlap[];
}

/**
 * Deduplicated reach across channels that cannot be joined: the Sainsbury (independence) estimate and
 * the honest range from the largest single channel to the plain sum (capped at the audience size),
 * tightened by measured pairwise overlaps when given: low ≥ Σrᵢ − Σoᵢⱼ (Bonferroni) and ≥ rᵢ + rⱼ − oᵢⱼ,
 * high ≤ Σrᵢ − Σ over a maximum spanning tree of oᵢⱼ (Hunter 1976).
 * @example deduplicatedReach({ channels: [{ name: "a", reach: 400 }, { name: "b", reach: 300 }], audience: 1000 })
 *   // { estimate: 580, low: 400, high: 700, method: "independence", ... }
 */
export function deduplicatedReach(input: DeduplicatedReachInput): DeduplicatedReach {
  const { channels, audience, overlaps = [] } = input;
  const warnings: string[] = [];
  if (audience !== undefined && !(audience > 0)) {
    throw new UserError("bad_audience", `the audience size must be a positive number, got ${audience}`);
  }
  const index = new Map<string, number>();
  const r: number[] = [];
  for (const c of channels) {
    if (!(c.reach >= 0) || !Number.isFinite(c.reach)) {
      throw new UserError("bad_reach", `channel '${c.name}' has reach ${c.reach}; reach must be a non-negative number`);
    }
    if (index.has(c.name)) throw new UserError("duplicate_channel", `channel '${c.name}' is listed twice`);
    index.set(c.name, r.length);
    r.push(c.reach);
  }
  const plainSum = r.reduce((s, x) => s + x, 0);
  if (r.length === 0) return { estimate: 0, low: 0, high: 0, method: "none", plainSum: 0, warnings };
  const cap = audience ?? Number.POSITIVE_INFINITY;
  if (r.some((x) => x > cap)) warnings.push("a channel's reach exceeds the audience size; it was capped at the audience");
  const rc = r.map((x) => Math.min(x, cap));
  let low = Math.max(...rc);
  let high = Math.min(rc.reduce((s, x) => s + x, 0), cap);
  if (rc.length === 1) return { estimate: rc[0] ?? 0, low, high, method: "single-channel", plainSum, warnings };

  // Pairwise overlaps: known[i][j] = measured overlap (clamped to what is possible), else undefined.
  const n = rc.length;
  const known: (number | undefined)[][] = Array.from({ length: n }, () => new Array<number | undefined>(n).fill(undefined));
  for (const o of overlaps) {
    const i = index.get(o.a);
    const j = index.get(o.b);
    if (i === undefined || j === undefined) {
      throw new UserError("unknown_channel", `overlap names channel '${i === undefined ? o.a : o.b}', which is not among the channels`);
    }
    if (i === j) throw new UserError("bad_overlap", `an overlap must name two different channels, got '${o.a}' twice`);
    if (!(o.both >= 0)) throw new UserError("bad_overlap", `overlap of '${o.a}' and '${o.b}' must be a non-negative number, got ${o.both}`);
    const ri = rc[i] ?? 0;
    const rj = rc[j] ?? 0;
    let both = o.both;
    if (both > Math.min(ri, rj)) {
      warnings.push(`overlap of '${o.a}' and '${o.b}' (${o.both}) exceeds the smaller channel; capped`);
      both = Math.min(ri, rj);
    }
    const minBoth = Math.max(0, ri + rj - cap);
    if (both < minBoth) {
      warnings.push(`overlap of '${o.a}' and '${o.b}' (${o.both}) is impossibly small for the audience size; raised to ${minBoth}`);
      both = minBoth;
    }
    (known[i] as (number | undefined)[])[j] = both;
    (known[j] as (number | undefined)[])[i] = both;
  }
  const measured = overlaps.length > 0;
  if (measured) {
    // Lower bounds: each measured pair's exact union; Bonferroni Σr − Σo with unknown o at its max min(ri, rj).
    let bonferroni = rc.reduce((s, x) => s + x, 0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const o = known[i]?.[j];
        const ri = rc[i] ?? 0;
        const rj = rc[j] ?? 0;
        if (o !== undefined) low = Math.max(low, ri + rj - o);
        bonferroni -= o ?? Math.min(ri, rj);
      }
    }
    low = Math.max(low, bonferroni);
    // Upper bound (Hunter): Σr − weight of a maximum spanning forest over measured overlaps.
    high = Math.min(high, rc.reduce((s, x) => s + x, 0) - maxSpanningForestWeight(known));
    if (low > high) {
      warnings.push("the measured overlaps are inconsistent with each other; the range collapsed to one value");
      high = low;
    }
  }

  let estimate: number | null = null;
  let method: DeduplicatedReach["method"] = "none";
  const pairKnown = n === 2 && known[0]?.[1] !== undefined;
  if (pairKnown) {
    estimate = (rc[0] ?? 0) + (rc[1] ?? 0) - (known[0]?.[1] ?? 0);
    method = "exact-pair";
  } else if (audience !== undefined) {
    const ind = sainsburyReach(rc, audience);
    estimate = Math.min(Math.max(ind, low), high);
    method = measured ? "independence-within-overlap-bounds" : "independence";
  } else {
    warnings.push("no audience size given: the independence estimate needs one, so only the range is reported");
  }
  return { estimate, low, high, method, plainSum, warnings };
}

/** Weight of a maximum spanning forest (Kruskal-free Prim over a dense matrix); unknown edges are absent. */
function maxSpanningForestWeight(w: readonly (readonly (number | undefined)[])[]): number {
  const n = w.length;
  const inTree = new Array<boolean>(n).fill(false);
  const best = new Array<number>(n).fill(Number.NEGATIVE_INFINITY);
  let total = 0;
  for (let added = 0; added < n; added++) {
    let v = -1;
    for (let i = 0; i < n; i++) if (!inTree[i] && (v < 0 || (best[i] ?? 0) > (best[v] ?? 0))) v = i;
    inTree[v] = true;
    if (Number.isFinite(best[v])) total += best[v] ?? 0; // -Infinity: starts a new component of the forest
    for (let i = 0; i < n; i++) {
      const e = w[v]?.[i];
      if (!inTree[i] && e !== undefined && e > (best[i] ?? 0)) best[i] = e;
    }
  }
  return total;
}
