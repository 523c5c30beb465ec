import { UserError } from "../../domain/errors.js";
import type { AlertRule, AlertsConfig, DeliverySettings, Silence, WebhookConfig } from "./alert-rule.js";
import { parseInterval } from "./alert-schedule.js";
import { type JsonValue, parseJsonWithPositions } from "./json-positions.js";
import { validateSilence } from "./silences.js";
import { validateRule, validateWebhook } from "./validate-rule.js";

const TOP_FIELDS = ["version", "webhooks", "rules", "silences", "delivery"];

/**
 * Reads a rules file: every problem (JSON syntax, unknown or bad fields, duplicate ids, unknown webhook
 * names) is collected and reported at once, each as `file:line:column field: message`.
 * @example parseAlertsConfig('{"rules": [{"id": "cpi-up", "kind": "anomaly", "metric": "cpi"}]}', "cpi.alerts.json").rules[0].score // 4
 */
export function parseAlertsConfig(text: string, file: string): AlertsConfig {
  if (text.trim() === "") return { version: 1, webhooks: [], rules: [], silences: [] };
  const { value, positions } = parseJsonWithPositions(text, file);
  const problems: string[] = [];
  const at = (path: string) => {
    const p = positions.get(path) ?? positions.get(path.replace(/\.[^.[\]]+$/, "")) ?? positions.get("");
    return p ? `${file}:${p.line}:${p.column}` : file;
  };
  const report = (path: string, message: string) => problems.push(`${at(path)} ${path || "(the file)"}: ${message}`);
  if (!isObject(value)) {
    report("", 'must be an object like {"version": 1, "webhooks": [], "rules": []}');
    throw configError(file, problems);
  }
  for (const key of Object.keys(value)) if (!TOP_FIELDS.includes(key)) report(key, `unknown field; known: ${TOP_FIELDS.join(", ")}`);
  if (value.version !== undefined && value.version !== 1) report("version", `this cpi reads version 1, got ${JSON.stringify(value.version)}`);

  const webhooks: WebhookConfig[] = [];
  for (const [i, raw] of listAt(value, "webhooks", report).entries()) {
    const path = `webhooks[${i}]`;
    if (!isObject(raw)) {
      report(path, 'must be an object like {"name": "ops", "url": "https://…", "format": "slack"}');
      continue;
    }
    const { webhook, issues } = validateWebhook(raw);
    for (const is of issues) report(`${path}.${is.field}`, is.message);
    if (webhook) {
      if (webhooks.some((w) => w.name === webhook.name)) report(`${path}.name`, `another webhook is already named '${webhook.name}'`);
      webhooks.push(webhook);
    }
  }
  const names = webhooks.map((w) => w.name);
  const rules: AlertRule[] = [];
  const ids = new Set<string>();
  for (const [i, raw] of listAt(value, "rules", report).entries()) {
    const path = `rules[${i}]`;
    if (!isObject(raw)) {
      report(path, 'must be an object like {"id": "cpi-up", "kind": "anomaly", "metric": "cpi"}');
      continue;
    }
    if (typeof raw.id === "string") {
      if (ids.has(raw.id)) report(`${path}.id`, `another rule already has the id '${raw.id}'`);
      ids.add(raw.id);
    }
    const { rule, issues } = validateRule(raw, names);
    const label = typeof raw.id === "string" ? ` (rule '${raw.id}')` : "";
    for (const is of issues) report(`${path}.${is.field}`, `${is.message}${label}`);
    if (rule) rules.push(rule);
  }
  const silences: Silence[] = [];
  for (const [i, raw] of listAt(value, "silences", report).entries()) {
    const path = `silences[${i}]`;
    if (!isObject(raw)) {
      report(path, 'must be an object like {"id": "silence-1", "rule": "cpi-up", "scope": {}, "until": null, "created_at": "…"}');
      continue;
    }
    const { silence, issues } = validateSilence(raw, [...ids]);
    for (const is of issues) report(`${path}.${is.field}`, is.message);
    if (silence) {
      if (silences.some((x) => x.id === silence.id)) report(`${path}.id`, `another snooze or mute already has the id '${silence.id}'`);
      silences.push(silence);
    }
  }
  let delivery: DeliverySettings | undefined;
  if (value.delivery !== undefined) {
    const d = value.delivery;
    if (!isObject(d)) report("delivery", 'must be an object like {"expire_after": "7d"}');
    else {
      for (const key of Object.keys(d)) if (key !== "expire_after") report(`delivery.${key}`, "unknown field; known: expire_after");
      if (d.expire_after !== undefined) {
        try {
          if (typeof d.expire_after !== "string") throw new Error();
          parseInterval(d.expire_after, "expire_after", 60_000);
          delivery = { expire_after: d.expire_after };
        } catch {
          report("delivery.expire_after", `must be an interval like 7d, 36h or 90m, got ${JSON.stringify(d.expire_after)}`);
        }
      } else delivery = {};
    }
  }
  if (problems.length > 0) throw configError(file, problems);
  return { version: 1, webhooks, rules, silences, ...(delivery ? { delivery } : {}) };
}

/** The rules file as written back: stable key order, two-space indent, a final newline. @example serializeAlertsConfig(emptyAlertsConfig()) */
export function serializeAlertsConfig(config: AlertsConfig): string {
  const text = JSON.stringify(
    { version: 1, ...(config.delivery ? { delivery: config.delivery } : {}), webhooks: config.webhooks, rules: config.rules, ...(config.silences.length > 0 ? { silences: config.silences } : {}) },
    null,
    2,
  );
  // Short lists of plain values on one line: ["campaign"] reads better than three lines.
  const inline = text.replace(/\[\n\s+((?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+)(?:,\n\s+(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+))*)\n\s*\]/g, (m, items: string) => {
    const one = `[${items.split(/,\n\s+/).join(", ")}]`;
    return one.length <= 80 ? one : m;
  });
  return `${inline}\n`;
}

/**
 * Adds a rule (its id must be new), returning the new config.
 * @example withRule(config, { id: "cpi-up", kind: "anomaly", … }).rules.length
 */
export function withRule(config: AlertsConfig, rule: AlertRule): AlertsConfig {
  if (config.rules.some((r) => r.id === rule.id)) throw new UserError("duplicate_rule", `a rule with the id '${rule.id}' already exists ('cpi alerts list'); choose another --id`);
  return { ...config, rules: [...config.rules, rule] };
}

/**
 * Removes a rule or, failing that, a webhook by name; throws when neither exists, or when rules still
 * name the webhook.
 * @example withoutRuleOrWebhook(config, "cpi-up").removed // "rule"
 */
export function withoutRuleOrWebhook(config: AlertsConfig, id: string): { config: AlertsConfig; removed: "rule" | "webhook" } {
  if (config.rules.some((r) => r.id === id)) {
    return { config: { ...config, rules: config.rules.filter((r) => r.id !== id), silences: config.silences.filter((s) => s.rule !== id) }, removed: "rule" };
  }
  if (config.webhooks.some((w) => w.name === id)) {
    const users = config.rules.filter((r) => r.webhooks?.includes(id)).map((r) => r.id);
    if (users.length > 0) throw new UserError("webhook_in_use", `the webhook '${id}' is named by rule(s) ${users.join(", ")}: remove or edit them first`);
    return { config: { ...config, webhooks: config.webhooks.filter((w) => w.name !== id) }, removed: "webhook" };
  }
  throw new UserError("no_rule", `no rule or webhook named '${id}' ('cpi alerts list' shows them)`);
}

/**
 * Adds a webhook (its name must be new).
 * @example withWebhook(config, { name: "ops", url: "https://hooks.slack.com/…", format: "slack" })
 */
export function withWebhook(config: AlertsConfig, webhook: WebhookConfig): AlertsConfig {
  if (config.webhooks.some((w) => w.name === webhook.name)) throw new UserError("duplicate_webhook", `a webhook named '${webhook.name}' already exists; choose another --name`);
  return { ...config, webhooks: [...config.webhooks, webhook] };
}

/**
 * A fresh rule id from its kind and metric: "anomaly-cpi", then "anomaly-cpi-2", ….
 * @example nextRuleId(config, "anomaly", "cpi") // "anomaly-cpi"
 */
export function nextRuleId(config: AlertsConfig, kind: string, metric: string | null): string {
  const stem = metric ? `${kind}-${metric}` : kind;
  if (!config.rules.some((r) => r.id === stem)) return stem;
  for (let n = 2; ; n++) if (!config.rules.some((r) => r.id === `${stem}-${n}`)) return `${stem}-${n}`;
}

function configError(file: string, problems: string[]): UserError {
  const head = problems.length === 1 ? "the alerts file has a problem" : `the alerts file has ${problems.length} problems`;
  return new UserError("bad_config", `${head} (fix ${file}, or check it with 'cpi alerts list'):\n  ${problems.join("\n  ")}`, { file, problems });
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function listAt(obj: { [key: string]: JsonValue }, key: string, report: (path: string, message: string) => void): JsonValue[] {
  const v = obj[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    report(key, "must be a list [ … ]");
    return [];
  }
  return v;
}
