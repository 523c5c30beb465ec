// What makes an alert the same alert on a later day: its scope, and the first day of the run of days
// in the same state (an episode).
import type { AlertEvaluation } from "../../domain/anomaly/index.js";
import type { AlertRule } from "./alert-rule.js";

/** Days looked back for the start of an episode. */
export const EPISODE_DAYS = 14;

/**
 * "campaign=Launch Q4" for a grouped rule, else its filters, else "everything".
 * @example scopeLabel(rule, { campaign: "Launch Q4" }) // "campaign=Launch Q4"
 */
export function scopeLabel(rule: AlertRule, scope: Record<string, string>): string {
  const parts = Object.entries(scope).map(([d, v]) => `${d}=${v || "(none)"}`);
  if (parts.length > 0) return parts.join(", ");
  return rule.where.length > 0 ? rule.where.join(", ") : "everything";
}

/**
 * The state that makes consecutive fired days one alert: the pacing status, else the direction.
 * @example episodeState(detectPacing(p)) // "overspending"
 */
export function episodeState(e: AlertEvaluation): string {
  return e.state ?? e.direction ?? "fired";
}

/**
 * The first day index of the run of days, ending at day index T (which fired), on which the detector
 * fired in the same state; `open` when the run reaches back beyond the EPISODE_DAYS looked at (an
 * alert recorded earlier may have opened it).
 * @example episodeStart((i) => judge(i), 20) // { start: 18, open: false }: fired on days 18, 19 and 20
 */
export function episodeStart(judge: (i: number) => AlertEvaluation, T: number): { start: number; open: boolean } {
  const state = episodeState(judge(T));
  let start = T;
  for (;;) {
    if (start <= Math.max(0, T - EPISODE_DAYS)) return { start, open: true };
    const prev = judge(start - 1);
    if (!prev.fired || episodeState(prev) !== state) return { start, open: false };
    start--;
  }
}
