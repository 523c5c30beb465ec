// Anomaly, threshold and zero-delivery rules on a catalogue metric: one report by [...by, source, day]
// over the window, judged per scope and day.
import { type AlertEvaluation, detectAnomaly, detectThreshold, detectZeroDelivery, historyBefore, median, sameWeekdayHistory, skippedEvaluation } from "../../domain/anomaly/index.js";
import { addDays, type IsoDate } from "../../domain/dates.js";
import { METRICS, type MetricName } from "../../domain/metrics.js";
import { type EntityDimension, type Filter, parseFilter } from "../../domain/query.js";
import { includesTracked, TRACKED_SOURCE } from "../../query/events-sql.js";
import type { Store } from "../../store/store.js";
import { ADDITIVE_METRICS, type AlertRule, type AnomalyRule, type ThresholdRule, type ZeroDeliveryRule } from "./alert-rule.js";
import { dailySeries, metricSeries, type ScopeSeries } from "./daily-series.js";
import { EPISODE_DAYS, scopeLabel } from "./episode.js";
import { type JudgeContext, missingSources, type RuleJudges, type ScopeJudge } from "./scope-judge.js";

type MetricRule = AnomalyRule | ThresholdRule | ZeroDeliveryRule;

/**
 * The rule's filters, with source=tracked added for invalid_rate (only tracked events measure it).
 * @example ruleFilters(rule) // [{ dimension: "campaign", op: "eq", values: ["Brand"] }]
 */
export function ruleFilters(rule: AlertRule): Filter[] {
  const filters = rule.where.map(parseFilter);
  if (rule.kind !== "pacing" && rule.metric === "invalid_rate" && !includesTracked(filters)) filters.push({ dimension: "source", op: "eq", values: [TRACKED_SOURCE] });
  return filters;
}

/**
 * Judges for every scope of a metric rule over `from` … `to` (one report query): the series start the
 * rule's history (its weeks) and EPISODE_DAYS before `from`.
 * @example (await metricRuleJudges(store, rule, "2026-10-14", "2026-10-14", ctx)).scopes.length // one per campaign
 */
export async function metricRuleJudges(store: Store, rule: MetricRule, from: IsoDate, to: IsoDate, ctx: JudgeContext): Promise<RuleJudges> {
  const metric = rule.metric as MetricName;
  const weeks = rule.kind === "threshold" ? 1 : rule.weeks;
  const start = addDays(from, -(weeks * 7 + EPISODE_DAYS));
  const money = METRICS[metric].unit === "money" || metric === "roas";
  // Money without a target currency: each currency is its own scope (a CPI in EUR is judged against EUR days).
  const by = rule.by as EntityDimension[];
  const scopeBy: EntityDimension[] = money && !rule.currency && !by.includes("currency") ? [...by, "currency"] : by;
  const { series, rangedRows } = await dailySeries(store, {
    metrics: [metric],
    by: scopeBy,
    filters: ruleFilters(rule),
    from: start,
    to,
    // Counts and rates need no currency: fold currencies away instead of failing on a mixed store.
    foldCurrency: !money && !rule.currency,
    ...(rule.timezone ? { timezone: rule.timezone } : {}),
    ...(rule.currency ? { currency: rule.currency } : {}),
  });
  if (scopeBy !== by && new Set(series.map((s) => s.scope.currency)).size <= 1) {
    for (const s of series) delete s.scope.currency; // one currency: naming it adds nothing
  }
  const warnings = rangedRows > 0 ? [`rule ${rule.id}: ${rangedRows} row(s) covering several days left out (alerts need daily rows)`] : [];
  return { scopes: series.map((s) => scopeJudge(rule, s, ctx)), warnings };
}

function scopeJudge(rule: MetricRule, s: ScopeSeries, ctx: JudgeContext): ScopeJudge {
  const values = metricSeries(s, rule.metric as MetricName);
  const impressions = metricSeries(s, "impressions");
  const detect = detectorAt(rule, values, impressions);
  const campaign = s.scope.campaign ?? singleValue(rule, "campaign");
  const placement = s.scope.placement ?? singleValue(rule, "placement");
  return {
    scope: s.scope,
    label: scopeLabel(rule, s.scope),
    days: s.days,
    judge(i) {
      const day = s.days[i] as IsoDate;
      const waiting = missingSources(s.sources, i, day, ctx);
      if (rule.kind === "zero-delivery" && campaign !== null && (values[i] ?? 0) <= 0) {
        // A campaign whose contract or flight is over is not "stopped delivering" (checked before a late export: it is not coming).
        const ended = ctx.ended(campaign, placement, day);
        if (ended) return skippedEvaluation(rule.kind, "ended", `not expected to deliver: ${ended}`);
      }
      if (waiting.length > 0) {
        return skippedEvaluation(rule.kind, "no-value", `no data from ${waiting.join(", ")} for ${day} yet (import it, or check an earlier --date)`);
      }
      return detect(i);
    },
  };
}

/** The one value a rule's `where` gives a dimension (campaign=Brand), or null. */
function singleValue(rule: AlertRule, dimension: string): string | null {
  for (const w of rule.where) {
    const f = parseFilter(w);
    if (f.dimension === dimension && f.op === "eq" && f.values.length === 1) return f.values[0] as string;
  }
  return null;
}

/** The detector of a metric rule at day index i of a scope's series. */
function detectorAt(rule: MetricRule, values: (number | null)[], impressions: (number | null)[]): (i: number) => AlertEvaluation {
  const additive = ADDITIVE_METRICS.has(rule.metric as MetricName);
  if (rule.kind === "anomaly") {
    return (i) => {
      const usual = median(sameWeekdayHistory(impressions, i, rule.weeks));
      const volume = additive ? (Number.isFinite(usual) ? usual : 0) : (impressions[i] ?? 0);
      return detectAnomaly(
        { value: values[i] ?? null, history: historyBefore(values, i, rule.weeks), volume },
        { threshold: rule.score, direction: rule.direction, minHistory: rule.min_history, minVolume: rule.min_impressions, minEffect: rule.min_effect },
      );
    };
  }
  if (rule.kind === "threshold") {
    return (i) => {
      const v = detectThreshold(
        { value: values[i] ?? null, ...(additive ? {} : { volume: impressions[i] ?? 0 }) },
        { operator: rule.operator, threshold: rule.value, minVolume: rule.min_impressions },
      );
      if (v.skipped || v.value === null) return v;
      const unit = METRICS[rule.metric as MetricName].unit;
      return { ...v, message: `${rule.metric} ${readable(v.value, unit)} ${v.fired ? "is" : "is not"} ${rule.operator} ${readable(rule.value, unit)}` };
    };
  }
  return (i) => {
    if (values[i] === null || values[i] === undefined) return skippedEvaluation("zero-delivery", "no-value", "not delivering yet");
    const measure = METRICS[rule.metric].unit === "money" ? "money" : { count: rule.metric.replace(/_/g, " ") };
    return detectZeroDelivery({ value: values[i] ?? null, history: sameWeekdayHistory(values, i, rule.weeks) }, { minExpected: rule.min_expected, measure });
  };
}

/** A value as a person reads it: 20.3833649 → "20.38", 48213.7 → "48,214", a CTR of 0.006556 → "0.66 %". */
function readable(v: number, unit?: string): string {
  if (unit === "percent") return `${Number((v * 100).toPrecision(3))} %`;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(4)).toString();
}
