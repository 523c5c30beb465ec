import { type IsoDate, requireIsoDate } from "../../domain/dates.js";
import { isUserError, UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import type { AlertFiles } from "./alert-files.js";
import type { AlertsConfig } from "./alert-rule.js";
import { parseAlertsConfig } from "./alerts-config.js";
import { defaultCheckDay, sourcesOnDay } from "./check-day.js";
import { evaluateRule, type ScopeEvaluation } from "./evaluate-rule.js";
import { type FiredAlert, recordAndSend } from "./send-alerts.js";
import type { DeliveryOptions } from "./webhook.js";

export interface CheckOptions {
  /** The day to judge (default: the latest day with data, at most yesterday). */
  date?: IsoDate;
  /** The clock (default now). */
  now?: () => Date;
  /** Evaluate and report only: record nothing, send nothing. */
  dryRun?: boolean;
  /** How webhooks are tried. */
  delivery?: DeliveryOptions;
}

export interface CheckOutcome {
  day: IsoDate;
  rules: number;
  /** Every scope judged, fired or not. */
  evaluations: ScopeEvaluation[];
  /** The fired ones, with whether each is new and how its sends went. */
  fired: FiredAlert[];
  /** Rules that could not be evaluated (a missing FX rate, …); the others still ran. */
  errors: { rule: string; message: string }[];
  warnings: string[];
  /** Webhook sends that failed after every retry (they are tried again by the next check). */
  deliveryFailures: number;
}

/**
 * Reads and validates the rules file; null text (no file) is an empty config.
 * @example await loadAlertsConfig(files) // { version: 1, webhooks: [], rules: [] }
 */
export async function loadAlertsConfig(files: AlertFiles): Promise<AlertsConfig> {
  const text = await files.readConfig();
  return text === null ? { version: 1, webhooks: [], rules: [] } : parseAlertsConfig(text, files.configPath);
}

/**
 * Evaluates every enabled rule on the store for one day, records what fired in the alerts log, and
 * posts each alert not yet delivered to its webhooks (with retries). An alert is one episode of one
 * rule on one scope: the same condition on the next day is the same alert and is not sent again.
 * @example const out = await checkAlerts(store, files, { date: "2026-10-14" }); out.fired.filter((f) => f.isNew)
 */
export async function checkAlerts(store: Store, files: AlertFiles, options: CheckOptions = {}): Promise<CheckOutcome> {
  const config = await loadAlertsConfig(files);
  const rules = config.rules.filter((r) => r.enabled !== false);
  if (rules.length === 0) {
    throw new UserError("no_rules", `no alert rules in ${files.configPath}: add one with 'cpi alerts add' (or point --config at your rules file)`);
  }
  const now = options.now ?? (() => new Date());
  const day = options.date ? requireIsoDate(options.date, "--date") : await defaultCheckDay(store, rules, now());
  const onDay = await sourcesOnDay(store, day);
  const evaluations: ScopeEvaluation[] = [];
  const errors: CheckOutcome["errors"] = [];
  const warnings: string[] = [];
  for (const rule of rules) {
    try {
      const r = await evaluateRule(store, rule, { day, sourcesOnDay: onDay });
      evaluations.push(...r.evaluations);
      warnings.push(...r.warnings);
    } catch (e) {
      if (!isUserError(e)) throw e;
      errors.push({ rule: rule.id, message: e.message });
    }
  }
  const firing = evaluations.filter((e) => e.evaluation.fired);
  const sent = await recordAndSend(files, config, firing, {
    day,
    now,
    dryRun: options.dryRun ?? false,
    delivery: options.delivery ?? {},
    summary: { rules: rules.length, scopes: evaluations.length, errors: errors.length },
  });
  return { day, rules: rules.length, evaluations, fired: sent.fired, errors, warnings: [...warnings, ...sent.warnings], deliveryFailures: sent.failures };
}
