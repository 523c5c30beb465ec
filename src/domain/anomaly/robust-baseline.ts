/** Median and MAD of a sample, and the robust spread derived from them. */
export interface RobustBaseline {
  median: number;
  /** Median absolute deviation from the median. */
  mad: number;
  /** 1.4826·MAD: the standard deviation a normal sample with this MAD would have. */
  spread: number;
  n: number;
}

/**
 * Median of a sample (NaN when empty).
 * @example median([3, 1, 2, 10]) // 2.5
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Median, MAD and robust spread (1.4826·MAD) of a sample: one outlier in the history barely moves them.
 * @example robustBaseline([100, 104, 98, 101, 400]) // { median: 101, mad: 3, spread: 4.45, n: 5 }
 */
export function robustBaseline(values: readonly number[]): RobustBaseline {
  const med = median(values);
  const mad = median(values.map((v) => Math.abs(v - med)));
  return { median: med, mad, spread: 1.4826 * mad, n: values.length };
}

/**
 * The values on the same weekday in the `weeks` weeks before `index` of a daily series (oldest first),
 * skipping missing days (null / NaN).
 * @example sameWeekdayHistory(daily, 70, 8) // the values 56, 49, …, 7 days before day 70, oldest first
 */
export function sameWeekdayHistory(series: readonly (number | null)[], index: number, weeks: number): number[] {
  const out: number[] = [];
  for (let k = weeks; k >= 1; k--) {
    const v = series[index - 7 * k];
    if (v !== null && v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}
