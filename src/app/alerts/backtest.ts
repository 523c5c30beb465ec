// What the rules would have fired, day by day, over past data: each rule's data is read once for the
// whole range (one query per rule, not one per day), then judged as a check on each day would have
// judged it; consecutive days in the same state are one alert, as in a check.
import { addDays, daysBetweenInclusive, type IsoDate, requireIsoDate } from "../../domain/dates.js";
import { isUserError, UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import type { AlertFiles } from "./alert-files.js";
import type { AlertRule, AlertsConfig } from "./alert-rule.js";
import { loadAlertsConfig } from "./check-alerts.js";
import { EPISODE_DAYS, episodeStart, episodeState } from "./episode.js";
import { endedCampaigns, ruleJudges, sourcesByDay } from "./rule-judges.js";
import { validateRule } from "./validate-rule.js";

/** The longest range a backtest judges. */
export const MAX_BACKTEST_DAYS = 731;

export interface BacktestOptions {
  from: IsoDate;
  to: IsoDate;
  /** Rule ids to run (default: every enabled rule); a disabled rule runs when named. */
  rules?: readonly string[];
  /** A rule written as in the rules file, judged without being saved (the rule editor's preview). */
  draft?: Record<string, unknown>;
  /** Told as each rule is read and judged. */
  onRule?: (done: number, total: number, rule: string) => void;
}

/** One alert a rule would have fired: an episode of consecutive days in the same state. */
export interface BacktestAlert {
  rule: string;
  kind: AlertRule["kind"];
  scope: Record<string, string>;
  scope_label: string;
  /** The episode's first day (before `from` when it was already running). */
  since: IsoDate;
  /** Its last day firing within the range. */
  until: IsoDate;
  days: number;
  direction: "up" | "down" | null;
  state: string;
  /** The numbers of its first day within the range. */
  value: number | null;
  baseline: number | null;
  score: number | null;
  message: string;
}

export interface BacktestRuleSummary {
  rule: string;
  kind: AlertRule["kind"];
  enabled: boolean;
  scopes: number;
  /** Alerts (episodes) that start within the range. */
  alerts: number;
  /** Scope-days that fired. */
  days_firing: number;
  /** Scope-days not judged, by reason (low volume, too little history, no data yet, ended…). */
  skipped: Record<string, number>;
}

export interface BacktestOutcome {
  from: IsoDate;
  to: IsoDate;
  days: number;
  rules: BacktestRuleSummary[];
  alerts: BacktestAlert[];
  errors: { rule: string; message: string }[];
  warnings: string[];
}

/** The rules a backtest runs: the named ones, every enabled one, or a draft. */
function selectRules(config: AlertsConfig, o: BacktestOptions): AlertRule[] {
  if (o.draft) {
    const raw = { id: "draft", ...o.draft };
    const { rule, issues } = validateRule(raw, config.webhooks.map((w) => w.name));
    if (!rule) {
      const lines = issues.map((i) => `${i.field}: ${i.message}`);
      throw new UserError("bad_rule", lines.length === 1 ? (lines[0] as string) : `the rule has ${lines.length} problems:\n  ${lines.join("\n  ")}`, { issues });
    }
    return [rule];
  }
  if (o.rules && o.rules.length > 0) {
    return o.rules.map((id) => {
      const r = config.rules.find((x) => x.id === id);
      if (!r) throw new UserError("no_rule", `no rule named '${id}' (defined: ${config.rules.map((x) => x.id).join(", ") || "none"})`);
      return r;
    });
  }
  const rules = config.rules.filter((r) => r.enabled !== false);
  if (rules.length === 0) throw new UserError("no_rules", "no enabled alert rules to backtest: add one with 'cpi alerts add', or name rules with --rule");
  return rules;
}

/**
 * Runs rules as of every day from `from` to `to` on the store and returns what would have fired:
 * per rule a summary, and every alert with its first and last day. Nothing is recorded or sent.
 * @example (await backtestAlerts(store, files, { from: "2026-09-01", to: "2026-10-31" })).rules[0].alerts // 3
 */
export async function backtestAlerts(store: Store, files: AlertFiles, o: BacktestOptions): Promise<BacktestOutcome> {
  const from = requireIsoDate(o.from, "--from");
  const to = requireIsoDate(o.to, "--to");
  if (from > to) throw new UserError("bad_range", `--from ${from} is after --to ${to}`);
  const days = daysBetweenInclusive(from, to);
  if (days > MAX_BACKTEST_DAYS) throw new UserError("bad_range", `a backtest covers at most ${MAX_BACKTEST_DAYS} days; ${from} … ${to} is ${days}`);
  const config = await loadAlertsConfig(files);
  const rules = selectRules(config, o);
  const ctx = { sourcesByDay: await sourcesByDay(store, addDays(from, -EPISODE_DAYS), to), ended: await endedCampaigns(store, config) };
  const out: BacktestOutcome = { from, to, days, rules: [], alerts: [], errors: [], warnings: [] };
  for (const [n, rule] of rules.entries()) {
    o.onRule?.(n, rules.length, rule.id);
    try {
      const { scopes, warnings } = await ruleJudges(store, rule, from, to, ctx);
      out.warnings.push(...warnings);
      const summary: BacktestRuleSummary = { rule: rule.id, kind: rule.kind, enabled: rule.enabled !== false, scopes: scopes.length, alerts: 0, days_firing: 0, skipped: {} };
      for (const s of scopes) {
        const first = s.days.indexOf(from);
        let open: BacktestAlert | null = null;
        for (let i = first; i >= 0 && i < s.days.length; i++) {
          const e = s.judge(i);
          const day = s.days[i] as IsoDate;
          if (e.skipped) summary.skipped[e.skipped] = (summary.skipped[e.skipped] ?? 0) + 1;
          if (!e.fired) {
            open = null;
            continue;
          }
          summary.days_firing++;
          const state = episodeState(e);
          if (open && open.state === state) {
            open.until = day;
            open.days++;
            continue;
          }
          const since = i === first ? (s.days[episodeStart((k) => s.judge(k), i).start] ?? day) : day;
          open = { rule: rule.id, kind: rule.kind, scope: s.scope, scope_label: s.label, since, until: day, days: 1, direction: e.direction, state, value: e.value, baseline: e.baseline, score: e.score, message: e.message };
          out.alerts.push(open);
          if (since >= from) summary.alerts++;
        }
      }
      out.rules.push(summary);
    } catch (e) {
      if (!isUserError(e)) throw e;
      out.errors.push({ rule: rule.id, message: e.message });
    }
  }
  o.onRule?.(rules.length, rules.length, "");
  out.alerts.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.scope_label < b.scope_label ? -1 : 1));
  return out;
}
