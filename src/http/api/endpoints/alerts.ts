// Alerts (`cpi alerts`): what fires now, the rules, and a check on demand. The rules file and the
// alerts log live beside the store; `cpi serve` hands their AlertFiles to the API.
import { z } from "zod";
import { type AlertFiles, activeAlerts, addAlertRule, checkAlerts, loadAlertsConfig } from "../../../app/alerts/index.js";
import { HttpError } from "../../server.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { isoDate } from "../params.js";
import { readOnlyAlertFiles, refusedFetch } from "../read-only.js";

function need(files: AlertFiles | undefined): AlertFiles {
  if (!files) throw new HttpError(404, "alerts_off", "alerts are not set up on this server");
  return files;
}

const on = (v: string | undefined) => v === "true" || v === "1";

export function alertEndpoints(files: AlertFiles | undefined): Endpoint[] {
  return [
    defineEndpoint({
      method: "GET",
      path: "/api/alerts",
      tag: "alerts",
      summary: "The alerts firing on the day the latest check judged, with how their webhook sends went",
      input: "query",
      schema: z.strictObject({}),
      write: false,
      handle: async () => activeAlerts(need(files)),
    }),
    defineEndpoint({
      method: "GET",
      path: "/api/alerts/rules",
      tag: "alerts",
      summary: "The alert rules (`cpi alerts list`); webhooks by name only (their URLs are secrets)",
      input: "query",
      schema: z.strictObject({}),
      write: false,
      handle: async () => {
        const f = need(files);
        const config = await loadAlertsConfig(f);
        return { rules: config.rules, webhooks: config.webhooks.map((w) => ({ name: w.name, format: w.format })) };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/api/alerts/rules",
      tag: "alerts",
      summary: "Add an alert rule (`cpi alerts add`): the fields of a rule in the rules file, checked by the same rules",
      description: "Fields that do not belong to the rule's kind are refused with the others' problems, each named by its field.",
      input: "json",
      schema: z.strictObject({
        id: z.string().optional().describe("the rule's name (default: kind-metric, e.g. anomaly-cpi)"),
        kind: z.enum(["anomaly", "threshold", "zero-delivery", "pacing"]).describe("what the rule judges"),
        metric: z.string().optional().describe("cpi, cpm, ctr, cost, impressions, …, invalid_rate, discrepancy (not for pacing)"),
        where: z.union([z.string(), z.array(z.string())]).optional().describe("filters as for cpi report: source=meta, campaign~launch"),
        by: z.union([z.string(), z.array(z.string())]).optional().describe("dimensions judged one by one, e.g. campaign"),
        currency: z.string().optional().describe("convert money to this currency (pacing: the budget's currency)"),
        timezone: z.string().optional().describe("zone of tracked events' days"),
        webhooks: z.array(z.string()).optional().describe("webhooks by name (default: all)"),
        enabled: z.boolean().optional(),
        description: z.string().optional(),
        direction: z.enum(["up", "down", "both"]).optional().describe("anomaly: which way counts"),
        score: z.number().optional().describe("anomaly: robust z-score that fires (default 4)"),
        weeks: z.number().optional().describe("anomaly, zero-delivery: past weeks of the same weekday"),
        minHistory: z.number().optional().describe("anomaly: fewest past same weekdays"),
        minImpressions: z.number().optional().describe("anomaly, threshold: minimum volume"),
        operator: z.enum([">", ">=", "<", "<="]).optional().describe("threshold: comparison with value"),
        value: z.number().optional().describe("threshold: the limit (a rate as a share: 0.1 = 10 %)"),
        minExpected: z.number().optional().describe("zero-delivery: what it usually delivers at least"),
        budget: z.union([z.string(), z.number()]).optional().describe("pacing: the flight's budget"),
        from: z.string().optional().describe("pacing: first day of the flight"),
        to: z.string().optional().describe("pacing: last day of the flight"),
        watch: z.enum(["overspend", "underspend", "both"]).optional().describe("pacing: which way counts"),
        tolerance: z.number().optional().describe("pacing: share of the budget tolerated (default 0.05)"),
      }),
      write: true,
      status: 201,
      handle: async (p) => addAlertRule(need(files), p),
    }),
    defineEndpoint({
      method: "POST",
      path: "/api/alerts/check",
      tag: "alerts",
      summary: "Evaluate every rule for a day (`cpi alerts check`): records and sends new alerts; with dry_run=true only evaluates",
      description: "A real check records alerts and posts them to the webhooks, so it needs a token; a dry run writes and sends nothing.",
      input: "query",
      schema: z.strictObject({ date: isoDate.optional().describe("the day to judge (default: the latest day with data, at most yesterday)"), dry_run: z.enum(["true", "false", "1", "0"]).optional() }),
      write: (p) => !on(p.dry_run),
      handle: async (p, { store, writes }) => {
        // A dry run holds files it cannot write and a fetch that sends nothing, as its store refuses writes.
        const dryRun = on(p.dry_run);
        const f = writes ? need(files) : readOnlyAlertFiles(need(files));
        const out = await checkAlerts(store, f, { ...(p.date ? { date: p.date } : {}), dryRun, ...(writes ? {} : { delivery: { fetch: refusedFetch } }) });
        return {
          day: out.day,
          rules: out.rules,
          evaluated: out.evaluations.length,
          fired: out.fired.map((f) => ({ ...f.record, is_new: f.isNew, deliveries: f.deliveries })),
          errors: out.errors,
          warnings: out.warnings,
          delivery_failures: out.deliveryFailures,
        };
      },
    }),
  ];
}
