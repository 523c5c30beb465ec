// Alerts (`cpi alerts`): what fires now, the rules, and a check on demand. The rules file and the
// alerts log live beside the store; `cpi serve` hands their AlertFiles to the API.
import { z } from "zod";
import { activeAlerts, type AlertFiles, checkAlerts, loadAlertsConfig } from "../../../app/alerts/index.js";
import { HttpError } from "../../server.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { isoDate } from "../params.js";

function need(files: AlertFiles | undefined): AlertFiles {
  if (!files) throw new HttpError(404, "alerts_off", "alerts are not set up on this server");
  return files;
}

const dryRun = (q: URLSearchParams) => ["true", "1"].includes(q.get("dry_run") ?? "");

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
      path: "/api/alerts/check",
      tag: "alerts",
      summary: "Evaluate every rule for a day (`cpi alerts check`): records and sends new alerts; with dry_run=true only evaluates",
      description: "A real check records alerts and posts them to the webhooks, so it needs a token; a dry run writes and sends nothing.",
      input: "query",
      schema: z.strictObject({ date: isoDate.optional().describe("the day to judge (default: the latest day with data, at most yesterday)"), dry_run: z.enum(["true", "false", "1", "0"]).optional() }),
      write: (q) => !dryRun(q),
      handle: async (p, { store }) => {
        const out = await checkAlerts(store, need(files), { ...(p.date ? { date: p.date } : {}), dryRun: p.dry_run === "true" || p.dry_run === "1" });
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
