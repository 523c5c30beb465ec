/** The kinds of alert rule cpi evaluates. */
export type AlertKind = "anomaly" | "threshold" | "zero-delivery" | "pacing";

/** Why a rule was not evaluated. */
export type SkipReason = "no-value" | "low-volume" | "insufficient-history" | "ended" | "grace";

/** The outcome of one rule on one scope and day, with the numbers behind it. */
export interface AlertEvaluation {
  kind: AlertKind;
  fired: boolean;
  skipped: SkipReason | null;
  /** Today's value. */
  value: number | null;
  /** What was expected (the seasonal median, the threshold, the budget…). */
  baseline: number | null;
  /** The spread of a normal day used to judge it (on a log scale, a share, for multiplicative metrics), when there is one. */
  spread: number | null;
  /** How unusual today is: robust standard deviations from the expected value for anomalies. */
  score: number | null;
  /** The limit the score or value was held against. */
  threshold: number | null;
  direction: "up" | "down" | null;
  /** What makes consecutive fired days the same alert when the direction does not say it all (a pacing status). */
  state?: string;
  message: string;
}

/**
 * An evaluation that did not run, with the reason.
 * @example skippedEvaluation("anomaly", "low-volume", "only 12 impressions a day; alerts need 100") // { fired: false, skipped: "low-volume", … }
 */
export function skippedEvaluation(kind: AlertKind, skipped: SkipReason, message: string, value: number | null = null): AlertEvaluation {
  return { kind, fired: false, skipped, value, baseline: null, spread: null, score: null, threshold: null, direction: null, message };
}

/**
 * A number as alert messages write it: grouped and whole from 100, else four significant digits.
 * @example alertNumber(3613.6) // "3,614"; alertNumber(0.0150004) // "0.015"
 */
export function alertNumber(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(4)).toString();
}
