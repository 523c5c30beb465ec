import { type AlertEvaluation, detectPacing, skippedEvaluation } from "../../domain/anomaly/index.js";
import { addDays, daysBetweenInclusive, type IsoDate } from "../../domain/dates.js";
import { parseMicros } from "../../domain/money.js";
import { flightPacingOfDays } from "../../domain/pacing/index.js";
import { parseFilter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { flightDailySpend, PROFILE_HISTORY_DAYS } from "../planning/pacing.js";
import type { PacingRule } from "./alert-rule.js";
import { EPISODE_DAYS } from "./episode.js";
import { type RuleJudges, windowDays } from "./scope-judge.js";

/** An ended flight is still reported for this many days, then left alone. */
export const ENDED_FLIGHT_DAYS = 7;

/**
 * A judge of a rule's flight for every day from `from` to `to` (one report query): as of each day, the
 * pacing `cpi pacing` computes (flightPacingOfDays: the last 7 calendar days' rate, weighted by
 * weekday), judged by detectPacing. The flight's first `grace_days` are not judged unless it has
 * already spent more than its budget and the tolerance.
 * @example (await pacingRuleJudges(store, rule, "2026-10-20", "2026-10-20")).scopes[0].judge(…).fired
 */
export async function pacingRuleJudges(store: Store, rule: PacingRule, from: IsoDate, to: IsoDate): Promise<RuleJudges> {
  const start = addDays(from < rule.from ? from : rule.from, -Math.max(PROFILE_HISTORY_DAYS, EPISODE_DAYS));
  const read = await flightDailySpend(store, {
    filters: rule.where.map(parseFilter),
    from: start,
    to,
    currency: rule.currency,
    ...(rule.timezone ? { timezone: rule.timezone } : {}),
  });
  const days = windowDays(start, to);
  const budget = parseMicros(rule.budget) as bigint;
  const judge = (i: number): AlertEvaluation => {
    const day = days[i] as IsoDate;
    if (day < rule.from) return skippedEvaluation("pacing", "no-value", `the flight starts on ${rule.from}`);
    if (day > addDays(rule.to, ENDED_FLIGHT_DAYS)) return skippedEvaluation("pacing", "ended", `the flight ended on ${rule.to}`);
    const p = flightPacingOfDays({
      budget,
      flightStart: rule.from,
      flightEnd: rule.to,
      asOf: [day, rule.to].sort()[0] as IsoDate, // the earlier of the two
      days: read.days,
      tolerance: rule.tolerance,
    });
    const elapsed = daysBetweenInclusive(rule.from, day);
    if (elapsed <= rule.grace_days && p.status !== "overspent") {
      return skippedEvaluation("pacing", "grace", `day ${elapsed} of the flight: judged from day ${rule.grace_days + 1} (grace_days ${rule.grace_days}); ${p.message}`);
    }
    return detectPacing(p, { watch: rule.watch });
  };
  const warnings = read.rangedRows > 0 ? [`rule ${rule.id}: ${read.rangedRows} row(s) covering several days left out of the flight's spend`] : [];
  const label = rule.where.length > 0 ? rule.where.join(", ") : "everything";
  return { scopes: [{ scope: {}, label, days, judge }], warnings };
}
