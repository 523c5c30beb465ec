import type { AlertRecord } from "./alert-log.js";
import { DISCREPANCY_METRIC, type WebhookConfig } from "./alert-rule.js";

const KIND_TITLE: Record<AlertRecord["kind"], string> = {
  anomaly: "unusual",
  threshold: "past its limit",
  "zero-delivery": "stopped delivering",
  pacing: "off budget pace",
};

/**
 * One line a person reads: what moved, where, on which day, and the numbers behind it.
 * @example alertText(record) // "cpi alert: CPI unusually high for campaign=Launch Q4 on 2026-10-14 — 0.015 vs a usual 0.01 (+50.0 %): 8.1 robust standard deviations above [rule cpi-up]"
 */
export function alertText(a: AlertRecord): string {
  const metric = a.metric === DISCREPANCY_METRIC ? "tracked-vs-reported gap" : (a.metric ?? "").toUpperCase();
  const what = a.kind === "pacing" || a.kind === "zero-delivery" ? KIND_TITLE[a.kind] : `${metric} ${a.kind === "anomaly" ? (a.direction === "down" ? "unusually low" : "unusually high") : KIND_TITLE[a.kind]}`;
  const since = a.since !== a.day ? ` (since ${a.since})` : "";
  return `cpi alert: ${what} for ${a.scopeLabel} on ${a.day}${since} — ${a.message} [rule ${a.rule}]`;
}

/**
 * The body POSTed to a webhook: Slack's `{"text": …}`, or a JSON document with the alert's numbers
 * (and the same `text`, so chat tools that read only that field still show something).
 * @example webhookBody({ name: "ops", url: "…", format: "slack" }, record) // { text: "cpi alert: …" }
 */
export function webhookBody(hook: WebhookConfig, a: AlertRecord): unknown {
  const text = alertText(a);
  if (hook.format === "slack") return { text };
  return {
    type: "cpi.alert",
    text,
    alert: {
      key: a.key,
      rule: a.rule,
      kind: a.kind,
      metric: a.metric,
      scope: a.scope,
      scope_label: a.scopeLabel,
      day: a.day,
      since: a.since,
      value: a.value,
      baseline: a.baseline,
      spread: a.spread,
      score: a.score,
      threshold: a.threshold,
      direction: a.direction,
      message: a.message,
      ...(a.gap !== undefined ? { reported: a.reported, tracked: a.tracked, gap: a.gap } : {}),
    },
  };
}

/** Most alerts listed in one digest message. */
const DIGEST_LINES = 40;

/**
 * One Slack message for many alerts of a check: a count, then a line per alert (the first 40).
 * @example digestBody("2026-10-14", records) // { text: "cpi: 12 alerts on 2026-10-14\n• …" }
 */
export function digestBody(day: string, alerts: readonly AlertRecord[]): { text: string } {
  const lines = alerts.slice(0, DIGEST_LINES).map((a) => `• ${alertText(a).replace(/^cpi alert: /, "")}`);
  const more = alerts.length > DIGEST_LINES ? [`… and ${alerts.length - DIGEST_LINES} more: cpi alerts history --active`] : [];
  return { text: [`cpi: ${alerts.length} alerts on ${day}`, ...lines, ...more].join("\n") };
}
