// A rule judged scope by scope on data read once for a window of days: what a check asks for one
// day and a backtest for every day of its range.
import type { AlertEvaluation } from "../../domain/anomaly/index.js";
import { addDays, type IsoDate } from "../../domain/dates.js";
import { TRACKED_SOURCE } from "../../query/events-sql.js";

/** One scope of a rule, judged on any day of the window it was read for. */
export interface ScopeJudge {
  scope: Record<string, string>;
  label: string;
  /** The window's days, index 0 first. */
  days: IsoDate[];
  /** What the rule says as of day index i. */
  judge(i: number): AlertEvaluation;
  /** The discrepancy: reported and tracked impressions on day i. */
  counts?(i: number): { reported: number; tracked: number };
}

export interface RuleJudges {
  scopes: ScopeJudge[];
  warnings: string[];
}

/** What every rule of a check or backtest shares. */
export interface JudgeContext {
  /** Sources with any reported row, per day of the window: a scope whose platform has not exported a day yet is not judged on it. */
  sourcesByDay: ReadonlyMap<IsoDate, ReadonlySet<string>>;
  /** Why a campaign is not expected to deliver on a day (its contract or flight ended), or null. */
  ended: (campaign: string, placement: string | null, day: IsoDate) => string | null;
}

/** A context for rules that judge no campaign's delivery (and for tests): every source present, nothing ended. */
export function openContext(): JudgeContext {
  return { sourcesByDay: new Map(), ended: () => null };
}

/** The days of a window, `from` to `to`. @example windowDays("2026-10-01", "2026-10-03") // ["2026-10-01", "2026-10-02", "2026-10-03"] */
export function windowDays(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Reported sources the scope delivered through in the week before day i that have no row at all on day i. */
export function missingSources(sourcesPerDay: readonly ReadonlySet<string>[], i: number, day: IsoDate, ctx: JudgeContext): string[] {
  const onDay = ctx.sourcesByDay.get(day);
  if (onDay === undefined && ctx.sourcesByDay.size === 0) return [];
  const recent = new Set<string>();
  for (let k = Math.max(0, i - 7); k < i; k++) for (const src of sourcesPerDay[k] ?? []) recent.add(src);
  return [...recent].filter((src) => src !== TRACKED_SOURCE && !onDay?.has(src)).sort();
}
