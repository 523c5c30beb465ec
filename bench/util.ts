// Shared helpers for benchmarks: timing, medians, and the report line format.
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** One result line: the figure, its baseline from the same run, and the ratio against a target. */
export function report(name: string, figure: string, baseline: string, ratio: number, target: string): void {
  console.log(`${name.padEnd(44)} ${figure.padStart(18)}   baseline ${baseline.padStart(18)}   ratio ${ratio.toFixed(2).padStart(5)}   target ${target}`);
}

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
