import { type AlertEvaluation, alertNumber, skippedEvaluation } from "./alert-evaluation.js";
import { median } from "./seasonal-baseline.js";

/** What a zero-delivery rule counts: a measure in plural ("impressions", the default), or money spent. */
export type DeliveryMeasure = { count: string } | "money";

/** "3,614 impressions", "1 click", or an amount of money as it is. */
function amountOf(v: number, measure: DeliveryMeasure): string {
  if (measure === "money") return alertNumber(v);
  return `${alertNumber(v)} ${v === 1 ? measure.count.replace(/s$/, "") : measure.count}`;
}

/**
 * Fires when a scope that normally delivers (median of its history ≥ minExpected, default 100
 * impressions) delivered nothing today.
 * @example detectZeroDelivery({ value: 0, history: [5200, 4900, 5100, 5000] }).message // "delivered nothing today; it usually delivers 5,050 impressions"
 */
export function detectZeroDelivery(
  input: { value: number | null; history: readonly number[] },
  rule: { minExpected?: number; minHistory?: number; measure?: DeliveryMeasure } = {},
): AlertEvaluation {
  const minExpected = rule.minExpected ?? 100;
  const minHistory = rule.minHistory ?? 3;
  const measure = rule.measure ?? { count: "impressions" };
  const value = input.value ?? 0; // a scope with no row today delivered nothing
  if (input.history.length < minHistory) {
    return skippedEvaluation("zero-delivery", "insufficient-history", `only ${input.history.length} past value(s); ${minHistory} needed`, value);
  }
  const expected = median(input.history);
  if (expected < minExpected) {
    return skippedEvaluation("zero-delivery", "low-volume", `usually ${amountOf(expected, measure)}, below the minimum ${alertNumber(minExpected)} worth alerting on`, value);
  }
  const fired = value <= 0;
  const [did, does] = measure === "money" ? ["spent", "spends"] : ["delivered", "delivers"];
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
    message: fired ? `${did} nothing today; it usually ${does} ${amountOf(expected, measure)}` : `${did} ${amountOf(value, measure)}`,
  };
}
