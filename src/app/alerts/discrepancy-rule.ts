// The tracked-vs-reported discrepancy as an alert metric: per scope and day, the relative gap
// (tracked − reported) ÷ reported between first-party impressions and the ones platforms or
// publishers reported, computed by findDiscrepancies (the same cells as `cpi discrepancy`).
import { type AlertEvaluation, detectAnomaly, detectThreshold, historyBefore, skippedEvaluation } from "../../domain/anomaly/index.js";
import { addDays, daysBetweenInclusive, type IsoDate } from "../../domain/dates.js";
import { parseFilter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { findDiscrepancies } from "../track/discrepancy.js";
import { type AlertRule, type AnomalyRule, DISCREPANCY_METRIC, type ThresholdRule } from "./alert-rule.js";
import { EPISODE_DAYS, scopeLabel } from "./episode.js";
import type { RuleJudges } from "./scope-judge.js";

/** An anomaly or threshold rule on the tracked-vs-reported discrepancy. */
export type DiscrepancyRule = (AnomalyRule | ThresholdRule) & { metric: typeof DISCREPANCY_METRIC };

/** The dimensions a discrepancy rule may judge separately (`by`): the cells of `cpi discrepancy`. */
export const DISCREPANCY_DIMENSIONS: readonly string[] = ["campaign", "placement"];

/**
 * The least spread of the daily gap's baseline: one percentage point. Two counts of the same deliveries
 * differ by a point or so from day to day; without a floor a very steady history (−2.0 % every day)
 * would make a −2.6 % day an anomaly. (The usual floor, a share of the median, is none near 0 %.)
 */
export const DISCREPANCY_MIN_SPREAD = 0.01;

/**
 * Whether a rule watches the tracked-vs-reported discrepancy.
 * @example isDiscrepancyRule({ id: "tag-gap", kind: "threshold", metric: "discrepancy", … }) // true
 */
export function isDiscrepancyRule(rule: AlertRule): rule is DiscrepancyRule {
  return (rule.kind === "anomaly" || rule.kind === "threshold") && rule.metric === DISCREPANCY_METRIC;
}

/** One scope's reported and tracked impressions per day of a window (index 0 = its first day). */
export interface DiscrepancySeries {
  /** The rule's `by` values ({} when it has none). */
  scope: Record<string, string>;
  days: IsoDate[];
  reported: number[];
  tracked: number[];
}

/**
 * Reported and tracked impressions per scope (the rule's `by`: campaign, placement) and day, summed
 * over the cells of findDiscrepancies: the rule's `where` filters the reported side, its campaign and
 * placement filters apply to both, tracked events are counted in the rule's `timezone`. Only campaigns
 * both tracked and reported in the window appear; reported rows covering several days are left out
 * (and counted: alerts need daily rows).
 * @example (await discrepancySeries(store, rule, "2026-10-01", "2026-10-21")).series[0].reported // [10000, 10200, …]
 */
export async function discrepancySeries(store: Store, rule: DiscrepancyRule, from: IsoDate, to: IsoDate): Promise<{ series: DiscrepancySeries[]; rangedRows: number }> {
  const cells = await findDiscrepancies(store, { from, to, tolerance: 0, filters: rule.where.map(parseFilter), ...(rule.timezone ? { timezone: rule.timezone } : {}) });
  const n = daysBetweenInclusive(from, to);
  const days = Array.from({ length: n }, (_, i) => addDays(from, i));
  const byKey = new Map<string, DiscrepancySeries>();
  let rangedRows = 0;
  for (const c of cells) {
    if (c.day.includes("..")) {
      rangedRows++;
      continue;
    }
    const i = daysBetweenInclusive(from, c.day) - 1;
    if (i < 0 || i >= n) continue;
    const scope = Object.fromEntries(rule.by.map((d) => [d, d === "campaign" ? c.campaign : c.placement]));
    const key = JSON.stringify(scope);
    let s = byKey.get(key);
    if (!s) {
      s = { scope, days, reported: new Array(n).fill(0), tracked: new Array(n).fill(0) };
      byKey.set(key, s);
    }
    s.reported[i] = (s.reported[i] ?? 0) + c.reported;
    s.tracked[i] = (s.tracked[i] ?? 0) + c.tracked;
  }
  const series = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  return { series, rangedRows };
}

/**
 * Judges for every scope of a discrepancy rule over `from` … `to`. A threshold rule holds the size of
 * the gap, |tracked − reported| ÷ reported, against its value (`--above 0.1`: beyond ±10 %, either
 * way); an anomaly rule holds the signed gap against what the weeks before it make usual.
 * The alert's direction is the gap's sign: up = tracked more than reported, down = fewer.
 * @example (await discrepancyRuleJudges(store, rule, "2026-10-14", "2026-10-14")).scopes[0].counts?.(20) // { reported: 10000, tracked: 7000 }
 */
export async function discrepancyRuleJudges(store: Store, rule: DiscrepancyRule, from: IsoDate, to: IsoDate): Promise<RuleJudges> {
  const weeks = rule.kind === "threshold" ? 1 : rule.weeks;
  const start = addDays(from, -(weeks * 7 + EPISODE_DAYS));
  const { series, rangedRows } = await discrepancySeries(store, rule, start, to);
  const warnings = rangedRows > 0 ? [`rule ${rule.id}: ${rangedRows} reported row(s) covering several days left out (alerts need daily rows)`] : [];
  const scopes = series.map((s) => ({
    scope: s.scope,
    label: scopeLabel(rule, s.scope),
    days: s.days,
    judge: judgeAt(rule, s),
    counts: (i: number) => ({ reported: s.reported[i] ?? 0, tracked: s.tracked[i] ?? 0 }),
  }));
  return { scopes, warnings };
}

/** The detector of a discrepancy rule at day index i of a scope's series. */
function judgeAt(rule: DiscrepancyRule, s: DiscrepancySeries): (i: number) => AlertEvaluation {
  const gaps = s.reported.map((r, i) => (r > 0 ? ((s.tracked[i] ?? 0) - r) / r : null));
  const what = (i: number) => `tracked ${count(s.tracked[i] ?? 0)} vs reported ${count(s.reported[i] ?? 0)} impressions: a gap of ${percent(gaps[i] ?? 0)}`;
  const noValue = (i: number): AlertEvaluation => {
    const tracked = s.tracked[i] ?? 0;
    return skippedEvaluation(rule.kind, "no-value", tracked > 0 ? `nothing reported for this day yet (tracked ${count(tracked)}): import the report, or check an earlier --date` : "nothing reported or tracked on this day");
  };
  const lowVolume = (i: number, v: AlertEvaluation): AlertEvaluation =>
    v.skipped === "low-volume" ? { ...v, message: `only ${count(s.reported[i] ?? 0)} reported impressions; the rule needs ${count(rule.min_impressions)}` } : v;
  if (rule.kind === "threshold") {
    return (i) => {
      const gap = gaps[i] ?? null;
      if (gap === null) return noValue(i);
      const v = detectThreshold({ value: Math.abs(gap), volume: s.reported[i] ?? 0 }, { operator: rule.operator, threshold: rule.value, minVolume: rule.min_impressions });
      if (v.skipped) return lowVolume(i, { ...v, value: gap });
      const above = rule.operator.startsWith(">");
      const beyond = v.fired === above;
      return {
        ...v,
        value: gap,
        // Above a limit: the gap's side tells one episode from another; below one: "within" has no side.
        direction: above ? (gap >= 0 ? "up" : "down") : "down",
        message: `${what(i)}, ${beyond ? "beyond" : "within"} the tolerance of ±${percent(rule.value, false)}`,
      };
    };
  }
  return (i) => {
    const gap = gaps[i] ?? null;
    if (gap === null) return noValue(i);
    const a = detectAnomaly(
      { value: gap, history: historyBefore(gaps, i, rule.weeks), volume: s.reported[i] ?? 0 },
      {
        threshold: rule.score,
        direction: rule.direction,
        minHistory: rule.min_history,
        minVolume: rule.min_impressions,
        minEffect: rule.min_effect,
        minRelativeSpread: 0,
        minSpread: DISCREPANCY_MIN_SPREAD,
        log: false,
      },
    );
    if (a.skipped || a.baseline === null || a.score === null) return lowVolume(i, a);
    const how = `${Math.abs(a.score).toFixed(1)} robust standard deviations ${a.score >= 0 ? "above" : "below"}`;
    return { ...a, message: `${what(i)} against a usual ${percent(a.baseline)}: ${how}${a.fired ? "" : `, under the alert level of ${rule.score}`}` };
  };
}

/** 7000 → "7,000". */
function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** −0.3 → "−30.0 %" (with its sign when `signed`). */
function percent(v: number, signed = true): string {
  const p = `${(Math.abs(v) * 100).toFixed(1)} %`;
  return signed ? `${v < 0 ? "-" : v > 0 ? "+" : ""}${p}` : p;
}
