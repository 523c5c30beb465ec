import { type AlertEvaluation, skippedEvaluation } from "./alert-evaluation.js";
import { median } from "./robust-baseline.js";

/**
 * Fires when a scope that normally delivers (median of its history ≥ minExpected, default 100
 * impressions) delivered nothing today.
 * @example detectZeroDelivery({ value: 0, history: [5200, 4900, 5100, 5000] }).fired // true
 */
export function detectZeroDelivery(
  input: { value: number | null; history: readonly number[] },
  rule: { minExpected?: number; minHistory?: number } = {},
): AlertEvaluation {
  const minExpected = rule.minExpected ?? 100;
  const minHistory = rule.minHistory ?? 3;
  const value = input.value ?? 0; // a scope with no row today delivered nothing
  if (input.history.length < minHistory) {
    return skippedEvaluation("zero-delivery", "insufficient-history", `only ${input.history.length} past value(s); ${minHistory} needed`, value);
  }
  const expected = median(input.history);
  if (expected < minExpected) {
    return skippedEvaluation("zero-delivery", "low-volume", `usually ${expected}, below the minimum ${minExpected} worth alerting on`, value);
  }
  const fired = value <= 0;
  return {
    kind: "zero-delivery",
    fired,
    skipped: null,
    value,
    baseline: expected,
    spread: null,
    score: null,
    threshold: 0,
    direction: fired ? "down" : null,
    message: fired ? `delivered nothing today; it usually delivers ${Math.round(expected)}` : `delivered ${value}`,
  };
}
