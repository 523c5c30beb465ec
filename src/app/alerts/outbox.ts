// What is owed to each destination: the alerts firing in this check, every alert a destination was
// already due (tried or queued: one whose receiver was down stays owed to later checks, even once its
// condition is over), and every "back to normal" of an alert a destination received — until sent, or
// until `delivery.expire_after` has passed since the alert last fired. A destination added later is
// not sent alerts that were over before it came. Snoozed and muted alerts are held back, not queued.
import type { AlertHistory, ExpiredRecord, Notice, SuppressedRecord } from "./alert-log.js";
import { noticeId } from "./alert-log.js";
import type { AlertsConfig, WebhookConfig } from "./alert-rule.js";
import type { Outgoing } from "./destination-body.js";
import { activeSilence } from "./silences.js";

/** A notice due to a destination. */
export interface Due extends Outgoing {
  webhook: WebhookConfig;
}

/** The destinations a rule's alerts go to. @example targetsOf(config, "cpi-up").map((w) => w.name) // ["ops"] */
export function targetsOf(config: AlertsConfig, ruleId: string): WebhookConfig[] {
  const rule = config.rules.find((r) => r.id === ruleId);
  if (!rule) return [];
  return config.webhooks.filter((w) => !rule.webhooks || rule.webhooks.includes(w.name));
}

/**
 * The notices due now (alerts first, oldest first, then "back to normal"), the ones to give up
 * (expired) and the alerts to note as held back by a silence. Alerts of rules removed or turned off
 * are left alone.
 * @example dueNotices(config, history, firingKeys, new Date(), 7 * 86_400_000).due.map((d) => d.webhook.name)
 */
export function dueNotices(
  config: AlertsConfig,
  history: AlertHistory,
  firing: ReadonlySet<string>,
  now: Date,
  expireMs: number,
): { due: Due[]; expire: ExpiredRecord[]; suppress: SuppressedRecord[] } {
  const due: Due[] = [];
  const expire: ExpiredRecord[] = [];
  const suppress: SuppressedRecord[] = [];
  const at = now.toISOString();
  const open = (notice: Notice, key: string, w: WebhookConfig) => !history.delivered.has(noticeId(notice, key, w.name)) && !history.expired.has(noticeId(notice, key, w.name));
  const owed = (notice: Notice, key: string, w: WebhookConfig) => open(notice, key, w) && (notice === "resolved" || firing.has(key) || history.owed.has(noticeId(notice, key, w.name)));
  const alerts = [...history.lastByKey.values()].sort((a, b) => ((history.firstByKey.get(a.key)?.at ?? a.at) < (history.firstByKey.get(b.key)?.at ?? b.at) ? -1 : 1));
  const resolvedDue: Due[] = [];
  for (const last of alerts) {
    const rule = config.rules.find((r) => r.id === last.rule);
    if (!rule || rule.enabled === false) continue;
    const first = history.firstByKey.get(last.key) ?? last;
    const targets = targetsOf(config, rule.id);
    const resolved = history.resolved.get(last.key);
    const stale = now.getTime() - Date.parse(last.at) > expireMs;
    const staleResolved = resolved ? now.getTime() - Date.parse(resolved.at) > expireMs : false;
    const silence = activeSilence(config.silences, rule.id, last.scope, now);
    for (const w of targets) {
      if (owed("alert", last.key, w)) {
        if (stale) expire.push({ type: "expired", key: last.key, notice: "alert", webhook: w.name, at });
        else if (!silence) due.push({ notice: "alert", alert: { ...last, since: first.since }, webhook: w });
      }
      // "Back to normal" goes where the alert went.
      if (resolved && history.delivered.has(noticeId("alert", last.key, w.name)) && owed("resolved", last.key, w)) {
        if (staleResolved) expire.push({ type: "expired", key: last.key, notice: "resolved", webhook: w.name, at });
        else if (!silence) resolvedDue.push({ notice: "resolved", alert: last, resolved, webhook: w });
      }
    }
    if (silence && targets.some((w) => owed("alert", last.key, w)) && !stale && history.suppressed.get(last.key) !== silence.id) {
      suppress.push({ type: "suppressed", key: last.key, silence: silence.id, at });
    }
  }
  return { due: [...due, ...resolvedDue], expire, suppress };
}
