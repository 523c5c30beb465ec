import { type AlertEvaluation, detectPacing, skippedEvaluation } from "../../domain/anomaly/index.js";
import { addDays, daysBetweenInclusive, type IsoDate } from "../../domain/dates.js";
import { parseMicros } from "../../domain/money.js";
import { flightPacing } from "../../domain/pacing/index.js";
import { parseFilter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import type { PacingRule } from "./alert-rule.js";
import { dailySeries } from "./daily-series.js";
import type { ScopeEvaluation } from "./evaluate-rule.js";

/** An ended flight is still reported for this many days, then left alone. */
export const ENDED_FLIGHT_DAYS = 7;
/** Days whose mean spend is the current daily rate. */
const RECENT_DAYS = 7;

/**
 * Budget pacing of a rule's flight as of a day: spend to date and the last week's daily rate through
 * flightPacing, judged by detectPacing (projected over- or underspend beyond the tolerance).
 * @example (await evaluatePacingRule(store, rule, "2026-10-20")).evaluations[0].evaluation.fired
 */
export async function evaluatePacingRule(store: Store, rule: PacingRule, day: IsoDate): Promise<{ evaluations: ScopeEvaluation[]; warnings: string[] }> {
  const base = { rule, scope: {}, scopeLabel: rule.where.length > 0 ? rule.where.join(", ") : "everything", day, since: null, state: null };
  const skip = (message: string): { evaluations: ScopeEvaluation[]; warnings: string[] } => ({
    evaluations: [{ ...base, evaluation: skippedEvaluation("pacing", "no-value", message) }],
    warnings: [],
  });
  if (day < rule.from) return skip(`the flight starts on ${rule.from}`);
  if (day > addDays(rule.to, ENDED_FLIGHT_DAYS)) return skip(`the flight ended on ${rule.to}`);
  const asOf = day < rule.to ? day : rule.to;
  const { series, rangedRows } = await dailySeries(store, {
    metrics: ["cost"],
    by: [],
    filters: rule.where.map(parseFilter),
    from: rule.from,
    to: asOf,
    currency: rule.currency,
    ...(rule.timezone ? { timezone: rule.timezone } : {}),
  });
  const s = series[0];
  const days = Array.from({ length: daysBetweenInclusive(rule.from, asOf) }, (_, i) => addDays(rule.from, i));
  const cost = days.map((_, i) => s?.totals[i]?.cost ?? 0n);
  const budget = parseMicros(rule.budget) as bigint;
  const judge = (i: number): { evaluation: AlertEvaluation; status: string } => {
    let spent = 0n;
    for (let k = 0; k <= i; k++) spent += cost[k] ?? 0n;
    const p = flightPacing({
      budget,
      flightStart: rule.from,
      flightEnd: rule.to,
      asOf: days[i] ?? asOf,
      spendToDate: spent,
      recentDailySpend: cost.slice(Math.max(0, i - RECENT_DAYS + 1), i + 1),
      tolerance: rule.tolerance,
    });
    return { evaluation: detectPacing(p, { watch: rule.watch }), status: p.status };
  };
  const T = days.length - 1;
  const warnings = rangedRows > 0 ? [`rule ${rule.id}: ${rangedRows} row(s) covering several days left out of the flight's spend`] : [];
  if (T < 0) return skip(`no days in the flight up to ${asOf}`);
  const now = judge(T);
  if (!now.evaluation.fired) return { evaluations: [{ ...base, evaluation: now.evaluation }], warnings };
  let start = T;
  while (start > 0 && judge(start - 1).status === now.status) start--;
  return { evaluations: [{ ...base, evaluation: now.evaluation, since: days[start] ?? asOf, state: now.status }], warnings };
}
