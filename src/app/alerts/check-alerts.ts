import { addDays, type IsoDate, requireIsoDate } from "../../domain/dates.js";
import { isUserError, UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import type { AlertFiles } from "./alert-files.js";
import type { ResolvedRecord } from "./alert-log.js";
import { type AlertsConfig, DEFAULT_EXPIRE_AFTER, emptyAlertsConfig } from "./alert-rule.js";
import { parseInterval } from "./alert-schedule.js";
import { parseAlertsConfig } from "./alerts-config.js";
import { defaultCheckDay } from "./check-day.js";
import { EPISODE_DAYS } from "./episode.js";
import { evaluateRule, type ScopeEvaluation } from "./evaluate-rule.js";
import { endedCampaigns, sourcesByDay } from "./rule-judges.js";
import { type FiredAlert, type LateDelivery, recordAndSend } from "./send-alerts.js";
import type { DeliveryOptions } from "./webhook.js";

export interface CheckOptions {
  /** The day to judge (default: the latest day with data, at most yesterday). */
  date?: IsoDate;
  /** The clock (default now). */
  now?: () => Date;
  /** Evaluate and report only: record nothing, send nothing. */
  dryRun?: boolean;
  /** How destinations are tried. */
  delivery?: DeliveryOptions;
  /** How long an undelivered alert stays queued ("7d"); default the rules file's `delivery.expire_after`, else 7 days. */
  expireAfter?: string;
}

export interface CheckOutcome {
  day: IsoDate;
  rules: number;
  /** Every scope judged, fired or not. */
  evaluations: ScopeEvaluation[];
  /** The fired ones, with whether each is new and how its sends went. */
  fired: FiredAlert[];
  /** Alerts of earlier days found back to normal. */
  resolved: ResolvedRecord[];
  /** Deliveries of queued alerts of earlier checks and of "back to normal" notices. */
  other: LateDelivery[];
  /** Rules that could not be evaluated (a missing FX rate, …); the others still ran. */
  errors: { rule: string; message: string }[];
  warnings: string[];
  /** Notices that failed after every retry (queued for the next check). */
  deliveryFailures: number;
}

/**
 * Reads and validates the rules file; null text (no file) is an empty config.
 * @example await loadAlertsConfig(files) // { version: 1, webhooks: [], rules: [], silences: [] }
 */
export async function loadAlertsConfig(files: AlertFiles): Promise<AlertsConfig> {
  const text = await files.readConfig();
  return text === null ? emptyAlertsConfig() : parseAlertsConfig(text, files.configPath);
}

/**
 * How long an undelivered alert stays queued, in ms: the option, else the file's `delivery.expire_after`, else 7 days.
 * @example expireAfterMs(config, "36h") // 129600000
 */
export function expireAfterMs(config: AlertsConfig, option?: string): number {
  return parseInterval(option ?? config.delivery?.expire_after ?? DEFAULT_EXPIRE_AFTER, option !== undefined ? "--expire-after" : "delivery.expire_after", 60_000);
}

/**
 * Evaluates every enabled rule on the store for one day, records what fired and what is back to
 * normal in the alerts log, and delivers what is owed (this check's new alerts, alerts queued while a
 * destination was down, "back to normal" notices). An alert is one episode of one rule on one scope:
 * the same condition on the next day is the same alert and is not sent again.
 * @example const out = await checkAlerts(store, files, { date: "2026-10-14" }); out.fired.filter((f) => f.isNew)
 */
export async function checkAlerts(store: Store, files: AlertFiles, options: CheckOptions = {}): Promise<CheckOutcome> {
  const config = await loadAlertsConfig(files);
  const rules = config.rules.filter((r) => r.enabled !== false);
  if (rules.length === 0) {
    throw new UserError("no_rules", `no alert rules in ${files.configPath}: add one with 'cpi alerts add' (or point --config at your rules file)`);
  }
  const expireMs = expireAfterMs(config, options.expireAfter);
  const now = options.now ?? (() => new Date());
  const day = options.date ? requireIsoDate(options.date, "--date") : await defaultCheckDay(store, rules, now());
  const ctx = { sourcesByDay: await sourcesByDay(store, addDays(day, -EPISODE_DAYS), day), ended: await endedCampaigns(store, config) };
  const evaluations: ScopeEvaluation[] = [];
  const errors: CheckOutcome["errors"] = [];
  const warnings: string[] = [];
  for (const rule of rules) {
    try {
      const r = await evaluateRule(store, rule, day, ctx);
      evaluations.push(...r.evaluations);
      warnings.push(...r.warnings);
    } catch (e) {
      if (!isUserError(e)) throw e;
      errors.push({ rule: rule.id, message: e.message });
    }
  }
  const sent = await recordAndSend(files, config, evaluations, {
    day,
    now,
    dryRun: options.dryRun ?? false,
    delivery: options.delivery ?? {},
    expireMs,
    rules: rules.filter((r) => !errors.some((e) => e.rule === r.id)).map((r) => r.id),
    summary: { rules: rules.length, scopes: evaluations.length, errors: errors.length },
  });
  return {
    day,
    rules: rules.length,
    evaluations,
    fired: sent.fired,
    resolved: sent.resolved,
    other: sent.other,
    errors,
    warnings: [...warnings, ...sent.warnings],
    deliveryFailures: sent.failures,
  };
}

/**
 * A check's result as `cpi alerts check --format json` and `POST /api/alerts/check` give it (snake_case).
 * @example checkOutcomeJson(out).fired[0].scope_label // "campaign=Launch Q4"
 */
export function checkOutcomeJson(out: CheckOutcome) {
  return {
    day: out.day,
    rules: out.rules,
    scopes: out.evaluations.length,
    fired: out.fired.map((f) => ({ ...f.record, new: f.isNew, deliveries: f.deliveries })),
    resolved: out.resolved.map(({ type: _t, at: _a, ...r }) => r),
    other_deliveries: out.other.map(({ text: _t, ...d }) => d),
    skipped: out.evaluations.filter((e) => e.evaluation.skipped).map((e) => ({ rule: e.rule.id, scope: e.scopeLabel, reason: e.evaluation.skipped, message: e.evaluation.message })),
    quiet: out.evaluations.filter((e) => !e.evaluation.fired && !e.evaluation.skipped).length,
    errors: out.errors,
    warnings: out.warnings,
    delivery_failures: out.deliveryFailures,
  };
}
