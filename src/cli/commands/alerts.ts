import type { Command } from "commander";
import {
  type AlertRule,
  type AlertSchedule,
  type AlertsConfig,
  alertRuleJson,
  editAlertsConfig,
  loadAlertsConfig,
  parseInterval,
  startAlertSchedule,
  validateRule,
  withoutRuleOrWebhook,
  withoutSilence,
  withRule,
  withRuleEnabled,
  withSilence,
} from "../../app/alerts/index.js";
import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import { alertMailer, besideStore, openAlertFiles } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { flagIssues, ruleFromFlags } from "./alerts-flags.js";
import { renderRules, rulesJson } from "./alerts-render.js";
import { registerRunCommands } from "./alerts-run.js";
import { registerWebhookCommands } from "./alerts-webhook.js";

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
  return (store) => startAlertSchedule(store, { files, everyMs, check: { delivery: { mailer: alertMailer() } }, log: (m) => io.err(`${m}\n`) });
}

/** `cpi alerts …`: watch the numbers, say the day they move. */
export function registerAlerts(program: Command, io: CliIo): void {
  const alerts = program
    .command("alerts")
    .description("alert rules: CPI spikes, delivery stops, thresholds and budget pacing, checked on the store, backtested, sent to Slack, Teams, Discord, email or signed JSON");
  const files = (o: Record<string, unknown>) => openAlertFiles(alertsConfigPath(o, io));
  const edit = (o: Record<string, unknown>, change: (c: AlertsConfig) => AlertsConfig) => editAlertsConfig(files(o), change);
  const common = (c: Command) => c.option("--config <path>", CONFIG).option("--db <path>", DB);

  common(
    alerts
      .command("add")
      .description("add a rule to the rules file")
      .requiredOption("--kind <kind>", "anomaly, threshold, zero-delivery or pacing")
      .option("--metric <name>", "cpi, cpm, ctr, cost (spend), impressions, clicks, cpc, cpa, invalid_rate, discrepancy (tracked vs reported), … (zero-delivery: impressions)")
      .option("--where <filter>", "scope: DIM=VALUE, DIM!=VALUE, DIM~TEXT (repeatable)", collect, [])
      .option("--by <dims>", "judge each value separately, e.g. campaign or campaign,placement (discrepancy: campaign, placement)")
      .option("--id <id>", "the rule's name (default from kind and metric)")
      .option("--direction <dir>", "anomaly: up, down or both", undefined)
      .option("--score <z>", "anomaly: robust standard deviations of a normal day that fire (default 3)")
      .option("--min-effect <percent>", "anomaly: the least change from the expected value that fires (default 25)")
      .option("--weeks <n>", "anomaly, zero-delivery: weeks of history (default 8)")
      .option("--min-history <n>", "anomaly: fewest past values on the judged weekday (default 4)")
      .option("--min-impressions <n>", "skip scopes with fewer impressions (anomaly default 1000, threshold 0)")
      .option("--above <value>", "threshold: fire when the metric is above this (0.1 or 10% for a rate; discrepancy: the gap's size, either way)")
      .option("--below <value>", "threshold: fire when the metric is below this")
      .option("--min-expected <n>", "zero-delivery: only where the usual value is at least this (default 100)")
      .option("--budget <amount>", "pacing: the flight's budget")
      .option("--from <date>", "pacing: the flight's first day")
      .option("--to <date>", "pacing: the flight's last day")
      .option("--watch <what>", "pacing: overspend, underspend or both (default)")
      .option("--tolerance <percent>", "pacing: within this % of budget is on track, projected or spent (default 5)")
      .option("--grace-days <n>", "pacing: the flight's first days are not judged unless already over budget (default 10)")
      .option("--currency <code>", "convert money to this currency (pacing: the budget's currency)")
      .option("--timezone <zone>", "days of tracked events in this zone (discrepancy: the publisher's reporting zone)")
      .option("--webhook <name>", "notify only these destinations (repeatable; default all)", collect, [])
      .option("--disabled", "add it turned off (try it with 'cpi alerts backtest --rule ID' first)")
      .option("--description <text>", "a note shown with the rule")
      .option("--format <format>", "table or json", "table")
      .addHelpText(
        "after",
        `
Examples:
  $ cpi alerts add --kind anomaly --metric cpi --by campaign --direction up
  $ cpi alerts add --kind anomaly --metric impressions --where source=meta --by campaign --score 4 --min-effect 40
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
      ),
  ).action(async (o) => {
    const format = outputFormat(o.format, ["table", "json"]);
    let added: Record<string, unknown> = {};
    await edit(o, (config) => {
      const raw = ruleFromFlags(o, config);
      const { rule, issues } = validateRule(raw, config.webhooks.map((w) => w.name));
      if (!rule) throw flagIssues(issues);
      added = rule as unknown as Record<string, unknown>;
      return withRule(config, rule);
    });
    if (format === "json") io.out(toJson(alertRuleJson(added as unknown as AlertRule)));
    else io.err(`added rule '${added.id}'${added.enabled === false ? " (off)" : ""} to ${files(o).configPath}\n`);
  });

  common(
    alerts
      .command("list")
      .description("the rules, destinations, snoozes and mutes (and check that the rules file is valid)")
      .option("--format <format>", "table or json", "table")
      .addHelpText("after", "\nExamples:\n  $ cpi alerts list\n  $ cpi alerts list --config /etc/cpi/alerts.json --format json"),
  ).action(async (o) => {
    const format = outputFormat(o.format, ["table", "json"]);
    const f = files(o);
    const config = await loadAlertsConfig(f);
    if (format === "json") io.out(toJson({ config: f.configPath, ...rulesJson(config) }));
    else io.out(renderRules(config, f.configPath, new Date()));
  });

  common(
    alerts
      .command("remove")
      .description("remove a rule (with its snoozes and mutes) or a destination, by name")
      .argument("<id>", "the rule's id or the destination's name ('cpi alerts list')")
      .addHelpText("after", "\nExamples:\n  $ cpi alerts remove anomaly-cpi\n  $ cpi alerts remove slack"),
  ).action(async (id: string, o) => {
    let removed = "";
    await edit(o, (config) => {
      const r = withoutRuleOrWebhook(config, id);
      removed = r.removed === "webhook" ? "destination" : "rule";
      return r.config;
    });
    io.err(`removed ${removed} '${id}' from ${files(o).configPath}\n`);
  });

  for (const [name, on] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    common(
      alerts
        .command(name)
        .description(on ? "turn a rule on: checks judge it again" : "turn a rule off: it stays in the file, checks skip it")
        .argument("<id>", "the rule's id")
        .addHelpText("after", `\nExamples:\n  $ cpi alerts ${name} anomaly-cpi`),
    ).action(async (id: string, o) => {
      await edit(o, (config) => withRuleEnabled(config, id, on));
      io.err(`rule '${id}' is ${on ? "on" : "off"}\n`);
    });
  }

  const silence = (name: "snooze" | "mute") =>
    common(
      alerts
        .command(name)
        .description(
          name === "snooze"
            ? "hold back a rule's alerts for a while (all its scopes, or those of --scope): still judged and recorded, not sent"
            : "hold back a rule's alerts until 'cpi alerts unmute' (all its scopes, or those of --scope)",
        )
        .argument("<rule>", "the rule's id")
        .option("--scope <dim=value>", "only alerts whose scope has this value, e.g. campaign=Brand (repeatable: all must match)", collect, [])
        .option("--note <text>", "why, shown by 'cpi alerts list'"),
    );
  silence("snooze")
    .option("--for <interval>", "how long: 90m, 12h, 3d")
    .option("--until <time>", "until this day (its end, UTC) or time (2026-10-20T08:00:00Z)")
    .addHelpText("after", '\nExamples:\n  $ cpi alerts snooze cpi-up --for 3d\n  $ cpi alerts snooze stopped --scope "campaign=Brand" --until 2026-10-20 --note "paused for the relaunch"')
    .action(async (rule: string, o) => {
      if (o.for === undefined && o.until === undefined) throw new UserError("bad_usage", "say how long: --for 3d or --until 2026-10-20 (or 'cpi alerts mute' to silence until you unmute)");
      await silenceCommand(rule, o);
    });
  silence("mute")
    .addHelpText("after", '\nExamples:\n  $ cpi alerts mute stopped --scope "campaign=Old Brand"\n  $ cpi alerts mute cpi-up')
    .action(async (rule: string, o) => silenceCommand(rule, o));
  async function silenceCommand(rule: string, o: Record<string, unknown>) {
    let made = "";
    await edit(o, (config) => {
      const r = withSilence(
        config,
        { rule, scope: o.scope as string[], ...(o.for ? { for: String(o.for) } : {}), ...(o.until ? { until: String(o.until) } : {}), ...(o.note ? { note: String(o.note) } : {}) },
        new Date(),
      );
      const scope = Object.entries(r.silence.scope).map(([d, v]) => `${d}=${v}`).join(", ") || "every scope";
      made = `${r.silence.until ? `snoozed until ${r.silence.until}` : "muted"}: rule '${rule}', ${scope} (${r.silence.id}; 'cpi alerts unmute ${r.silence.id}' ends it)`;
      return r.config;
    });
    io.err(`${made}\n`);
  }
  common(
    alerts
      .command("unmute")
      .description("end a snooze or mute (by its id from 'cpi alerts list', or every one of a rule)")
      .argument("<id>", "the silence's id, or a rule's id")
      .addHelpText("after", "\nExamples:\n  $ cpi alerts unmute silence-1\n  $ cpi alerts unmute cpi-up"),
  ).action(async (id: string, o) => {
    let n = 0;
    await edit(o, (config) => {
      const r = withoutSilence(config, id);
      n = r.removed.length;
      return r.config;
    });
    io.err(`removed ${n} snooze(s) or mute(s)\n`);
  });

  registerWebhookCommands(alerts, io, files, edit, common);
  registerRunCommands(alerts, io, files, common);
}
