// Traffic-share drift: when a platform optimises delivery between ads, one arm's share of the
// impressions moves during the test and the arms stop being comparable. Compares each arm's share
// per period in the first half of the periods with the second half (Welch t on the daily shares).

import { twoSampleTTest } from "./t-test.js";

/** One arm's traffic per period (e.g. impressions per day); periods are matched across arms by key. */
export interface ArmTraffic {
  readonly name: string;
  readonly periods: readonly { readonly key: string; readonly traffic: number }[];
}

export interface DriftOptions {
  /** Fewer periods than this: no test (default 6). */
  readonly minPeriods?: number;
  /** Smallest change of share worth a warning, as a fraction (default 0.05 = 5 points). */
  readonly minChange?: number;
  /** Significance level after a Bonferroni correction over the arms (default 0.01). */
  readonly alpha?: number;
  /** What the traffic counts, for the message (default "traffic"), e.g. "impressions". */
  readonly trafficLabel?: string;
}

export interface ArmDrift {
  readonly name: string;
  readonly firstShare: number;
  readonly secondShare: number;
  /** Bonferroni-adjusted p-value of the change (null when there were too few periods). */
  readonly pValue: number | null;
}

export interface DriftReport {
  readonly periods: number;
  readonly arms: ArmDrift[];
  readonly drifted: boolean;
  /** A sentence for the user when the shares drifted, else null. */
  readonly warning: string | null;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function formatP(p: number): string {
  return p < 0.0001 ? "p < 0.0001" : `p = ${p < 0.01 ? p.toFixed(4) : p.toFixed(3)}`;
}

/**
 * Tests whether the arms' shares of traffic moved between the first and second half of the test.
 * @example trafficShareDrift([{ name: "A", periods: [{ key: "2024-05-01", traffic: 5000 }, …] }, { name: "B", periods: […] }]).drifted // false while the split holds
 */
export function trafficShareDrift(arms: readonly ArmTraffic[], options: DriftOptions = {}): DriftReport {
  const minPeriods = options.minPeriods ?? 6;
  const minChange = options.minChange ?? 0.05;
  const alpha = options.alpha ?? 0.01;
  const totals = new Map<string, number>();
  const byArm = arms.map((arm) => {
    const m = new Map<string, number>();
    for (const { key, traffic } of arm.periods) {
      if (!Number.isFinite(traffic)) continue;
      m.set(key, (m.get(key) ?? 0) + traffic);
      totals.set(key, (totals.get(key) ?? 0) + traffic);
    }
    return m;
  });
  const keys = [...totals.keys()].filter((k) => (totals.get(k) ?? 0) > 0).sort();
  const half = Math.floor(keys.length / 2);
  const first = keys.slice(0, half);
  const second = keys.slice(keys.length - half);
  const shares = (m: Map<string, number>, ks: string[]) => ks.map((k) => (m.get(k) ?? 0) / (totals.get(k) as number));
  const testable = keys.length >= minPeriods && arms.length >= 2;
  const report: ArmDrift[] = arms.map((arm, i) => {
    const m = byArm[i] as Map<string, number>;
    const a = shares(m, first);
    const b = shares(m, second);
    const firstShare = mean(a);
    const secondShare = mean(b);
    if (!testable) return { name: arm.name, firstShare, secondShare, pValue: null };
    const t = twoSampleTTest(b, a);
    const raw = t === null ? (Math.abs(secondShare - firstShare) < 1e-12 ? 1 : 0) : t.pValue;
    return { name: arm.name, firstShare, secondShare, pValue: Math.min(1, raw * arms.length) };
  });
  const drifting = report
    .filter((r) => r.pValue !== null && r.pValue < alpha && Math.abs(r.secondShare - r.firstShare) >= minChange)
    .sort((x, y) => Math.abs(y.secondShare - y.firstShare) - Math.abs(x.secondShare - x.firstShare));
  const worst = drifting[0];
  if (worst === undefined) return { periods: keys.length, arms: report, drifted: false, warning: null };
  const traffic = options.trafficLabel ?? "traffic";
  const warning =
    `traffic shares drifted during the test: ${worst.name}'s share of ${traffic} went from ${pct(worst.firstShare)} in the first half ` +
    `to ${pct(worst.secondShare)} in the second half (${formatP(worst.pValue as number)}); the platform may be shifting delivery between the arms, ` +
    "so they may no longer be comparable";
  return { periods: keys.length, arms: report, drifted: true, warning };
}
