import { type AlertEvaluation, skippedEvaluation } from "./alert-evaluation.js";

export type ThresholdOperator = ">" | ">=" | "<" | "<=";

/**
 * Fires when a value crosses a fixed limit (e.g. CPM > 15), optionally only above a minimum volume.
 * @example detectThreshold({ value: 16.2 }, { operator: ">", threshold: 15 }).fired // true
 */
export function detectThreshold(
  input: { value: number | null; volume?: number },
  rule: { operator: ThresholdOperator; threshold: number; minVolume?: number },
): AlertEvaluation {
  const { value, volume } = input;
  if (value === null || !Number.isFinite(value)) return skippedEvaluation("threshold", "no-value", "no value today");
  if (volume !== undefined && volume < (rule.minVolume ?? 0)) {
    return skippedEvaluation("threshold", "low-volume", `volume ${volume} is below the minimum ${rule.minVolume}`, value);
  }
  const t = rule.threshold;
  const fired = rule.operator === ">" ? value > t : rule.operator === ">=" ? value >= t : rule.operator === "<" ? value < t : value <= t;
  return {
    kind: "threshold",
    fired,
    skipped: null,
    value,
    baseline: t,
    spread: null,
    score: null,
    threshold: t,
    direction: rule.operator.startsWith(">") ? "up" : "down",
    message: `${value} ${fired ? "is" : "is not"} ${rule.operator} ${t}`,
  };
}
