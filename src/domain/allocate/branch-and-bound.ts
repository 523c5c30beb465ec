import type { ResponseCurve } from "../curves/response-curve.js";
import { type ConcaveEnvelope, concaveEnvelope, envelopeValue } from "./concave-envelope.js";
import { waterFilling } from "./water-filling.js";

/** A channel as the global search sees it: curve, inflection and spend bounds. */
export interface SearchChannel {
  curve: ResponseCurve;
  inflection: number;
  lo: number;
  hi: number;
}

export interface GlobalSolution {
  x: number[];
  value: number;
  /** Proven: no feasible split does better than this. */
  upperBound: number;
  /** The multiplier of the water-filling that produced `x` (the equalised marginal return). */
  lambda: number;
  nodes: number;
  closed: boolean;
}

interface Node {
  lo: number[];
  hi: number[];
  envs: ConcaveEnvelope[];
  ub: number;
  x: number[];
  lambda: number;
}

/**
 * Maximises Σ fᵢ(xᵢ) subject to Σxᵢ = budget and loᵢ ≤ xᵢ ≤ hiᵢ for concave or S-shaped fᵢ, globally:
 * branch and bound on the concave envelopes (Udell & Boyd, "Maximizing a sum of sigmoids", 2013).
 * Each node's relaxation (water-filling on the envelopes) gives an upper bound; its solution, and the
 * same solution with the channel(s) on a straight stretch rounded to either end, give feasible splits.
 * Nodes split the channel with the largest envelope gap at its relaxed spend, until the best feasible
 * split is within `tolerance` of the best bound. For concave curves the root is already optimal.
 * @example globalAllocation(channels, 20000, 1e-6, 2000).x
 */
export function globalAllocation(channels: readonly SearchChannel[], budget: number, tolerance: number, maxNodes: number): GlobalSolution {
  const n = channels.length;
  const f = (i: number, x: number) => (channels[i] as SearchChannel).curve.value(x);
  const trueValue = (x: readonly number[]) => x.reduce((s, v, i) => s + f(i, v), 0);

  /** Relaxation of the box [lo, hi]: envelopes are rebuilt only for channel `changed` (all when −1). */
  const relax = (lo: number[], hi: number[], parent: ConcaveEnvelope[] | null, changed: number): Node => {
    const envs = parent
      ? [...parent]
      : channels.map((c, i) => concaveEnvelope(c.curve, lo[i] ?? 0, hi[i] ?? 0, c.inflection));
    if (parent && changed >= 0) {
      const c = channels[changed] as SearchChannel;
      envs[changed] = concaveEnvelope(c.curve, lo[changed] ?? 0, hi[changed] ?? 0, c.inflection);
    }
    const sol = waterFilling(envs, budget);
    const ub = sol.x.reduce((s, v, i) => s + envelopeValue(envs[i] as ConcaveEnvelope, v), 0);
    return { lo, hi, envs, ub, x: sol.x, lambda: sol.lambda };
  };

  let best = { x: [] as number[], value: Number.NEGATIVE_INFINITY, lambda: 0 };
  const offer = (x: number[], lambda: number) => {
    const v = trueValue(x);
    if (v > best.value) best = { x, value: v, lambda };
  };

  if (n === 0) return { x: [], value: 0, upperBound: 0, lambda: 0, nodes: 0, closed: true };
  const root = relax(
    channels.map((c) => c.lo),
    channels.map((c) => c.hi),
    null,
    -1,
  );
  const queue: Node[] = [root];
  let nodes = 0;
  // the largest bound among nodes set aside (pruned or solved): the optimum is ≤ max(this, open bounds)
  let setAsideUb = Number.NEGATIVE_INFINITY;
  const good = () => best.value + tolerance * Math.abs(best.value);
  while (queue.length > 0 && nodes < maxNodes) {
    let k = 0; // best-first: the open node with the highest bound
    for (let i = 1; i < queue.length; i++) if ((queue[i] as Node).ub > (queue[k] as Node).ub) k = i;
    const node = queue[k] as Node;
    queue[k] = queue[queue.length - 1] as Node;
    queue.pop();
    if (node.ub <= good()) {
      setAsideUb = Math.max(setAsideUb, node.ub);
      continue;
    }
    nodes++;
    offer(node.x, node.lambda);
    // channels whose relaxed spend sits on a straight stretch of their envelope (envelope above the curve)
    const envs = node.envs;
    const order = node.x
      .map((v, i) => [envelopeValue(envs[i] as ConcaveEnvelope, v) - f(i, v), i] as const)
      .filter(([g]) => g > 1e-12 * Math.max(1, Math.abs(best.value)))
      .sort((a, b) => b[0] - a[0]);
    if (order.length === 0) {
      setAsideUb = Math.max(setAsideUb, node.ub); // relaxation tight: this node is solved
      continue;
    }
    // rounding heuristic: move each fractional channel to either end of its straight stretch
    for (const [, i] of order.slice(0, 1)) {
      const env = envs[i] as ConcaveEnvelope;
      for (const target of [env.lo, env.w]) {
        const lo = [...node.lo];
        const hi = [...node.hi];
        lo[i] = target;
        hi[i] = target;
        if (feasible(lo, hi, budget)) {
          const r = relax(lo, hi, envs, i);
          offer(r.x, r.lambda);
        }
      }
    }
    const split = (order[0] as readonly [number, number])[1];
    const at = node.x[split] ?? 0;
    for (const [a, b] of [
      [node.lo[split] ?? 0, at],
      [at, node.hi[split] ?? 0],
    ] as const) {
      const lo = [...node.lo];
      const hi = [...node.hi];
      lo[split] = a;
      hi[split] = b;
      if (!feasible(lo, hi, budget)) continue;
      const child = relax(lo, hi, node.envs, split);
      offer(child.x, child.lambda);
      queue.push(child);
    }
    const openUb = queue.reduce((m, q) => Math.max(m, q.ub), Number.NEGATIVE_INFINITY);
    if (openUb <= good()) {
      setAsideUb = Math.max(setAsideUb, openUb);
      queue.length = 0;
    }
  }
  const openUb = queue.reduce((m, q) => Math.max(m, q.ub), Number.NEGATIVE_INFINITY);
  const upperBound = Math.min(root.ub, Math.max(best.value, setAsideUb, openUb));
  const closed = upperBound <= good() * (1 + 1e-12);
  return { x: best.x, value: best.value, upperBound, lambda: best.lambda, nodes, closed };
}

function feasible(lo: readonly number[], hi: readonly number[], budget: number): boolean {
  const a = lo.reduce((s, v) => s + v, 0);
  const b = hi.reduce((s, v) => s + v, 0);
  return a <= budget * (1 + 1e-12) + 1e-12 && b >= budget * (1 - 1e-12) - 1e-12;
}
