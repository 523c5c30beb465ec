// Alerts (`cpi alerts`): what fires now and the history with each delivery's state, the rules and their
// management (add, remove, enable, disable, snooze, mute), a backtest that previews a rule on past
// data, and a check on demand. The rules file and the log live beside the store; `cpi serve` hands
// their AlertFiles to the API. Writes need a token; a backtest and a dry-run check are reads.
import { z } from "zod";
import {
  type AlertFiles,
  type AlertsConfig,
  activeAlerts,
  addAlertRule,
  alertHistory,
  alertRuleJson,
  backtestAlerts,
  checkAlerts,
  checkOutcomeJson,
  editAlertsConfig,
  loadAlertsConfig,
  withoutRuleOrWebhook,
  withoutSilence,
  withRuleEnabled,
  withSilence,
} from "../../../app/alerts/index.js";
import { isUserError, UserError } from "../../../domain/errors.js";
import { smtpMailer } from "../../../notify/smtp-mailer.js";
import { HttpError } from "../../server.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { isoDate } from "../params.js";
import { readOnlyAlertFiles, refusedFetch } from "../read-only.js";
import { activeAlertsResponse, alertCheckResponse, alertHistoryResponse, alertRuleResponse, alertRulesResponse, backtestResponse, silenceResponse } from "../responses/alerts.js";
import { removedResponse } from "../responses/common.js";

function need(files: AlertFiles | undefined): AlertFiles {
  if (!files) throw new HttpError(404, "alerts_off", "alerts are not set up on this server");
  return files;
}

/** Edits the rules file; an unknown rule or silence id in the path is a 404. */
function edit(files: AlertFiles | undefined, change: (c: AlertsConfig) => AlertsConfig): Promise<AlertsConfig> {
  return editAlertsConfig(need(files), change).catch((e: unknown) => {
    if (isUserError(e) && (e.code === "no_rule" || e.code === "no_silence")) throw new HttpError(404, "not_found", e.message);
    throw e;
  });
}

const on = (v: string | undefined) => v === "true" || v === "1";

/** A rule as the rules file holds it (the fields of its kind; the others are refused with a reason). */
const ruleFields = {
  id: z.string().optional().describe("the rule's name (default: kind-metric, e.g. anomaly-cpi)"),
  kind: z.enum(["anomaly", "threshold", "zero-delivery", "pacing"]).describe("what the rule judges"),
  metric: z.string().optional().describe("cpi, cpm, ctr, cost, impressions, …, invalid_rate, discrepancy (not for pacing)"),
  where: z.union([z.string(), z.array(z.string())]).optional().describe("filters as for cpi report: source=meta, campaign~launch"),
  by: z.union([z.string(), z.array(z.string())]).optional().describe("dimensions judged one by one, e.g. campaign"),
  currency: z.string().optional().describe("convert money to this currency (pacing: the budget's currency)"),
  timezone: z.string().optional().describe("zone of tracked events' days"),
  webhooks: z.array(z.string()).optional().describe("destinations by name (default: all)"),
  enabled: z.boolean().optional().describe("false keeps the rule without checking it"),
  description: z.string().optional(),
  direction: z.enum(["up", "down", "both"]).optional().describe("anomaly: which way counts"),
  score: z.number().optional().describe("anomaly: robust standard deviations of a normal day that fire (default 3)"),
  min_effect: z.number().optional().describe("anomaly: the least change from the expected value that fires, as a share (default 0.25)"),
  weeks: z.number().optional().describe("anomaly, zero-delivery: weeks of history (default 8)"),
  min_history: z.number().optional().describe("anomaly: fewest past values on the judged weekday (default 4)"),
  min_impressions: z.number().optional().describe("anomaly, threshold: minimum volume"),
  operator: z.enum([">", ">=", "<", "<="]).optional().describe("threshold: comparison with value"),
  value: z.number().optional().describe("threshold: the limit (a rate as a share: 0.1 = 10 %)"),
  min_expected: z.number().optional().describe("zero-delivery: what it usually delivers at least (default 100)"),
  budget: z.union([z.string(), z.number()]).optional().describe("pacing: the flight's budget, in currency units"),
  from: z.string().optional().describe("pacing: first day of the flight"),
  to: z.string().optional().describe("pacing: last day of the flight"),
  watch: z.enum(["overspend", "underspend", "both"]).optional().describe("pacing: which way counts"),
  tolerance: z.number().optional().describe("pacing: share of the budget tolerated, projected or spent (default 0.05)"),
  grace_days: z.number().optional().describe("pacing: first days of the flight not judged unless already over budget (default 10)"),
};
const ruleId = z.string().min(1).max(64).describe("the rule's id");

export function alertEndpoints(files: AlertFiles | undefined): Endpoint[] {
  return [
    defineEndpoint({
      method: "GET",
      path: "/api/alerts",
      tag: "alerts",
      summary: "The alerts firing on the day the latest check judged, each with where its delivery stands per destination",
      input: "query",
      schema: z.strictObject({}),
      write: false,
      response: activeAlertsResponse,
      handle: async () => {
        const f = need(files);
        return activeAlerts(f, await loadAlertsConfig(f));
      },
    }),
    defineEndpoint({
      method: "GET",
      path: "/api/alerts/history",
      tag: "alerts",
      summary: "Recorded alerts, newest first, with their span, whether they are over and each delivery's state (`cpi alerts history`)",
      input: "query",
      schema: z.strictObject({ limit: z.coerce.number().int().min(1).max(100_000).optional().describe("the last N alerts (default 50)") }),
      write: false,
      response: alertHistoryResponse,
      handle: async (p) => {
        const f = need(files);
        return alertHistory(f, await loadAlertsConfig(f), p.limit ?? 50);
      },
    }),
    defineEndpoint({
      method: "GET",
      path: "/api/alerts/rules",
      tag: "alerts",
      summary: "The alert rules, snoozes and mutes (`cpi alerts list`); destinations by name and format only (their URLs and secrets are withheld)",
      input: "query",
      schema: z.strictObject({}),
      write: false,
      response: alertRulesResponse,
      handle: async () => {
        const config = await loadAlertsConfig(need(files));
        return {
          rules: config.rules.map(alertRuleJson),
          webhooks: config.webhooks.map((w) => ({ name: w.name, format: w.format, signed: w.format !== "email" && w.secret !== undefined })),
          silences: config.silences,
          delivery: { expire_after: config.delivery?.expire_after ?? "7d" },
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/api/alerts/rules",
      tag: "alerts",
      summary: "Add an alert rule (`cpi alerts add`): the fields of a rule in the rules file, checked by the same rules",
      description: "Fields that do not belong to the rule's kind are refused with the others' problems, each named by its field. Answers the rule with its defaults filled in.",
      input: "json",
      schema: z.strictObject(ruleFields),
      write: true,
      response: alertRuleResponse,
      status: 201,
      handle: async (p) => alertRuleJson(await addAlertRule(need(files), p)),
    }),
    defineEndpoint({
      method: "DELETE",
      path: "/api/alerts/rules/{id}",
      tag: "alerts",
      summary: "Remove a rule and its snoozes and mutes (`cpi alerts remove`)",
      input: "query",
      schema: z.strictObject({ id: ruleId }),
      write: true,
      response: removedResponse(z.string()),
      handle: async (p) => {
        await edit(files, (c) => {
          if (!c.rules.some((r) => r.id === p.id)) throw new UserError("no_rule", `no rule named '${p.id}'`);
          return withoutRuleOrWebhook(c, p.id).config;
        });
        return { removed: p.id };
      },
    }),
    ...(["enable", "disable"] as const).map((action) =>
      defineEndpoint({
        method: "POST",
        path: `/api/alerts/rules/{id}/${action}`,
        tag: "alerts",
        summary: action === "enable" ? "Turn a rule on (`cpi alerts enable`)" : "Turn a rule off: it stays, checks skip it (`cpi alerts disable`)",
        input: "query",
        schema: z.strictObject({ id: ruleId }),
        write: true,
        response: alertRuleResponse,
        handle: async (p) => {
          const next = await edit(files, (c) => withRuleEnabled(c, p.id, action === "enable"));
          return next.rules.find((r) => r.id === p.id);
        },
      }),
    ),
    defineEndpoint({
      method: "POST",
      path: "/api/alerts/silences",
      tag: "alerts",
      summary: "Snooze (with `for` or `until`) or mute (neither) a rule's alerts, for all its scopes or those matching `scope` (`cpi alerts snooze|mute`)",
      description: "Silenced alerts are still judged and recorded, not sent. Answers the silence with its id.",
      input: "json",
      schema: z.strictObject({
        rule: ruleId,
        scope: z.record(z.string(), z.string()).optional().describe('dimension values the alert\'s scope must have, e.g. {"campaign": "Brand"}'),
        for: z.string().optional().describe("a snooze's length: 90m, 12h, 3d"),
        until: z.string().optional().describe("a snooze's end: a day (its end, UTC) or a time"),
        note: z.string().max(500).optional(),
      }),
      write: true,
      response: silenceResponse,
      status: 201,
      handle: async (p) => {
        let made: unknown = null;
        await edit(files, (c) => {
          const r = withSilence(c, { rule: p.rule, ...(p.scope ? { scope: p.scope } : {}), ...(p.for ? { for: p.for } : {}), ...(p.until ? { until: p.until } : {}), ...(p.note ? { note: p.note } : {}) }, new Date());
          made = r.silence;
          return r.config;
        });
        return made;
      },
    }),
    defineEndpoint({
      method: "DELETE",
      path: "/api/alerts/silences/{id}",
      tag: "alerts",
      summary: "End a snooze or mute (`cpi alerts unmute`)",
      input: "query",
      schema: z.strictObject({ id: z.string().min(1).max(64).describe("the silence's id") }),
      write: true,
      response: removedResponse(z.array(z.string())),
      handle: async (p) => {
        let removed: string[] = [];
        await edit(files, (c) => {
          if (!c.silences.some((s) => s.id === p.id)) throw new UserError("no_silence", `no snooze or mute named '${p.id}'`);
          const r = withoutSilence(c, p.id);
          removed = r.removed.map((s) => s.id);
          return r.config;
        });
        return { removed };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/api/alerts/backtest",
      tag: "alerts",
      summary: "What rules would have fired on each day of a range (`cpi alerts backtest`): saved rules, or a draft `rule` previewed without saving it",
      description: "Reads only (no token needed on loopback); nothing is recorded or sent. Each rule's data is read once for the whole range.",
      input: "json",
      schema: z.strictObject({
        from: isoDate.describe("the first day judged"),
        to: isoDate.describe("the last day judged"),
        rules: z.array(ruleId).optional().describe("saved rules to run (default: every enabled rule)"),
        rule: z.strictObject(ruleFields).partial({ kind: true }).optional().describe("a rule as for POST /api/alerts/rules, judged without being saved"),
      }),
      write: false,
      response: backtestResponse,
      handle: async (p, { store }) => {
        if (p.rule && p.rules) throw new UserError("bad_request", "give rules (saved rules) or rule (a draft), not both");
        return backtestAlerts(store, need(files), { from: p.from, to: p.to, ...(p.rules ? { rules: p.rules } : {}), ...(p.rule ? { draft: p.rule } : {}) });
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/api/alerts/check",
      tag: "alerts",
      summary: "Evaluate every rule for a day (`cpi alerts check`): records and sends what is owed; with dry_run=true only evaluates",
      description: "A real check records alerts and posts them to the destinations, so it needs a token; a dry run writes and sends nothing.",
      input: "query",
      schema: z.strictObject({ date: isoDate.optional().describe("the day to judge (default: the latest day with data, at most yesterday)"), dry_run: z.enum(["true", "false", "1", "0"]).optional() }),
      write: (p) => !on(p.dry_run),
      response: alertCheckResponse,
      handle: async (p, { store, writes }) => {
        // A dry run holds files it cannot write and a fetch that sends nothing, as its store refuses writes.
        const f = writes ? need(files) : readOnlyAlertFiles(need(files));
        const out = await checkAlerts(store, f, { ...(p.date ? { date: p.date } : {}), dryRun: on(p.dry_run), delivery: writes ? { mailer: smtpMailer() } : { fetch: refusedFetch } });
        return checkOutcomeJson(out);
      },
    }),
  ];
}
