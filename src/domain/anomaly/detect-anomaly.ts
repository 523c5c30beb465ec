import { type AlertEvaluation, alertNumber, skippedEvaluation } from "./alert-evaluation.js";
import { seasonalFit } from "./seasonal-baseline.js";

export interface AnomalyRule {
  /** Score (robust standard deviations of a normal day) beyond which the day is anomalous (default 3). */
  threshold?: number;
  /** Which way counts: "up" (e.g. CPI spikes), "down" (delivery drops) or "both" (default). */
  direction?: "up" | "down" | "both";
  /** Fewest past values on the judged day's weekday (default 4). */
  minHistory?: number;
  /** Minimum volume: a ratio metric is skipped when today's volume is below it; a count metric when its usual value is. */
  minVolume?: number;
  /** The least relative change worth an alert, beside the score (default 0.25: ±25 % from the expected value). */
  minEffect?: number;
  /** The spread is at least this share of the expected value (default 0.02), so a very steady history does not flag noise. */
  minRelativeSpread?: number;
  /** The spread is at least this, in the metric's unit (default 0): for values near zero, where a share is no floor. */
  minSpread?: number;
  /** Model the metric on a log scale (default: when the history is all positive): multiplicative noise and seasonality. */
  log?: boolean;
}

export interface AnomalyInput {
  value: number | null;
  /** Consecutive past days, oldest first, the last being the day before (null: no value that day). */
  history: readonly (number | null)[];
  /** Today's denominator volume for a ratio metric (impressions for CPI); omit for count metrics. */
  volume?: number;
}

/**
 * Flags a day whose value is far from what its history forecasts: a weekly seasonal decomposition of
 * every past day (seasonalFit) gives the expected value and the spread of a normal day; the day fires
 * when it is at least `threshold` spreads away AND at least `minEffect` (25 %) away from the expected value.
 * @example detectAnomaly({ value: 2000, history: eightWeeksAround1000 }) // { fired: true, baseline: ≈1000, score: ≈25, direction: "up", … }
 */
export function detectAnomaly(input: AnomalyInput, rule: AnomalyRule = {}): AlertEvaluation {
  const threshold = rule.threshold ?? 3;
  const direction = rule.direction ?? "both";
  const minHistory = rule.minHistory ?? 4;
  const minEffect = rule.minEffect ?? 0.25;
  const { value, history, volume } = input;
  if (value === null || !Number.isFinite(value)) return skippedEvaluation("anomaly", "no-value", "no value today (e.g. a ratio with a zero denominator)");
  const log = rule.log ?? history.every((v) => v === null || v > 0);
  const fit = seasonalFit(history, { log, minSameWeekday: minHistory });
  if (fit === null) {
    const days = history.filter((v) => v !== null && (!log || v > 0)).length;
    return skippedEvaluation("anomaly", "insufficient-history", `only ${days} past day(s) with a value; the rule needs ${minHistory} on this weekday and 14 in all`, value);
  }
  const expected = fit.expected;
  // Without a volume the usual value's size is the volume: |expected|, so a series of negative values (a signed gap) is not "low".
  const v = volume !== undefined ? volume : Math.abs(expected);
  if (v < (rule.minVolume ?? 0)) {
    return skippedEvaluation("anomaly", "low-volume", `volume ${alertNumber(v)} is below the minimum ${alertNumber(rule.minVolume ?? 0)}`, value);
  }
  const floor = log ? (rule.minRelativeSpread ?? 0.02) : Math.max((rule.minRelativeSpread ?? 0.02) * Math.abs(expected), rule.minSpread ?? 0);
  const spread = Math.max(fit.spread, floor, Number.MIN_VALUE);
  // A day without delivery on a log scale: as if it were 1 % of the usual (the score stays finite).
  const y = log ? Math.log(Math.max(value, expected * 0.01)) : value;
  const score = (y - fit.forecast) / spread;
  const dir = score >= 0 ? "up" : "down";
  const change = expected !== 0 ? (value - expected) / Math.abs(expected) : null;
  const bigEnough = change === null || Math.abs(change) >= minEffect;
  const fired = Math.abs(score) >= threshold && bigEnough && (direction === "both" || direction === dir);
  const pct = change === null ? "" : ` (${change >= 0 ? "+" : ""}${(change * 100).toFixed(1)} %)`;
  const why = fired
    ? ""
    : Math.abs(score) < threshold
      ? `, under the alert level of ${threshold}`
      : !bigEnough
        ? `, but under the least change worth an alert (±${Math.round(minEffect * 100)} %)`
        : `, the other way than the rule watches`;
  return {
    kind: "anomaly",
    fired,
    skipped: null,
    value,
    baseline: expected,
    spread,
    score,
    threshold,
    direction: dir,
    message: `${alertNumber(value)} vs a usual ${alertNumber(expected)}${pct}: ${Math.abs(score).toFixed(1)} robust standard deviations ${dir === "up" ? "above" : "below"}${why}`,
  };
}
