import type { Command } from "commander";
import {
  type AlertFiles,
  type AlertRecord,
  type AlertSchedule,
  type AlertsConfig,
  activeAlerts,
  checkAlerts,
  loadAlertsConfig,
  parseInterval,
  readAlertHistory,
  serializeAlertsConfig,
  startAlertSchedule,
  validateRule,
  validateWebhook,
  withoutRuleOrWebhook,
  withRule,
  withWebhook,
} from "../../app/alerts/index.js";
import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import { besideStore, openAlertFiles, withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, exitWith, outputFormat, toJson } from "../options.js";
import { renderTable } from "../render/table.js";
import { flagIssues, ruleFromFlags } from "./alerts-flags.js";
import { redactUrl, renderCheck, renderRules, skippedSummary } from "./alerts-render.js";

const DB = "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)";
const CONFIG = "the rules file (default: beside the store, cpi.duckdb → cpi.alerts.json; or $CPI_ALERTS)";

/**
 * The rules file a command uses: --config, else $CPI_ALERTS, else beside the DuckDB store
 * (./cpi.duckdb → ./cpi.alerts.json), else ./cpi.alerts.json for a ClickHouse store.
 */
export function alertsConfigPath(o: { config?: string; db?: string; store?: string }, io: CliIo): string {
  return besideStore(o, io, o.config, "CPI_ALERTS", "alerts");
}

/**
 * For `cpi serve --alerts-every 15m`: checks the interval and the rules file now (a bad one stops the
 * server from starting), and returns what starts the schedule on the server's Store. The rules file is
 * read again by every check, so `cpi alerts add` while serving takes effect at the next one.
 */
export async function alertSchedule(o: { every: string; config?: string; db?: string; store?: string }, io: CliIo): Promise<(store: Store) => AlertSchedule> {
  const everyMs = parseInterval(o.every);
  const files = openAlertFiles(alertsConfigPath(o, io));
  const rules = (await loadAlertsConfig(files)).rules.filter((r) => r.enabled !== false);
  if (rules.length === 0) throw new UserError("no_rules", `--alerts-every: no alert rules in ${files.configPath}: add one with 'cpi alerts add'`);
  io.err(`cpi serve: checking ${rules.length} alert rule(s) of ${files.configPath} every ${o.every.trim()}\n`);
  return (store) => startAlertSchedule(store, { files, everyMs, log: (m) => io.err(`${m}\n`) });
}

async function editConfig(files: AlertFiles, edit: (c: AlertsConfig) => AlertsConfig): Promise<AlertsConfig> {
  return files.withLock(async () => {
    const next = edit(await loadAlertsConfig(files));
    await files.writeConfig(serializeAlertsConfig(next));
    return next;
  });
}

/** `cpi alerts add|list|remove|webhook|check|history`: watch the numbers, say the day they move. */
export function registerAlerts(program: Command, io: CliIo): void {
  const alerts = program.command("alerts").description("alert rules: CPI spikes, delivery stops, thresholds and budget pacing, checked on the store and posted to webhooks");
  const files = (o: Record<string, unknown>) => openAlertFiles(alertsConfigPath(o, io));

  alerts
    .command("add")
    .description("add a rule to the rules file")
    .requiredOption("--kind <kind>", "anomaly, threshold, zero-delivery or pacing")
    .option("--metric <name>", "cpi, cpm, ctr, cost (spend), impressions, clicks, cpc, cpa, invalid_rate, discrepancy (tracked vs reported), … (zero-delivery: impressions)")
    .option("--where <filter>", "scope: DIM=VALUE, DIM!=VALUE, DIM~TEXT (repeatable)", collect, [])
    .option("--by <dims>", "judge each value separately, e.g. campaign or campaign,placement (discrepancy: campaign, placement)")
    .option("--id <id>", "the rule's name (default from kind and metric)")
    .option("--direction <dir>", "anomaly: up, down or both", undefined)
    .option("--score <z>", "anomaly: robust z-score that fires (default 4)")
    .option("--weeks <n>", "anomaly, zero-delivery: weeks of same-weekday history (default 8)")
    .option("--min-history <n>", "anomaly: fewest same-weekday values needed (default 4)")
    .option("--min-impressions <n>", "skip scopes with fewer impressions (anomaly default 1000, threshold 0)")
    .option("--above <value>", "threshold: fire when the metric is above this (0.1 or 10% for a rate; discrepancy: the gap's size, either way)")
    .option("--below <value>", "threshold: fire when the metric is below this")
    .option("--min-expected <n>", "zero-delivery: only where the usual value is at least this (default 100)")
    .option("--budget <amount>", "pacing: the flight's budget")
    .option("--from <date>", "pacing: the flight's first day")
    .option("--to <date>", "pacing: the flight's last day")
    .option("--watch <what>", "pacing: overspend, underspend or both (default)")
    .option("--tolerance <percent>", "pacing: projected end spend within this % of budget is on track (default 5)")
    .option("--currency <code>", "convert money to this currency (pacing: the budget's currency)")
    .option("--timezone <zone>", "days of tracked events in this zone (discrepancy: the publisher's reporting zone)")
    .option("--webhook <name>", "notify only these webhooks (repeatable; default all)", collect, [])
    .option("--description <text>", "a note shown with the rule")
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .option("--format <format>", "table or json", "table")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi alerts add --kind anomaly --metric cpi --by campaign --direction up
  $ cpi alerts add --kind anomaly --metric impressions --where source=meta --by campaign --score 5
  $ cpi alerts add --kind threshold --metric cpm --above 15 --by campaign --min-impressions 5000
  $ cpi alerts add --kind zero-delivery --by campaign
  $ cpi alerts add --kind pacing --where "campaign=Launch Q4" --budget 5000 --currency USD --from 2026-10-01 --to 2026-11-15
  $ cpi alerts add --kind threshold --metric invalid_rate --above 0.1 --by placement
  $ cpi alerts add --kind threshold --metric discrepancy --above 10% --where source=direct --by campaign,placement --id tag-gap
  $ cpi alerts add --kind anomaly --metric discrepancy --by campaign --timezone America/New_York

The discrepancy is (tracked − reported) ÷ reported impressions per scope and day, as 'cpi discrepancy'
computes it: --where chooses the reported data (campaign and placement filters apply to the tracked
events too), --timezone is the zone tracked events are counted in. A threshold holds the gap's size
against the limit (--above 10% fires at −12 % and at +12 %); an anomaly judges the signed gap.`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const f = files(o);
      let added: Record<string, unknown> = {};
      await editConfig(f, (config) => {
        const raw = ruleFromFlags(o, config);
        const { rule, issues } = validateRule(raw, config.webhooks.map((w) => w.name));
        if (!rule) throw flagIssues(issues);
        added = rule as unknown as Record<string, unknown>;
        return withRule(config, rule);
      });
      if (format === "json") io.out(toJson(added));
      else io.err(`added rule '${added.id}' to ${f.configPath}\n`);
    });

  alerts
    .command("list")
    .description("the rules and webhooks (and check that the rules file is valid)")
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .option("--format <format>", "table or json", "table")
    .addHelpText("after", "\nExamples:\n  $ cpi alerts list\n  $ cpi alerts list --config /etc/cpi/alerts.json --format json")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const f = files(o);
      const config = await loadAlertsConfig(f);
      const webhooks = config.webhooks.map((w) => ({ ...w, url: redactUrl(w.url) }));
      if (format === "json") io.out(toJson({ config: f.configPath, rules: config.rules, webhooks }));
      else io.out(renderRules(config.rules, config.webhooks, f.configPath));
    });

  alerts
    .command("remove")
    .description("remove a rule (or a webhook) by name")
    .argument("<id>", "the rule's id or the webhook's name ('cpi alerts list')")
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .addHelpText("after", "\nExamples:\n  $ cpi alerts remove anomaly-cpi\n  $ cpi alerts remove slack")
    .action(async (id: string, o) => {
      const f = files(o);
      let removed = "";
      await editConfig(f, (config) => {
        const r = withoutRuleOrWebhook(config, id);
        removed = r.removed;
        return r.config;
      });
      io.err(`removed ${removed} '${id}' from ${f.configPath}\n`);
    });

  const webhook = alerts.command("webhook").description("where fired alerts are posted");
  webhook
    .command("add")
    .description("add a webhook: every rule notifies it unless the rule names its webhooks")
    .argument("<url>", "http(s) URL that accepts a JSON POST")
    .option("--name <name>", "its name (default webhook, webhook-2, …)")
    .option("--slack", 'post Slack\'s {"text": …} (also Mattermost, Rocket.Chat, Discord\'s /slack endpoint)')
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .addHelpText(
      "after",
      "\nExamples:\n  $ cpi alerts webhook add https://hooks.slack.com/services/T000/B000/XXXX --name ops --slack\n  $ cpi alerts webhook add https://alerts.example.com/cpi --name pager",
    )
    .action(async (url: string, o) => {
      const f = files(o);
      let name = "";
      await editConfig(f, (config) => {
        name = o.name ?? (config.webhooks.some((w) => w.name === "webhook") ? nextName(config) : "webhook");
        const { webhook: w, issues } = validateWebhook({ name, url, format: o.slack ? "slack" : "json" });
        if (!w) throw new UserError("bad_flag", issues.map((i) => `${i.field === "url" ? "URL" : `--${i.field}`}: ${i.message}`).join("; "));
        return withWebhook(config, w);
      });
      io.err(`added webhook '${name}' (${redactUrl(url)}) to ${f.configPath}\n`);
    });
  webhook
    .command("remove")
    .description("remove a webhook")
    .argument("<name>", "the webhook's name")
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .addHelpText("after", "\nExamples:\n  $ cpi alerts webhook remove ops")
    .action(async (name: string, o) => {
      const f = files(o);
      await editConfig(f, (config) => {
        if (!config.webhooks.some((w) => w.name === name)) throw new UserError("no_webhook", `no webhook named '${name}'`);
        return withoutRuleOrWebhook(config, name).config;
      });
      io.err(`removed webhook '${name}' from ${f.configPath}\n`);
    });

  alerts
    .command("check")
    .description("judge every rule on the store for one day, print what fired, post new alerts to the webhooks")
    .option("--date <date>", "the day to judge (default: the latest day with data, at most yesterday in UTC)")
    .option("--dry-run", "print only: record nothing, send nothing")
    .option("--all", "also list the scopes that stayed quiet or were skipped, with the reason")
    .option("--fail-on-alert", "exit 3 when any alert fires (for scripts)")
    .option("--attempts <n>", "webhook attempts per alert (first try and retries)", "4")
    .option("--timeout <seconds>", "each webhook attempt is abandoned after this long", "10")
    .option("--backoff <seconds>", "wait before the first retry, doubled before each next one", "1")
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .option("--format <format>", "table or json", "table")
    .addHelpText(
      "after",
      `
An alert is one episode of one rule on one scope: a campaign that stops delivering on Monday is
sent once, and stays listed (not re-sent) while it does not deliver. Exit codes: 0 checked (alerts
or not), 2 a bad rules file or a rule that could not be evaluated (the other rules still run),
3 with --fail-on-alert when an alert fires, 4 when a webhook failed every attempt (recorded; the
next check retries it).

Examples:
  $ cpi alerts check
  $ cpi alerts check --date 2026-10-14 --all
  $ cpi alerts check --dry-run --format json
  # crontab: every morning at 07:10
  10 7 * * *  cd /srv/cpi && cpi alerts check >> alerts.out 2>&1`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const attempts = Number(o.attempts);
      const timeout = Number(o.timeout);
      if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) throw new UserError("bad_flag", `--attempts must be a whole number from 1 to 20, got '${o.attempts}'`);
      const backoff = Number(o.backoff);
      if (!(timeout > 0 && timeout <= 600)) throw new UserError("bad_flag", `--timeout must be a number of seconds from 0 to 600, got '${o.timeout}'`);
      if (!(backoff >= 0 && backoff <= 600)) throw new UserError("bad_flag", `--backoff must be a number of seconds from 0 to 600, got '${o.backoff}'`);
      const f = files(o);
      const config = await loadAlertsConfig(f); // a bad rules file is reported before the store is opened
      if (!config.rules.some((r) => r.enabled !== false)) {
        throw new UserError("no_rules", `no alert rules in ${f.configPath}: add one with 'cpi alerts add' (or point --config at your rules file)`);
      }
      const out = await withStore(o, io, "read", (s) =>
        checkAlerts(s, f, { ...(o.date ? { date: o.date } : {}), dryRun: Boolean(o.dryRun), delivery: { attempts, timeoutMs: timeout * 1000, backoffMs: backoff * 1000 } }),
      );
      if (format === "json") io.out(toJson(checkJson(out)));
      else {
        io.out(renderCheck(out, Boolean(o.all)));
        io.err(`${skippedSummary(out)}\n`);
      }
      for (const w of out.warnings) io.err(`warning: ${w}\n`);
      for (const e of out.errors) io.err(`error: rule ${e.rule}: ${e.message}\n`);
      if (out.errors.length > 0) exitWith(2);
      if (out.deliveryFailures > 0) exitWith(4);
      if (o.failOnAlert && out.fired.length > 0) exitWith(3);
    });

  alerts
    .command("history")
    .description("what fired and every webhook attempt, from the alerts log")
    .option("--active", "only the alerts firing on the last checked day")
    .option("--limit <n>", "the last N alerts", "50")
    .option("--config <path>", CONFIG)
    .option("--db <path>", DB)
    .option("--format <format>", "table or json", "table")
    .addHelpText("after", "\nExamples:\n  $ cpi alerts history\n  $ cpi alerts history --active --format json")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const f = files(o);
      if (o.active) {
        const a = await activeAlerts(f);
        if (format === "json") io.out(toJson(a));
        else if (a.day === null) io.out("no check has run yet\n");
        else {
          io.out(`Active on ${a.day} (checked ${a.checkedAt}):\n\n`);
          io.out(renderTable(["Rule", "Scope", "Since", "Message", "Sent"], a.alerts.map((x) => [x.rule, x.scopeLabel, x.since, x.message, x.deliveries.map((d) => `${d.webhook} ${d.delivered ? "✓" : `✗ ${d.lastError ?? ""}`}`).join(", ") || "—"])));
        }
        return;
      }
      const limit = Number(o.limit);
      const h = readAlertHistory(await f.readLog());
      const alertsOnly = h.records.filter((r): r is AlertRecord => r.type === "alert").slice(-Math.max(1, limit));
      const sends = h.records.filter((r) => r.type === "send");
      if (format === "json") {
        io.out(toJson({ alerts: alertsOnly, sends: sends.filter((s) => alertsOnly.some((a) => a.key === s.key)) }));
        return;
      }
      io.out(
        renderTable(
          ["Day", "Rule", "Scope", "Since", "Message", "Sends"],
          alertsOnly.map((a) => {
            const mine = sends.filter((s) => s.type === "send" && s.key === a.key);
            const ok = mine.filter((s) => s.type === "send" && s.ok).length;
            return [a.day, a.rule, a.scopeLabel, a.since, a.message, mine.length === 0 ? "—" : `${ok} ok / ${mine.length} attempt(s)`];
          }),
        ),
      );
    });
}

function nextName(config: AlertsConfig): string {
  for (let n = 2; ; n++) if (!config.webhooks.some((w) => w.name === `webhook-${n}`)) return `webhook-${n}`;
}

function checkJson(out: Awaited<ReturnType<typeof checkAlerts>>) {
  return {
    day: out.day,
    rules: out.rules,
    scopes: out.evaluations.length,
    fired: out.fired.map((f) => ({ ...f.record, new: f.isNew, deliveries: f.deliveries })),
    skipped: out.evaluations.filter((e) => e.evaluation.skipped).map((e) => ({ rule: e.rule.id, scope: e.scopeLabel, reason: e.evaluation.skipped, message: e.evaluation.message })),
    quiet: out.evaluations.filter((e) => !e.evaluation.fired && !e.evaluation.skipped).length,
    errors: out.errors,
    warnings: out.warnings,
    delivery_failures: out.deliveryFailures,
  };
}
