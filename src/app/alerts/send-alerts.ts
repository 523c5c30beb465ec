import { addDays, type IsoDate } from "../../domain/dates.js";
import type { AlertFiles } from "./alert-files.js";
import { type AlertHistory, type AlertRecord, type CheckRecord, type LogRecord, logLine, noticeId, type QueuedRecord, type ResolvedRecord, readAlertHistory, type SendRecord } from "./alert-log.js";
import type { AlertsConfig } from "./alert-rule.js";
import { chatBody, jsonBody, mailMessage } from "./destination-body.js";
import type { ScopeEvaluation } from "./evaluate-rule.js";
import { type Due, dueNotices, targetsOf } from "./outbox.js";
import { activeSilence } from "./silences.js";
import { type DeliveryOptions, deliverWebhook, type Payload } from "./webhook.js";

/** More notices than this for a chat or email destination in one check go out as one message. */
export const DIGEST_AT = 5;

/** How one notice went to one destination in this check. */
export interface Delivery {
  webhook: string;
  /**
   * sent now; sent by an earlier check; failed after every attempt (queued for the next check);
   * skipped (dry run, or the destination already failed in this check); silenced (a snooze or mute);
   * expired (not delivered within `delivery.expire_after`: given up).
   */
  status: "sent" | "sent-earlier" | "failed" | "skipped" | "silenced" | "expired";
  attempts: number;
  error: string | null;
}

/** A fired alert of a check. */
export interface FiredAlert {
  record: AlertRecord;
  evaluation: ScopeEvaluation;
  /** True when this check is the first to see this alert (rule, scope, episode). */
  isNew: boolean;
  deliveries: Delivery[];
}

/** A notice of an earlier check delivered (or tried) by this one: an alert queued while its destination was down, or a "back to normal". */
export interface LateDelivery extends Delivery {
  key: string;
  notice: "alert" | "resolved";
  text: string;
}

export interface SendContext {
  day: IsoDate;
  now: () => Date;
  dryRun: boolean;
  delivery: DeliveryOptions;
  /** How long an undelivered alert stays queued after it last fired. */
  expireMs: number;
  /** The rules this check judged (alerts of other rules are neither resolved nor re-judged). */
  rules: readonly string[];
  summary: { rules: number; scopes: number; errors: number };
}

export interface SendOutcome {
  fired: FiredAlert[];
  /** Alerts found back to normal by this check. */
  resolved: ResolvedRecord[];
  /** Deliveries of notices other than this check's fired alerts (queued alerts, "back to normal"). */
  other: LateDelivery[];
  failures: number;
  warnings: string[];
}

/**
 * The identity of an alert: rule, scope, first day of the episode and its state (direction or pacing status).
 * @example alertKey(e) // "cpi-up/campaign=Launch Q4/2026-10-14/up"
 */
export function alertKey(e: ScopeEvaluation): string {
  return `${e.rule.id}/${e.scopeLabel}/${e.since ?? e.day}/${e.state ?? ""}`;
}

/**
 * The first day of an episode that reaches back beyond the days evaluated: the earliest `since` of the
 * same rule, scope and state recorded on a day the episode covers (so a weeks-long condition stays one alert).
 */
function continuedSince(e: ScopeEvaluation, history: AlertHistory): string | null {
  if (!e.sinceOpen || e.since === null) return e.since;
  let since = e.since;
  for (const r of history.records) {
    if (r.type !== "alert" || r.rule !== e.rule.id || r.scope_label !== e.scopeLabel || !r.key.endsWith(`/${e.state ?? ""}`)) continue;
    if (r.day >= addDays(e.since, -1) && r.since < since) since = r.since;
  }
  return since;
}

function alertRecord(e: ScopeEvaluation, key: string, isNew: boolean, at: string): AlertRecord {
  const v = e.evaluation;
  return {
    type: "alert",
    key,
    rule: e.rule.id,
    kind: e.rule.kind,
    metric: e.rule.kind === "pacing" ? "cost" : e.rule.metric,
    scope: e.scope,
    scope_label: e.scopeLabel,
    day: e.day,
    since: e.since ?? e.day,
    value: v.value,
    baseline: v.baseline,
    spread: v.spread,
    score: v.score,
    threshold: v.threshold,
    direction: v.direction,
    message: v.message,
    ...(e.counts && v.value !== null ? { reported: e.counts.reported, tracked: e.counts.tracked, gap: v.value } : {}),
    first: isNew,
    at,
  };
}

/**
 * Alerts of an earlier day that this check finds over: their scope judged (not skipped) on a later day
 * and not in the same episode any more.
 */
function resolutions(history: AlertHistory, evaluations: readonly ScopeEvaluation[], firedKeys: ReadonlySet<string>, ctx: SendContext, at: string): ResolvedRecord[] {
  const out: ResolvedRecord[] = [];
  for (const last of history.lastByKey.values()) {
    if (history.resolved.has(last.key) || firedKeys.has(last.key) || last.day >= ctx.day || !ctx.rules.includes(last.rule)) continue;
    const now = evaluations.find((e) => e.rule.id === last.rule && e.scopeLabel === last.scope_label);
    if (!now || now.evaluation.skipped) continue;
    const first = history.firstByKey.get(last.key) ?? last;
    out.push({ type: "resolved", key: last.key, rule: last.rule, scope: last.scope, scope_label: last.scope_label, day: ctx.day, since: first.since, last_day: last.day, message: now.evaluation.message, at });
  }
  return out;
}

/** The payload a destination gets for a batch of notices. */
function payloadOf(batch: readonly Due[], day: string): Payload {
  const w = (batch[0] as Due).webhook;
  const key = batch.length === 1 ? `${(batch[0] as Due).alert.key}${(batch[0] as Due).notice === "resolved" ? "/resolved" : ""}` : `digest/${day}/${batch.map((d) => d.alert.key).join("|")}`;
  if (w.format === "email") return { kind: "mail", mail: mailMessage(batch, day), key };
  if (w.format === "json") return { kind: "http", body: jsonBody(batch[0] as Due), key };
  return { kind: "http", body: chatBody(w.format, batch, day), key };
}

/**
 * Under the alerts lock: records each fired alert once per day, records the alerts found back to
 * normal, then delivers what the outbox owes (this check's alerts, alerts queued by earlier checks,
 * "back to normal" notices), every attempt recorded as it ends; more than DIGEST_AT notices for a
 * chat or email destination go as one message, a json destination gets one POST each. A destination
 * that fails every attempt is not tried again in this check (the next check retries).
 * @example await recordAndSend(files, config, evaluations, { day: "2026-10-14", now: () => new Date(), dryRun: false, delivery: {}, expireMs, rules, summary })
 */
export async function recordAndSend(files: AlertFiles, config: AlertsConfig, evaluations: readonly ScopeEvaluation[], ctx: SendContext): Promise<SendOutcome> {
  const run = async (): Promise<SendOutcome> => {
    let text = await files.readLog();
    const history = readAlertHistory(text);
    const warnings = history.skippedLines > 0 ? [`${history.skippedLines} unreadable line(s) of ${files.logPath} skipped`] : [];
    const at = () => ctx.now().toISOString();
    const write = async (records: LogRecord[]) => {
      if (records.length === 0) return;
      const lines = records.map(logLine);
      text += lines.map((l) => `${l}\n`).join("");
      if (!ctx.dryRun) await files.appendLog(lines);
    };
    const fired: FiredAlert[] = evaluations
      .filter((e) => e.evaluation.fired)
      .map((found) => {
        const e = { ...found, since: continuedSince(found, history) };
        const key = alertKey(e);
        const isNew = !history.firstByKey.has(key);
        return { record: alertRecord(e, key, isNew, at()), evaluation: e, isNew, deliveries: [] };
      });
    await write(fired.filter((f) => !history.recordedDays.has(`${f.record.key}\u0000${f.record.day}`)).map((f) => f.record));
    const resolved = resolutions(history, evaluations, new Set(fired.map((f) => f.record.key)), ctx, at());
    await write(resolved);

    const now = ctx.now();
    const known = readAlertHistory(text);
    const results = new Map<string, Delivery>();
    const other: LateDelivery[] = [];
    const down = new Set<string>();
    let failures = 0;
    const firedKeys = new Set(fired.map((f) => f.record.key));
    const deliverAll = async (due: Due[]) => {
      for (const hook of config.webhooks) {
        const mine = due.filter((d) => d.webhook.name === hook.name);
        const batches = hook.format !== "json" && mine.length > DIGEST_AT ? [mine] : mine.map((d) => [d]);
        for (const batch of batches) {
          let result: Delivery;
          if (ctx.dryRun) result = { webhook: hook.name, status: "skipped", attempts: 0, error: "dry run" };
          else if (down.has(hook.name)) {
            result = { webhook: hook.name, status: "skipped", attempts: 0, error: "the destination failed earlier in this check; the next check retries" };
            await write(batch.map((d) => ({ type: "queued", key: d.alert.key, notice: d.notice, webhook: hook.name, at: at() }) satisfies QueuedRecord));
          } else {
            const r = await deliverWebhook(hook, payloadOf(batch, ctx.day), ctx.delivery, async (a) => {
              await write(batch.map((d) => ({ type: "send", key: d.alert.key, notice: d.notice, webhook: hook.name, ...a, at: at() }) satisfies SendRecord));
            });
            result = { webhook: hook.name, status: r.ok ? "sent" : "failed", attempts: r.attempts, error: r.lastError };
            if (r.ok) for (const d of batch) known.delivered.add(noticeId(d.notice, d.alert.key, hook.name));
            else {
              failures += batch.length;
              down.add(hook.name);
            }
          }
          for (const d of batch) {
            results.set(noticeId(d.notice, d.alert.key, hook.name), result);
            if (d.notice !== "alert" || !firedKeys.has(d.alert.key)) other.push({ ...result, key: d.alert.key, notice: d.notice, text: d.notice === "resolved" ? "back to normal" : "queued earlier" });
          }
        }
      }
    };
    const expireMs = ctx.expireMs;
    const first = dueNotices(config, known, firedKeys, now, expireMs);
    await write([...first.expire, ...first.suppress]);
    for (const e of first.expire) known.expired.add(noticeId(e.notice, e.key, e.webhook));
    await deliverAll(first.due.filter((d) => d.notice === "alert"));
    // "Back to normal" after the alerts, so an alert delivered late in this check is followed by its end.
    await deliverAll(dueNotices(config, known, firedKeys, now, expireMs).due.filter((d) => d.notice === "resolved"));

    for (const f of fired) {
      const silence = activeSilence(config.silences, f.record.rule, f.record.scope, now);
      for (const w of targetsOf(config, f.record.rule)) {
        const id = noticeId("alert", f.record.key, w.name);
        const now = results.get(id);
        if (now) f.deliveries.push(now);
        else if (history.delivered.has(id)) f.deliveries.push({ webhook: w.name, status: "sent-earlier", attempts: 0, error: null });
        else if (known.expired.has(id)) f.deliveries.push({ webhook: w.name, status: "expired", attempts: 0, error: null });
        else if (silence) f.deliveries.push({ webhook: w.name, status: "silenced", attempts: 0, error: silence.until ? `snoozed until ${silence.until} (${silence.id})` : `muted (${silence.id})` });
      }
    }
    const check: CheckRecord = {
      type: "check",
      day: ctx.day,
      ...ctx.summary,
      fired: fired.length,
      new: fired.filter((f) => f.isNew).length,
      resolved: resolved.length,
      at: at(),
    };
    await write([check]);
    return { fired, resolved, other, failures, warnings };
  };
  return ctx.dryRun ? run() : files.withLock(run);
}
