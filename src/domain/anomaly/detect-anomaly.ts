import { type AlertEvaluation, skippedEvaluation } from "./alert-evaluation.js";
import { robustBaseline } from "./robust-baseline.js";

export interface AnomalyRule {
  /** Robust z-score beyond which the day is anomalous (default 4). */
  threshold?: number;
  /** Which way counts: "up" (e.g. CPI spikes), "down" (delivery drops) or "both" (default). */
  direction?: "up" | "down" | "both";
  /** Fewest history values needed (default 4). */
  minHistory?: number;
  /** Minimum volume: a ratio metric is skipped when today's volume is below it; a count metric when its baseline is. */
  minVolume?: number;
  /** The spread is at least this share of the baseline (default 0.05), so a very steady history does not flag noise. */
  minRelativeSpread?: number;
  /** The spread is at least this, in the metric's unit (default 0): for values near zero, where a share of the baseline is no floor. */
  minSpread?: number;
}

export interface AnomalyInput {
  value: number | null;
  /** Past values on the same weekday (see sameWeekdayHistory). */
  history: readonly number[];
  /** Today's denominator volume for a ratio metric (impressions for CPI); omit for count metrics. */
  volume?: number;
}

/**
 * Flags a day whose value is far from its seasonal baseline: score = (value − median)/spread with the
 * median and MAD over the same weekday of past weeks, the spread floored at a share of the median.
 * @example detectAnomaly({ value: 2000, history: [1000, 1030, 980, 1010, 995] }) // { fired: true, score: 20, direction: "up", … }
 */
export function detectAnomaly(input: AnomalyInput, rule: AnomalyRule = {}): AlertEvaluation {
  const threshold = rule.threshold ?? 4;
  const direction = rule.direction ?? "both";
  const minHistory = rule.minHistory ?? 4;
  const minVolume = rule.minVolume ?? 0;
  const floor = rule.minRelativeSpread ?? 0.05;
  const { value, history, volume } = input;
  if (value === null || !Number.isFinite(value)) return skippedEvaluation("anomaly", "no-value", "no value today (e.g. a ratio with a zero denominator)");
  if (history.length < minHistory) {
    return skippedEvaluation("anomaly", "insufficient-history", `only ${history.length} past value(s) on this weekday; ${minHistory} needed`, value);
  }
  const b = robustBaseline(history);
  // Without a volume the baseline's size is the volume: |median|, so a series of negative values (a signed gap) is not "low".
  const v = volume !== undefined ? volume : Math.abs(b.median);
  if (v < minVolume) {
    return skippedEvaluation("anomaly", "low-volume", `volume ${fmt(v)} is below the minimum ${fmt(minVolume)}`, value);
  }
  const spread = Math.max(b.spread, floor * Math.abs(b.median), rule.minSpread ?? 0, Number.MIN_VALUE);
  const score = (value - b.median) / spread;
  const dir = score >= 0 ? "up" : "down";
  const fired = Math.abs(score) >= threshold && (direction === "both" || direction === dir);
  const change = b.median !== 0 ? ` (${score >= 0 ? "+" : ""}${(((value - b.median) / Math.abs(b.median)) * 100).toFixed(1)} %)` : "";
  return {
    kind: "anomaly",
    fired,
    skipped: null,
    value,
    baseline: b.median,
    spread,
    score,
    threshold,
    direction: dir,
    message: `${fmt(value)} vs a usual ${fmt(b.median)}${change}: ${Math.abs(score).toFixed(1)} robust standard deviations ${dir === "up" ? "above" : "below"}${
      fired ? "" : `, under the alert level of ${threshold}`
    }`,
  };
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(4)).toString();
}
