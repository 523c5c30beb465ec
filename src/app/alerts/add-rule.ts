import { UserError } from "../../domain/errors.js";
import type { AlertFiles } from "./alert-files.js";
import type { AlertRule, AlertsConfig } from "./alert-rule.js";
import { nextRuleId, serializeAlertsConfig, withRule } from "./alerts-config.js";
import { loadAlertsConfig } from "./check-alerts.js";
import { validateRule } from "./validate-rule.js";

/**
 * Changes the rules file under the alerts lock: reads it, applies `change`, writes it back whole
 * (a change that throws writes nothing).
 * @example await editAlertsConfig(files, (c) => withRuleEnabled(c, "cpi-up", false))
 */
export async function editAlertsConfig(files: AlertFiles, change: (c: AlertsConfig) => AlertsConfig): Promise<AlertsConfig> {
  return files.withLock(async () => {
    const next = change(await loadAlertsConfig(files));
    await files.writeConfig(serializeAlertsConfig(next));
    return next;
  });
}

/**
 * Adds a rule written as in the rules file (for the API; `cpi alerts add` builds the same object from
 * flags) under the alerts lock, with a fresh id when none is given; every problem is named by its field.
 * @example (await addAlertRule(files, { kind: "anomaly", metric: "cpi", by: ["campaign"] })).id // "anomaly-cpi"
 */
export async function addAlertRule(files: AlertFiles, raw: Record<string, unknown>): Promise<AlertRule> {
  let added: AlertRule | null = null;
  await editAlertsConfig(files, (config) => {
    const metric = typeof raw.metric === "string" ? raw.metric.trim().toLowerCase() : null;
    const withId = raw.id === undefined ? { ...raw, id: nextRuleId(config, String(raw.kind), metric) } : raw;
    const { rule, issues } = validateRule(withId, config.webhooks.map((w) => w.name));
    if (!rule) {
      const lines = issues.map((i) => `${i.field}: ${i.message}`);
      throw new UserError("bad_rule", lines.length === 1 ? (lines[0] as string) : `the rule has ${lines.length} problems:\n  ${lines.join("\n  ")}`, { issues });
    }
    added = rule;
    return withRule(config, rule);
  });
  return added as unknown as AlertRule;
}
