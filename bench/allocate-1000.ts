// Benchmark: allocating a budget across 1,000 channels with min/max/fixed constraints (concave power-law
// curves and S-shaped Hill curves), beside an independent solver on the same case: greedy marginal
// steps of budget/20,000 (optimal in the limit for concave curves, short of the optimum on S-curves).
import { type AllocationChannel, allocateBudget } from "../src/domain/allocate/index.js";
import { hillCurve, powerLawCurve } from "../src/domain/curves/index.js";
import { mulberry32 } from "../src/test-support/random-spend.js";
import { fmt, median, RUNS, report, timed } from "./util.js";

function channels(kind: "concave" | "s-shaped", seed: number): AllocationChannel[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: 1000 }, (_, i) => {
    const curve = kind === "concave" ? powerLawCurve(50 + rnd() * 200, 0.3 + rnd() * 0.6) : hillCurve(10_000 + rnd() * 90_000, 200 + rnd() * 2000, 1.5 + rnd() * 2);
    const c: AllocationChannel = { name: `ch${i}`, curve };
    if (i % 10 === 0) c.min = 50;
    if (i % 10 === 1) c.max = 300;
    if (i % 50 === 2) c.fixed = 400;
    return c;
  });
}

/** Greedy: give each of `steps` increments to the channel whose next increment buys the most. */
function greedy(chs: AllocationChannel[], budget: number, steps = 20_000): number {
  const spend = chs.map((c) => c.fixed ?? c.min ?? 0);
  let left = budget - spend.reduce((s, v) => s + v, 0);
  const step = left / steps;
  for (let s = 0; s < steps && left > 1e-9; s++) {
    let best = -1;
    let gain = -1;
    for (let i = 0; i < chs.length; i++) {
      const c = chs[i] as AllocationChannel;
      const at = spend[i] ?? 0;
      if (c.fixed !== undefined || at + step > (c.max ?? Number.POSITIVE_INFINITY)) continue;
      const g = c.curve.value(at + step) - c.curve.value(at);
      if (g > gain) {
        gain = g;
        best = i;
      }
    }
    if (best < 0) break;
    spend[best] = (spend[best] ?? 0) + step;
    left -= step;
  }
  return chs.reduce((s, c, i) => s + c.curve.value(spend[i] ?? 0), 0);
}

export async function benchAllocate(): Promise<void> {
  for (const kind of ["concave", "s-shaped"] as const) {
    const chs = channels(kind, 7);
    const budget = 400_000;
    const ours: number[] = [];
    const theirs: number[] = [];
    let value = 0;
    let other = 0;
    for (let r = 0; r < Math.max(3, Math.min(RUNS, 5)); r++) {
      const a = await timed(async () => allocateBudget({ budget, channels: chs }));
      ours.push(a.ms);
      value = a.value.total;
      const g = await timed(async () => greedy(chs, budget));
      theirs.push(g.ms);
      other = g.value;
    }
    report(`allocate 1,000 ${kind} channels (ms)`, `${fmt(median(ours))} ms`, `greedy ${fmt(median(theirs))} ms`, median(ours) / median(theirs), "time");
    report(`  objective vs greedy (${kind})`, fmt(value), fmt(other), value / other, "≥ 0.999");
  }
}
