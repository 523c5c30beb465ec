import { addDays, epochDayToIso, type IsoDate } from "../../domain/dates.js";
import { includesTracked, TRACKED_SOURCE } from "../../query/events-sql.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";
import type { AlertRule } from "./alert-rule.js";
import { ruleFilters } from "./metric-rule.js";

/**
 * The day a check judges when none is given: the latest day the store has data for, but never today
 * or later (a day is judged once it is over: a partial day looks like a drop). Falls back to yesterday.
 * @example await defaultCheckDay(store, rules, new Date("2026-10-15T06:00:00Z")) // "2026-10-14"
 */
export async function defaultCheckDay(store: Store, rules: readonly AlertRule[], now: Date): Promise<IsoDate> {
  const yesterday = addDays(epochDayToIso(Math.floor(now.getTime() / 86_400_000)), -1);
  const latest = (days: string[]) => days.filter((d) => !d.includes("..") && d <= yesterday).sort().at(-1) ?? null;
  const reported = await runReport(store, { metrics: ["impressions"], dimensions: ["day", "currency"], filters: [] });
  const candidates = [latest(reported.rows.map((r) => r.keys[0] ?? ""))];
  if (rules.some((r) => includesTracked(ruleFilters(r)))) {
    const tracked = await runReport(store, { metrics: ["impressions"], dimensions: ["day"], filters: [{ dimension: "source", op: "eq", values: [TRACKED_SOURCE] }] });
    candidates.push(latest(tracked.rows.map((r) => r.keys[0] ?? "")));
  }
  return candidates.filter((d): d is string => d !== null).sort().at(-1) ?? yesterday;
}
