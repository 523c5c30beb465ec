import {
  type AlertEvaluation,
  detectAnomaly,
  detectThreshold,
  detectZeroDelivery,
  median,
  sameWeekdayHistory,
  skippedEvaluation,
} from "../../domain/anomaly/index.js";
import { addDays, type IsoDate } from "../../domain/dates.js";
import { METRICS, type MetricName } from "../../domain/metrics.js";
import { type EntityDimension, type Filter, parseFilter } from "../../domain/query.js";
import { includesTracked, TRACKED_SOURCE } from "../../query/events-sql.js";
import type { Store } from "../../store/store.js";
import { ADDITIVE_METRICS, type AlertRule, type AnomalyRule, type ThresholdRule, type ZeroDeliveryRule } from "./alert-rule.js";
import { dailySeries, metricSeries, type ScopeSeries } from "./daily-series.js";
import { evaluateDiscrepancyRule, isDiscrepancyRule } from "./discrepancy-rule.js";
import { EPISODE_DAYS, episodeStart, scopeLabel } from "./episode.js";
import { evaluatePacingRule } from "./pacing-rule.js";

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

/** What every rule of one check shares. */
export interface EvaluationContext {
  day: IsoDate;
  /** Sources with any reported row on `day`: a scope whose platform has not exported the day yet is not judged. */
  sourcesOnDay: ReadonlySet<string>;
}

/**
 * Judges a rule on every scope it covers for the context's day (one report query per rule), with the
 * numbers behind each verdict.
 * @example (await evaluateRule(store, rule, { day: "2026-10-14", sourcesOnDay })).evaluations.filter((e) => e.evaluation.fired)
 */
export async function evaluateRule(store: Store, rule: AlertRule, ctx: EvaluationContext): Promise<{ evaluations: ScopeEvaluation[]; warnings: string[] }> {
  if (rule.kind === "pacing") return evaluatePacingRule(store, rule, ctx.day);
  if (isDiscrepancyRule(rule)) return evaluateDiscrepancyRule(store, rule, ctx);
  const metric = rule.metric as MetricName;
  const filters = ruleFilters(rule);
  const weeks = rule.kind === "threshold" ? 1 : rule.weeks;
  const from = addDays(ctx.day, -(weeks * 7 + EPISODE_DAYS));
  const money = METRICS[metric].unit === "money" || metric === "roas";
  // Money without a target currency: each currency is its own scope (a CPI in EUR is judged against EUR days).
  const by = rule.by as EntityDimension[];
  const scopeBy: EntityDimension[] = money && !rule.currency && !by.includes("currency") ? [...by, "currency"] : by;
  const { series, rangedRows } = await dailySeries(store, {
    metrics: [metric],
    by: scopeBy,
    filters,
    from,
    to: ctx.day,
    // Counts and rates need no currency: fold currencies away instead of failing on a mixed store.
    foldCurrency: !money && !rule.currency,
    ...(rule.timezone ? { timezone: rule.timezone } : {}),
    ...(rule.currency ? { currency: rule.currency } : {}),
  });
  if (scopeBy !== by && new Set(series.map((s) => s.scope.currency)).size <= 1) {
    for (const s of series) delete s.scope.currency; // one currency: naming it adds nothing
  }
  const warnings = rangedRows > 0 ? [`rule ${rule.id}: ${rangedRows} row(s) covering several days left out (alerts need daily rows)`] : [];
  const evaluations = series.map((s) => evaluateScope(rule, s, ctx));
  return { evaluations, warnings };
}

/** The rule's filters, with source=tracked added for invalid_rate (only tracked events measure it). */
export function ruleFilters(rule: AlertRule): Filter[] {
  const filters = rule.where.map(parseFilter);
  if (rule.kind !== "pacing" && rule.metric === "invalid_rate" && !includesTracked(filters)) filters.push({ dimension: "source", op: "eq", values: [TRACKED_SOURCE] });
  return filters;
}

function evaluateScope(rule: AnomalyRule | ThresholdRule | ZeroDeliveryRule, s: ScopeSeries, ctx: EvaluationContext): ScopeEvaluation {
  const T = s.days.length - 1;
  const base = { rule, scope: s.scope, scopeLabel: scopeLabel(rule, s.scope), day: ctx.day, since: null, state: null };
  const waiting = missingSources(s, T, ctx.sourcesOnDay);
  if (waiting.length > 0) {
    return { ...base, evaluation: skippedEvaluation(rule.kind, "no-value", `no data from ${waiting.join(", ")} for ${ctx.day} yet (import it, or check an earlier --date)`) };
  }
  const values = metricSeries(s, rule.metric as MetricName);
  const impressions = metricSeries(s, "impressions");
  const judge = judgeAt(rule, values, impressions);
  const evaluation = judge(T);
  if (!evaluation.fired) return { ...base, evaluation };
  let start = T;
  let open = false;
  if (rule.kind === "zero-delivery") {
    while (start > 0 && values[start - 1] === 0) start--;
    open = start === 0;
  } else ({ start, open } = episodeStart(judge, T));
  return { ...base, evaluation, since: s.days[start] ?? ctx.day, state: evaluation.direction ?? "fired", ...(open ? { sinceOpen: true } : {}) };
}

/** The detector of a metric rule at day index i of a scope's series. */
function judgeAt(rule: AnomalyRule | ThresholdRule | ZeroDeliveryRule, values: (number | null)[], impressions: (number | null)[]): (i: number) => AlertEvaluation {
  const additive = ADDITIVE_METRICS.has(rule.metric as MetricName);
  if (rule.kind === "anomaly") {
    return (i) => {
      const history = sameWeekdayHistory(values, i, rule.weeks);
      const usual = median(sameWeekdayHistory(impressions, i, rule.weeks));
      const volume = additive ? (Number.isFinite(usual) ? usual : 0) : (impressions[i] ?? 0);
      return detectAnomaly(
        { value: values[i] ?? null, history, volume },
        { threshold: rule.score, direction: rule.direction, minHistory: rule.minHistory, minVolume: rule.minImpressions },
      );
    };
  }
  if (rule.kind === "threshold") {
    return (i) => {
      const v = detectThreshold(
        { value: values[i] ?? null, ...(additive ? {} : { volume: impressions[i] ?? 0 }) },
        { operator: rule.operator, threshold: rule.value, minVolume: rule.minImpressions },
      );
      if (v.skipped || v.value === null) return v;
      const unit = METRICS[rule.metric as MetricName].unit;
      return { ...v, message: `${rule.metric} ${readable(v.value, unit)} ${v.fired ? "is" : "is not"} ${rule.operator} ${readable(rule.value, unit)}` };
    };
  }
  return (i) => {
    if (values[i] === null || values[i] === undefined) return skippedEvaluation("zero-delivery", "no-value", "not delivering yet");
    const measure = METRICS[rule.metric].unit === "money" ? "money" : { count: rule.metric.replace(/_/g, " ") };
    return detectZeroDelivery({ value: values[i] ?? null, history: sameWeekdayHistory(values, i, rule.weeks) }, { minExpected: rule.minExpected, measure });
  };
}

/** Reported sources the scope delivered through in the last week that have no row at all on the day. */
function missingSources(s: ScopeSeries, T: number, onDay: ReadonlySet<string>): string[] {
  const recent = new Set<string>();
  for (let i = Math.max(0, T - 7); i < T; i++) for (const src of s.sources[i] ?? []) recent.add(src);
  return [...recent].filter((src) => src !== TRACKED_SOURCE && !onDay.has(src)).sort();
}

/** A value as a person reads it: 20.3833649 → "20.38", 48213.7 → "48,214", a CTR of 0.006556 → "0.66 %". */
function readable(v: number, unit?: string): string {
  if (unit === "percent") return `${Number((v * 100).toPrecision(3))} %`;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(4)).toString();
}
