// What a day's value is expected to be from the days before it, and how far off a normal day may be:
// a weekly seasonal decomposition of the whole history, so the spread is estimated from every day
// (≈ 56 points over 8 weeks), not from the 4–8 past values of one weekday.
//
//   y = log(value) (multiplicative metrics) or value (the discrepancy, which crosses zero)
//   trend m_i   = mean of y over the 7 days centred on i (a whole week: the weekly pattern cancels)
//   weekday s_w = median over the days of weekday w of (y_i − m_i), centred to sum to 0
//   level       = median of the deseasonalised y_i − s_w over the last 14 days
//   residual    = (y_i − s_w) − median of the deseasonalised values of the 14 days around i
//   spread σ    = 1.4826 · MAD(residuals): robust, pooled over every weekday
//   forecast    = level + s_today, whose error has σ·√(1 + π/2·(1/n_level + 1/n_weekday))

const LEVEL_DAYS = 14;
const NEIGHBOURS = 7;
/** Variance of a median of n normal values: π/2 · σ²/n. */
const MEDIAN_VARIANCE = Math.PI / 2;

/** The expected value of a day and the spread of a normal day around it, on the model's scale. */
export interface SeasonalFit {
  /** "log" for multiplicative metrics (counts, money, CPI): the spread is then relative. */
  scale: "log" | "linear";
  /** The forecast on the model's scale (log of the expected value for "log"). */
  forecast: number;
  /** The forecast back in the metric's unit. */
  expected: number;
  /** The standard deviation of a normal day's value around the forecast, on the model's scale. */
  spread: number;
  /** The daily residual spread alone (without the forecast's own error). */
  residualSpread: number;
  /** Days of history the fit used, and of those on the judged day's weekday. */
  days: number;
  sameWeekday: number;
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
 * Fits the weekly seasonal model to the days before a judged day (`history`, oldest first, the last
 * element being the day before; null for a day without a value) and forecasts that day. Null when
 * the history is too thin: fewer than `minSameWeekday` values on the judged day's weekday or fewer
 * than two weeks of values. With `log`, non-positive values are left out (a day without delivery
 * says nothing about the price).
 * @example seasonalFit(eightWeeksOfCpi, { log: true })?.expected // 0.0101: the usual CPI for this weekday
 */
export function seasonalFit(history: readonly (number | null)[], o: { log: boolean; minSameWeekday?: number }): SeasonalFit | null {
  const n = history.length;
  const y: (number | null)[] = history.map((v) => (v === null || !Number.isFinite(v) || (o.log && v <= 0) ? null : o.log ? Math.log(v) : v));
  // Weekday class relative to the judged day (index n): 0 = the same weekday.
  const cls = (i: number) => (((n - i) % 7) + 7) % 7;
  const valid = y.filter((v) => v !== null).length;
  let same = 0;
  for (let i = n - 7; i >= 0; i -= 7) if (y[i] !== null) same++;
  if (same < (o.minSameWeekday ?? 4) || valid < 14) return null;

  // Per weekday: each day's distance from its centred whole-week mean, with the day it belongs to.
  const byClass: { i: number; v: number }[][] = Array.from({ length: 7 }, () => []);
  for (let i = 3; i < n - 3; i++) {
    let sum = 0;
    let whole = true;
    for (let j = i - 3; j <= i + 3; j++) {
      const v = y[j];
      if (v === null || v === undefined) {
        whole = false;
        break;
      }
      sum += v;
    }
    const yi = y[i];
    if (whole && yi !== null && yi !== undefined) byClass[cls(i)]?.push({ i, v: yi - sum / 7 });
  }
  const centred = (raw: number[]) => {
    const mean = raw.reduce((a, b) => a + b, 0) / 7;
    return raw.map((s) => s - mean);
  };
  const season = centred(byClass.map((d) => (d.length > 0 ? median(d.map((x) => x.v)) : 0)));
  const deseason = y.map((v, i) => (v === null ? null : v - (season[cls(i)] ?? 0)));

  const recent: number[] = [];
  for (let i = n - 1; i >= Math.max(0, n - LEVEL_DAYS); i--) if (deseason[i] !== null) recent.push(deseason[i] as number);
  if (recent.length === 0) return null;
  const level = median(recent);

  // Residuals judged as the forecast is: each day against a weekday effect and a level it was not part
  // of, scaled by the error those estimates add, so the pooled spread is that of a day, not of a fit.
  const residuals: number[] = [];
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (yi === null || yi === undefined) continue;
    const mine = byClass[cls(i)] ?? [];
    const others = mine.filter((x) => x.i !== i).map((x) => x.v);
    if (others.length < 2) continue;
    const around: number[] = [];
    for (let j = Math.max(0, i - NEIGHBOURS); j <= Math.min(n - 1, i + NEIGHBOURS); j++) if (j !== i && deseason[j] !== null) around.push(deseason[j] as number);
    if (around.length < 4) continue;
    const r = yi - median(others) - median(around);
    residuals.push(r / Math.sqrt(1 + MEDIAN_VARIANCE * (1 / around.length + 1 / others.length)));
  }
  const mid = median(residuals);
  const residualSpread = residuals.length > 0 ? 1.4826 * median(residuals.map((r) => Math.abs(r - mid))) : 0;
  const weekday = byClass[0]?.length ?? 0;
  const spread = residualSpread * Math.sqrt(1 + MEDIAN_VARIANCE * (1 / recent.length + 1 / Math.max(1, weekday)));
  const forecast = level + (season[0] ?? 0);
  return { scale: o.log ? "log" : "linear", forecast, expected: o.log ? Math.exp(forecast) : forecast, spread, residualSpread, days: valid, sameWeekday: same };
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

/**
 * The `weeks` × 7 days of a daily series before `index` (oldest first; null before the series starts).
 * @example historyBefore([1, 2, 3, 4], 3, 1) // [null, null, null, null, 1, 2, 3]
 */
export function historyBefore(series: readonly (number | null)[], index: number, weeks: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = index - weeks * 7; i < index; i++) out.push(i >= 0 ? (series[i] ?? null) : null);
  return out;
}
