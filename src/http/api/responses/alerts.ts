// Answers of the alerts endpoints: an alert as recorded and shown (alertJson in app/alerts), the
// rules file's parts, backtests and checks (see common.ts).
import { z } from "zod";
import { day, nullableNum, num } from "./common.js";

const alertCore = {
  key: z.string(),
  rule: z.string(),
  kind: z.enum(["anomaly", "threshold", "zero-delivery", "pacing"]),
  metric: z.string().nullable(),
  scope: z.record(z.string(), z.string()).describe("the dimension values of the scope ({} for the rule's whole filtered scope)"),
  scope_label: z.string(),
  day,
  since: day.describe("the episode's first day"),
  value: nullableNum,
  baseline: nullableNum,
  spread: nullableNum,
  score: nullableNum,
  threshold: nullableNum,
  direction: z.enum(["up", "down"]).nullable(),
  message: z.string(),
  reported: num.optional().describe("discrepancy alerts: impressions the platforms reported"),
  tracked: num.optional().describe("discrepancy alerts: impressions tracked first-party"),
  gap: num.optional().describe("discrepancy alerts: (tracked − reported) ÷ reported"),
};

const deliveryState = z.strictObject({
  webhook: z.string(),
  notice: z.string(),
  state: z.enum(["sent", "pending", "silenced", "expired"]),
  attempts: num,
  last_error: z.string().nullable(),
  sent_at: z.string().nullable(),
});

const alertSummary = z.strictObject({
  ...alertCore,
  last_day: day,
  first_seen_at: z.string(),
  resolved_on: day.nullable(),
  deliveries: z.array(deliveryState),
});

export const activeAlertsResponse = z.strictObject({ day: day.nullable(), checked_at: z.string().nullable(), alerts: z.array(alertSummary) });

export const alertHistoryResponse = z.strictObject({ alerts: z.array(alertSummary), skipped_lines: num.describe("log lines that could not be read") });

/** A rule as the rules file holds it, with its defaults filled in. */
export const alertRuleResponse = z
  .object({
    id: z.string(),
    kind: z.enum(["anomaly", "threshold", "zero-delivery", "pacing"]),
    where: z.array(z.string()),
    by: z.array(z.string()),
    enabled: z.boolean().optional(),
  })
  .catchall(z.union([z.string(), num, z.boolean(), z.array(z.string())]))
  .describe("the fields of its kind, as POST /api/alerts/rules takes them");

export const silenceResponse = z.strictObject({
  id: z.string(),
  rule: z.string(),
  scope: z.record(z.string(), z.string()),
  until: z.string().nullable().describe("when a snooze ends; null for a mute"),
  created_at: z.string(),
  note: z.string().optional(),
});

export const alertRulesResponse = z.strictObject({
  rules: z.array(alertRuleResponse),
  webhooks: z.array(z.strictObject({ name: z.string(), format: z.string(), signed: z.boolean() })).describe("destinations by name and format; their URLs and secrets are withheld"),
  silences: z.array(silenceResponse),
  delivery: z.strictObject({ expire_after: z.string() }),
});

export const backtestResponse = z.strictObject({
  from: day,
  to: day,
  days: num,
  rules: z.array(
    z.strictObject({
      rule: z.string(),
      kind: z.string(),
      enabled: z.boolean(),
      scopes: num,
      alerts: num,
      days_firing: num,
      skipped: z.record(z.string(), num).describe("scope-days not judged, by reason"),
    }),
  ),
  alerts: z.array(
    z.strictObject({
      rule: z.string(),
      kind: z.string(),
      scope: z.record(z.string(), z.string()),
      scope_label: z.string(),
      since: day,
      until: day,
      days: num,
      direction: z.enum(["up", "down"]).nullable(),
      state: z.string(),
      value: nullableNum,
      baseline: nullableNum,
      score: nullableNum,
      message: z.string(),
    }),
  ),
  errors: z.array(z.strictObject({ rule: z.string(), message: z.string() })),
  warnings: z.array(z.string()),
});

const attempt = z.object({ webhook: z.string(), status: z.string(), attempts: num.optional(), error: z.string().optional() }).catchall(z.unknown());

export const alertCheckResponse = z.strictObject({
  day: day.nullable(),
  rules: num,
  scopes: num,
  fired: z.array(z.object({ ...alertCore, type: z.literal("alert"), first: z.boolean(), at: z.string(), new: z.boolean(), deliveries: z.array(attempt) })),
  resolved: z.array(z.object({ key: z.string() }).catchall(z.unknown())),
  other_deliveries: z.array(attempt),
  skipped: z.array(z.strictObject({ rule: z.string(), scope: z.string(), reason: z.string(), message: z.string().optional() })),
  quiet: num,
  errors: z.array(z.unknown()),
  warnings: z.array(z.string()),
  delivery_failures: num,
});
