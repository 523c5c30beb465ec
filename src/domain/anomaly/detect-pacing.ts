import type { FlightPacing } from "../pacing/flight-pacing.js";
import { type AlertEvaluation, skippedEvaluation } from "./alert-evaluation.js";

/**
 * Fires when a flight is projected to overspend or underspend its budget beyond the pacing tolerance
 * (or has already overspent). Value and baseline are the projected end spend and the budget, in currency units.
 * @example detectPacing(flightPacing({ … }), { watch: "overspend" }).fired
 */
export function detectPacing(pacing: FlightPacing, rule: { watch?: "overspend" | "underspend" | "both" } = {}): AlertEvaluation {
  const watch = rule.watch ?? "both";
  const projected = Number(pacing.projectedEndSpend) / 1e6;
  const budget = projected - Number(pacing.projectedOverBudget) / 1e6;
  if (pacing.status === "not-started") return skippedEvaluation("pacing", "no-value", pacing.message);
  const over = pacing.status === "overspending" || pacing.status === "overspent";
  const under = pacing.status === "underspending";
  const fired = (over && watch !== "underspend") || (under && watch !== "overspend");
  return {
    kind: "pacing",
    fired,
    skipped: null,
    value: projected,
    baseline: budget,
    spread: null,
    score: budget > 0 ? projected / budget - 1 : null,
    threshold: null,
    direction: over ? "up" : under ? "down" : null,
    state: pacing.status,
    message: pacing.message,
  };
}
