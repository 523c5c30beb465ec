import { UserError } from "../errors.js";
import type { AllocationInput, AllocationResult, ChannelAllocation } from "./allocation-types.js";
import { globalAllocation, type SearchChannel } from "./branch-and-bound.js";
import { curveInflection } from "./curve-inflection.js";
import { explainChannel } from "./explain-allocation.js";

/**
 * Splits a budget across channels to maximise Σ objective, each channel's spend within [min, max] (or
 * fixed). Concave curves get the exact KKT / water-filling optimum (bisection on the Lagrange multiplier);
 * S-shaped (Hill) curves get a global branch-and-bound on their concave envelopes, which returns a proven
 * upper bound beside the answer, so it cannot stop short the way greedy search does. The spends add up to
 * the budget unless the minimums exceed it or the maximums fall short of it, which the status says.
 * @example allocateBudget({ budget: 20000, objective: "reach", channels: [{ name: "search", curve, max: 15000 }, …] })
 */
export function allocateBudget(input: AllocationInput): AllocationResult {
  const { budget, channels } = input;
  const objective = input.objective ?? "objective";
  // 0.01 %: far below the uncertainty of any fitted curve, and reached at the root for most inputs
  const tolerance = input.tolerance ?? 1e-4;
  // a node costs one water-filling per channel count: keep the worst case near a second at 1,000 channels
  const maxNodes = input.maxNodes ?? Math.max(20, Math.min(2000, Math.floor(20_000 / Math.max(1, channels.length))));
  if (!(budget >= 0) || !Number.isFinite(budget)) throw new UserError("bad_budget", `the budget must be a non-negative number, got ${budget}`);
  const names = new Set<string>();
  const search: SearchChannel[] = channels.map((c) => {
    if (names.has(c.name)) throw new UserError("duplicate_channel", `channel '${c.name}' is listed twice`);
    names.add(c.name);
    let lo = c.min ?? 0;
    let hi = c.max ?? budget;
    if (c.fixed !== undefined) {
      if (!(c.fixed >= 0)) throw new UserError("bad_fixed", `channel '${c.name}': fixed spend must be a non-negative number, got ${c.fixed}`);
      lo = c.fixed;
      hi = c.fixed;
    }
    if (!(lo >= 0) || !Number.isFinite(lo)) throw new UserError("bad_min", `channel '${c.name}': min must be a non-negative number, got ${lo}`);
    if (!(hi >= lo)) throw new UserError("bad_max", `channel '${c.name}': max (${hi}) is below min (${lo})`);
    return { curve: c.curve, inflection: curveInflection(c.curve, Number.isFinite(hi) ? hi : budget), lo, hi };
  });
  const sumLo = search.reduce((s, c) => s + c.lo, 0);
  const sumHi = search.reduce((s, c) => s + c.hi, 0);
  const sShaped = search.some((c) => c.inflection > c.lo && c.hi > c.lo);

  let x: number[];
  let upperBound: number;
  let lambda: number | null;
  let status: AllocationResult["status"] = "optimal";
  let message: string;
  let nodes = 0;
  let method: AllocationResult["method"] = sShaped ? "branch-and-bound" : "water-filling";
  if (sumLo > budget * (1 + 1e-12)) {
    x = search.map((c) => c.lo);
    status = "budget-below-minimums";
    message = `the channel minimums and fixed amounts add up to ${round(sumLo)}, more than the budget of ${round(budget)}: each channel gets its minimum`;
    upperBound = Number.NaN;
    lambda = null;
    method = "none";
  } else if (sumHi < budget * (1 - 1e-12)) {
    x = search.map((c) => c.hi);
    status = "budget-above-maximums";
    message = `the channel maximums add up to ${round(sumHi)}, less than the budget of ${round(budget)}: ${round(budget - sumHi)} stays unallocated`;
    upperBound = Number.NaN;
    lambda = null;
    method = "none";
  } else {
    const sol = globalAllocation(search, budget, tolerance, maxNodes);
    x = sol.x;
    upperBound = sol.upperBound;
    lambda = sol.lambda;
    nodes = sol.nodes;
    if (!sol.closed) {
      status = "gap-not-closed";
      message = `stopped after ${nodes} nodes; the split is within ${pct((sol.upperBound - sol.value) / Math.abs(sol.value))} of the best possible`;
    } else {
      message = sShaped
        ? `global optimum (branch and bound over ${nodes} node(s), proven within ${pct(tolerance)})`
        : "exact optimum: the marginal return is equal on every channel between its bounds";
    }
  }
  const values = x.map((v, i) => (search[i] as SearchChannel).curve.value(v));
  const total = values.reduce((s, v) => s + v, 0);
  if (Number.isNaN(upperBound)) upperBound = total;
  // the equalised marginal return: the median over channels strictly inside their bounds and past any threshold
  const interior = x
    .map((v, i) => ({ v, c: search[i] as SearchChannel }))
    .filter(({ v, c }) => v > c.lo + 1e-9 * Math.max(1, c.hi) && v < c.hi - 1e-9 * Math.max(1, c.hi))
    .map(({ v, c }) => c.curve.derivative(v))
    .filter((d) => Number.isFinite(d) && d > 0)
    .sort((a, b) => a - b);
  if (interior.length > 0) lambda = interior[interior.length >> 1] ?? lambda;
  const marginalReturn = lambda !== null && Number.isFinite(lambda) && lambda > 0 ? lambda : null;
  const allocated = x.reduce((s, v) => s + v, 0);
  const haveCurrent = channels.length > 0 && channels.every((c) => c.current !== undefined);
  const currentTotal = haveCurrent ? channels.reduce((s, c) => s + c.curve.value(c.current ?? 0), 0) : null;
  const out: ChannelAllocation[] = channels.map((c, i) =>
    explainChannel(c, search[i] as SearchChannel, x[i] ?? 0, allocated, marginalReturn, objective),
  );
  return {
    status,
    message,
    objective,
    budget,
    allocated,
    unallocated: Math.max(0, budget - allocated),
    total,
    upperBound: Math.max(upperBound, total),
    gap: total !== 0 ? Math.max(0, upperBound - total) / Math.abs(total) : 0,
    marginalReturn,
    marginalCost: marginalReturn ? 1 / marginalReturn : null,
    currentTotal,
    gain: currentTotal === null ? null : total - currentTotal,
    gainShare: currentTotal === null || currentTotal === 0 ? null : total / currentTotal - 1,
    method,
    nodes,
    channels: out,
  };
}

function round(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

function pct(v: number): string {
  return `${(v * 100).toPrecision(2)} %`;
}
