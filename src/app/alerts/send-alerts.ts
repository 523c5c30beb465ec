import { addDays, type IsoDate } from "../../domain/dates.js";
import type { AlertFiles } from "./alert-files.js";
import { type AlertHistory, type AlertRecord, type CheckRecord, logLine, readAlertHistory, type SendRecord } from "./alert-log.js";
import { digestBody, webhookBody } from "./alert-message.js";
import type { AlertsConfig } from "./alert-rule.js";
import type { ScopeEvaluation } from "./evaluate-rule.js";
import { type DeliveryOptions, deliverWebhook } from "./webhook.js";

/** More alerts than this for a Slack-format webhook in one check go out as one message. */
export const DIGEST_AT = 5;

/** How one alert went to one webhook in this check. */
export interface Delivery {
  webhook: string;
  /** sent now; sent by an earlier check; failed after every attempt; skipped (dry run, or the webhook already failed in this check). */
  status: "sent" | "sent-earlier" | "failed" | "skipped";
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

export interface SendContext {
  day: IsoDate;
  now: () => Date;
  dryRun: boolean;
  delivery: DeliveryOptions;
  summary: { rules: number; scopes: number; errors: number };
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
    if (r.type !== "alert" || r.rule !== e.rule.id || r.scopeLabel !== e.scopeLabel || !r.key.endsWith(`/${e.state ?? ""}`)) continue;
    if (r.day >= addDays(e.since, -1) && r.since < since) since = r.since;
  }
  return since;
}

/**
 * Under the alerts lock: records each fired alert once per day in the log, posts every alert not yet
 * delivered to each of its webhooks (every attempt recorded as it ends; more than DIGEST_AT for a
 * Slack-format webhook as one message), and records the check. A webhook that fails every attempt is
 * not tried again for the rest of this check (the next check retries).
 * @example await recordAndSend(files, config, firing, { day: "2026-10-14", now: () => new Date(), dryRun: false, delivery: {}, summary })
 */
export async function recordAndSend(
  files: AlertFiles,
  config: AlertsConfig,
  firing: readonly ScopeEvaluation[],
  ctx: SendContext,
): Promise<{ fired: FiredAlert[]; failures: number; warnings: string[] }> {
  const run = async () => {
    const history = readAlertHistory(await files.readLog());
    const warnings = history.skippedLines > 0 ? [`${history.skippedLines} unreadable line(s) of ${files.logPath} skipped`] : [];
    const at = () => ctx.now().toISOString();
    const fired: FiredAlert[] = firing.map((found) => {
      const e = { ...found, since: continuedSince(found, history) };
      const key = alertKey(e);
      const v = e.evaluation;
      const isNew = !history.firstByKey.has(key);
      const record: AlertRecord = {
        type: "alert",
        key,
        rule: e.rule.id,
        kind: e.rule.kind,
        metric: e.rule.kind === "pacing" ? "cost" : e.rule.metric,
        scope: e.scope,
        scopeLabel: e.scopeLabel,
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
        at: at(),
      };
      return { record, evaluation: e, isNew, deliveries: [] };
    });
    const fresh = fired.filter((f) => !history.recordedDays.has(`${f.record.key}\u0000${f.record.day}`));
    if (!ctx.dryRun && fresh.length > 0) await files.appendLog(fresh.map((f) => logLine(f.record)));
    let failures = 0;
    for (const hook of config.webhooks) {
      const mine = fired.filter((f) => !f.evaluation.rule.webhooks || f.evaluation.rule.webhooks.includes(hook.name));
      const pending: FiredAlert[] = [];
      for (const f of mine) {
        if (history.delivered.has(`${f.record.key}\u0000${hook.name}`)) f.deliveries.push({ webhook: hook.name, status: "sent-earlier", attempts: 0, error: null });
        else if (ctx.dryRun) f.deliveries.push({ webhook: hook.name, status: "skipped", attempts: 0, error: "dry run" });
        else pending.push(f);
      }
      // Many alerts at once into a chat channel: one message listing them, not a flood.
      const batches = hook.format === "slack" && pending.length > DIGEST_AT ? [pending] : pending.map((f) => [f]);
      let down = false;
      for (const batch of batches) {
        if (down) {
          for (const f of batch) f.deliveries.push({ webhook: hook.name, status: "skipped", attempts: 0, error: "the webhook failed earlier in this check; the next check retries" });
          continue;
        }
        const body = batch.length === 1 ? webhookBody(hook, (batch[0] as FiredAlert).record) : digestBody(ctx.day, batch.map((f) => f.record));
        const r = await deliverWebhook(hook, body, ctx.delivery, async (a) => {
          await files.appendLog(batch.map((f) => logLine({ type: "send", key: f.record.key, webhook: hook.name, ...a, at: at() } satisfies SendRecord)));
        });
        for (const f of batch) f.deliveries.push({ webhook: hook.name, status: r.ok ? "sent" : "failed", attempts: r.attempts, error: r.lastError });
        if (!r.ok) {
          failures += batch.length;
          down = true;
        }
      }
    }
    if (!ctx.dryRun) {
      const check: CheckRecord = { type: "check", day: ctx.day, ...ctx.summary, fired: fired.length, new: fired.filter((f) => f.isNew).length, at: at() };
      await files.appendLog([logLine(check)]);
    }
    return { fired, failures, warnings };
  };
  return ctx.dryRun ? run() : files.withLock(run);
}
