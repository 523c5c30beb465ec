// What the log says about each alert: when it fired, whether it is over, and how each destination's
// delivery stands (sent, pending and retried by the next checks, silenced, given up).
import type { AlertFiles } from "./alert-files.js";
import { type AlertHistory, type AlertRecord, type CheckRecord, type Notice, noticeId, readAlertHistory } from "./alert-log.js";
import type { AlertsConfig } from "./alert-rule.js";
import { alertJson } from "./destination-body.js";
import { targetsOf } from "./outbox.js";

/** Where one notice of an alert stands with one destination. */
export interface DeliveryState {
  webhook: string;
  notice: Notice;
  /** sent; pending (queued: the next check tries again); silenced (a snooze or mute held it back); expired (given up). */
  state: "sent" | "pending" | "silenced" | "expired";
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
}

/** An alert as the history shows it (snake_case, like every JSON cpi writes). */
export type AlertSummary = ReturnType<typeof alertJson> & {
  /** The last day it fired. */
  last_day: string;
  first_seen_at: string;
  /** The day it was found back to normal, or null while it lasts (or was not judged since). */
  resolved_on: string | null;
  deliveries: DeliveryState[];
};

/**
 * Each destination's delivery state of an alert (and of its "back to normal" once resolved): the
 * destinations it was tried on, and those its rule names now.
 * @example deliveryStates(history, config, key) // [{ webhook: "ops", notice: "alert", state: "pending", attempts: 4, last_error: "HTTP 503", sent_at: null }]
 */
export function deliveryStates(history: AlertHistory, config: AlertsConfig | null, key: string): DeliveryState[] {
  const last = history.lastByKey.get(key);
  const out = new Map<string, DeliveryState>();
  const state = (notice: Notice, webhook: string) => {
    const id = noticeId(notice, key, webhook);
    let s = out.get(id);
    if (!s) {
      s = { webhook, notice, state: history.delivered.has(id) ? "sent" : history.expired.has(id) ? "expired" : "pending", attempts: 0, last_error: null, sent_at: null };
      out.set(id, s);
    }
    return s;
  };
  for (const w of last && config ? targetsOf(config, last.rule) : []) state("alert", w.name);
  for (const r of history.records) {
    if (r.type !== "send" || r.key !== key) continue;
    const s = state(r.notice, r.webhook);
    s.attempts++;
    if (r.ok) s.sent_at ??= r.at;
    else s.last_error = r.error;
  }
  const silence = history.suppressed.get(key);
  for (const s of out.values()) if (s.state === "pending" && s.notice === "alert" && silence) s.state = "silenced";
  return [...out.values()];
}

/**
 * An alert's summary from the log: its numbers as last recorded, its span, and its deliveries.
 * @example alertSummary(history, config, key).deliveries[0].state // "sent"
 */
export function alertSummary(history: AlertHistory, config: AlertsConfig | null, key: string): AlertSummary | null {
  const last = history.lastByKey.get(key);
  const first = history.firstByKey.get(key);
  if (!last || !first) return null;
  return {
    ...alertJson({ ...last, since: first.since }),
    last_day: last.day,
    first_seen_at: first.at,
    resolved_on: history.resolved.get(key)?.day ?? null,
    deliveries: deliveryStates(history, config, key),
  };
}

/**
 * The alerts of the log, newest first (the last `limit`), each with its delivery state.
 * @example (await alertHistory(files, config, 50)).alerts[0].deliveries
 */
export async function alertHistory(files: AlertFiles, config: AlertsConfig | null, limit = 50): Promise<{ alerts: AlertSummary[]; skipped_lines: number }> {
  const history = readAlertHistory(await files.readLog());
  const keys = [...history.firstByKey.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).map((a) => a.key);
  const alerts = keys.slice(0, Math.max(1, limit)).flatMap((k) => alertSummary(history, config, k) ?? []);
  return { alerts, skipped_lines: history.skippedLines };
}

export interface ActiveAlerts {
  /** The day the last check judged, null when no check has run. */
  day: string | null;
  checked_at: string | null;
  alerts: AlertSummary[];
}

/**
 * The alerts firing on the day the latest check judged (for the API and the dashboard), read from the
 * alerts log; an ongoing episode (a campaign still not delivering) stays active while checks see it.
 * @example (await activeAlerts(files, config)).alerts.map((a) => a.scope_label) // ["campaign=Launch Q4"]
 */
export async function activeAlerts(files: AlertFiles, config: AlertsConfig | null = null): Promise<ActiveAlerts> {
  const history = readAlertHistory(await files.readLog());
  let last: CheckRecord | null = null;
  for (const r of history.records) if (r.type === "check") last = r;
  if (!last) return { day: null, checked_at: null, alerts: [] };
  const day = last.day;
  const keys = new Set<string>();
  for (const r of history.records) if (r.type === "alert" && r.day === day) keys.add((r as AlertRecord).key);
  return { day, checked_at: last.at, alerts: [...keys].flatMap((k) => alertSummary(history, config, k) ?? []) };
}
