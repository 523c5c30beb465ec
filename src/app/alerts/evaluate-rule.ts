import type { AlertEvaluation } from "../../domain/anomaly/index.js";
import type { IsoDate } from "../../domain/dates.js";
import type { Store } from "../../store/store.js";
import type { AlertRule } from "./alert-rule.js";
import { episodeStart, episodeState } from "./episode.js";
import { ruleJudges } from "./rule-judges.js";
import type { JudgeContext, ScopeJudge } from "./scope-judge.js";

/** One rule judged on one scope and day. */
export interface ScopeEvaluation {
  rule: AlertRule;
  scope: Record<string, string>;
  scopeLabel: string;
  day: IsoDate;
  evaluation: AlertEvaluation;
  /** When fired: the first day of the run of consecutive days in the same state (one alert per episode). */
  since: IsoDate | null;
  /** When fired: what makes this alert the same alert on a later day (direction, pacing status). */
  state: string | null;
  /** True when the episode reaches back beyond the days looked at: an alert recorded earlier may have opened it. */
  sinceOpen?: boolean;
  /** The discrepancy's impressions on the day: reported by the platforms or publishers, and tracked. */
  counts?: { reported: number; tracked: number };
}

/**
 * A scope's verdict on day index i of its window, with the first day of its episode when it fired.
 * @example scopeEvaluation(rule, judge, judge.days.length - 1).since // "2026-10-13"
 */
export function scopeEvaluation(rule: AlertRule, s: ScopeJudge, i: number): ScopeEvaluation {
  const evaluation = s.judge(i);
  const day = s.days[i] as IsoDate;
  const base = { rule, scope: s.scope, scopeLabel: s.label, day, evaluation, since: null, state: null, ...(s.counts ? { counts: s.counts(i) } : {}) };
  if (!evaluation.fired) return base;
  const { start, open } = episodeStart((k) => s.judge(k), i);
  return { ...base, since: s.days[start] ?? day, state: episodeState(evaluation), ...(open ? { sinceOpen: true } : {}) };
}

/**
 * Judges a rule on every scope it covers for one day (one report query per rule), with the numbers
 * behind each verdict and, for what fired, the first day of its episode.
 * @example (await evaluateRule(store, rule, "2026-10-14", ctx)).evaluations.filter((e) => e.evaluation.fired)
 */
export async function evaluateRule(store: Store, rule: AlertRule, day: IsoDate, ctx: JudgeContext): Promise<{ evaluations: ScopeEvaluation[]; warnings: string[] }> {
  const { scopes, warnings } = await ruleJudges(store, rule, day, day, ctx);
  const evaluations = scopes.map((s) => scopeEvaluation(rule, s, s.days.length - 1));
  return { evaluations, warnings };
}
