// `cpi alerts check|backtest|history`: judge the rules on a day, on every day of a range, and read
// back what fired and how its delivery went.
import type { Command } from "commander";
import { type AlertFiles, activeAlerts, alertHistory, type BacktestOutcome, backtestAlerts, checkAlerts, checkOutcomeJson, loadAlertsConfig } from "../../app/alerts/index.js";
import { UserError } from "../../domain/errors.js";
import { alertMailer, withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, exitWith, outputFormat, toJson } from "../options.js";
import { renderTable } from "../render/table.js";
import { renderCheck, skippedSummary } from "./alerts-render.js";

function numberFlag(v: string, flag: string, min: number, max: number, integer = false): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n)))) {
    throw new UserError("bad_flag", `${flag} must be a ${integer ? "whole " : ""}number from ${min} to ${max}, got '${v}'`);
  }
  return n;
}

export function registerRunCommands(alerts: Command, io: CliIo, files: (o: Record<string, unknown>) => AlertFiles, common: (c: Command) => Command): void {
  common(
    alerts
      .command("check")
      .description("judge every rule on the store for one day, print what fired, send what is owed (new alerts, queued ones, back to normal)")
      .option("--date <date>", "the day to judge (default: the latest day with data, at most yesterday in UTC)")
      .option("--dry-run", "print only: record nothing, send nothing")
      .option("--all", "also list the scopes that stayed quiet or were skipped, with the reason")
      .option("--fail-on-alert", "exit 3 when any alert fires (for scripts)")
      .option("--attempts <n>", "attempts per destination and check (first try and retries)", "4")
      .option("--timeout <seconds>", "each attempt is abandoned after this long", "10")
      .option("--backoff <seconds>", "wait before the first retry, doubled before each next one", "1")
      .option("--expire-after <interval>", "give up an undelivered alert this long after it last fired (default: the rules file's delivery.expire_after, else 7d)")
      .option("--format <format>", "table or json", "table")
      .addHelpText(
        "after",
        `
An alert is one episode of one rule on one scope: a campaign that stops delivering on Monday is
sent once, and stays listed (not re-sent) while it does not deliver; when it delivers again, a
"back to normal" notice follows. An alert a destination did not take stays queued: every later
check tries it again until it is delivered or --expire-after has passed. Exit codes: 0 checked
(alerts or not), 2 a bad rules file or a rule that could not be evaluated (the other rules still
run), 3 with --fail-on-alert when an alert fires, 4 when a destination failed every attempt
(recorded and queued).

Examples:
  $ cpi alerts check
  $ cpi alerts check --date 2026-10-14 --all
  $ cpi alerts check --dry-run --format json
  # crontab: every morning at 07:10
  10 7 * * *  cd /srv/cpi && cpi alerts check >> alerts.out 2>&1`,
      ),
  ).action(async (o) => {
    const format = outputFormat(o.format, ["table", "json"]);
    const attempts = numberFlag(o.attempts, "--attempts", 1, 20, true);
    const timeout = numberFlag(o.timeout, "--timeout", 0.001, 600);
    const backoff = numberFlag(o.backoff, "--backoff", 0, 600);
    const f = files(o);
    const config = await loadAlertsConfig(f); // a bad rules file is reported before the store is opened
    if (!config.rules.some((r) => r.enabled !== false)) {
      throw new UserError("no_rules", `no alert rules in ${f.configPath}: add one with 'cpi alerts add' (or point --config at your rules file)`);
    }
    const out = await withStore(o, io, "read", (s) =>
      checkAlerts(s, f, {
        ...(o.date ? { date: o.date } : {}),
        ...(o.expireAfter ? { expireAfter: o.expireAfter } : {}),
        dryRun: Boolean(o.dryRun),
        delivery: { attempts, timeoutMs: timeout * 1000, backoffMs: backoff * 1000, mailer: alertMailer() },
      }),
    );
    if (format === "json") io.out(toJson(checkOutcomeJson(out)));
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

  common(
    alerts
      .command("backtest")
      .description("run the rules as of every day of a range on past data and print what would have fired, per rule (nothing is recorded or sent)")
      .requiredOption("--from <date>", "the first day judged")
      .requiredOption("--to <date>", "the last day judged")
      .option("--rule <id>", "only this rule (repeatable; a rule that is off runs when named)", collect, [])
      .option("--all", "list every alert, not just the count per rule")
      .option("--format <format>", "table or json", "table")
      .addHelpText(
        "after",
        `
Each rule's data is read once for the whole range (plus its history), then judged day by day as a
check on that day would have: consecutive days in the same state are one alert. Use it to tune a
rule before turning it on ('cpi alerts add … --disabled', backtest, 'cpi alerts enable ID').

Examples:
  $ cpi alerts backtest --from 2026-09-01 --to 2026-11-30
  $ cpi alerts backtest --from 2026-09-01 --to 2026-11-30 --rule cpi-up --all
  $ cpi alerts backtest --from 2026-09-01 --to 2026-11-30 --format json`,
      ),
  ).action(async (o) => {
    const format = outputFormat(o.format, ["table", "json"]);
    const f = files(o);
    await loadAlertsConfig(f);
    const out = await withStore(o, io, "read", (s) =>
      backtestAlerts(s, f, {
        from: o.from,
        to: o.to,
        rules: o.rule as string[],
        onRule: (done, total, rule) => {
          if (total > 1 && rule) io.err(`backtest: rule ${done + 1} of ${total} (${rule})\n`);
        },
      }),
    );
    if (format === "json") io.out(toJson(out));
    else io.out(renderBacktest(out, Boolean(o.all)));
    for (const w of out.warnings) io.err(`warning: ${w}\n`);
    for (const e of out.errors) io.err(`error: rule ${e.rule}: ${e.message}\n`);
    if (out.errors.length > 0) exitWith(2);
  });

  common(
    alerts
      .command("history")
      .description("what fired, whether it is over, and where each alert's delivery stands (sent, pending, silenced, expired)")
      .option("--active", "only the alerts firing on the last checked day")
      .option("--limit <n>", "the last N alerts", "50")
      .option("--format <format>", "table or json", "table")
      .addHelpText("after", "\nExamples:\n  $ cpi alerts history\n  $ cpi alerts history --active --format json"),
  ).action(async (o) => {
    const format = outputFormat(o.format, ["table", "json"]);
    const f = files(o);
    const config = await loadAlertsConfig(f);
    const limit = numberFlag(o.limit, "--limit", 1, 100_000, true);
    const a = o.active ? await activeAlerts(f, config) : null;
    const h = a ?? { ...(await alertHistory(f, config, limit)), day: null, checked_at: null };
    if (format === "json") {
      io.out(toJson(a ?? { alerts: h.alerts }));
      return;
    }
    if (a && a.day === null) {
      io.out("no check has run yet\n");
      return;
    }
    if (a) io.out(`Active on ${a.day} (checked ${a.checked_at}):\n\n`);
    if (h.alerts.length === 0) {
      io.out("no alert recorded yet\n");
      return;
    }
    const delivery = (x: (typeof h.alerts)[number]) =>
      x.deliveries
        .map((d) => `${d.notice === "resolved" ? "back-to-normal " : ""}${d.webhook}: ${d.state}${d.state === "pending" && d.attempts > 0 ? ` (${d.attempts} attempt(s); ${d.last_error ?? ""})` : ""}`)
        .join("; ") || "—";
    io.out(
      renderTable(
        ["Rule", "Scope", "Since", "Last fired", "Over", "Message", "Delivery"],
        h.alerts.map((x) => [x.rule, x.scope_label, x.since, x.last_day, x.resolved_on ?? "—", x.message, delivery(x)]),
      ),
    );
  });
}

/** What a backtest found: a line per rule, then (with --all) every alert. */
function renderBacktest(out: BacktestOutcome, all: boolean): string {
  const lines = [`Backtest ${out.from} … ${out.to} (${out.days} days): ${out.rules.length} rule(s), ${out.alerts.filter((a) => a.since >= out.from).length} alert(s)`, ""];
  if (out.rules.length > 0) {
    lines.push(
      renderTable(
        ["Rule", "Kind", "Scopes", "Alerts", "Days firing", "Not judged"],
        out.rules.map((r) => [
          r.enabled ? r.rule : `${r.rule} (off)`,
          r.kind,
          String(r.scopes),
          String(r.alerts),
          String(r.days_firing),
          Object.entries(r.skipped).map(([k, n]) => `${k.replace(/-/g, " ")} ${n}`).join(", ") || "—",
        ]),
        new Set([2, 3, 4]),
      ),
    );
  }
  const shown = all ? out.alerts : out.alerts.slice(0, 20);
  if (shown.length > 0) {
    lines.push(
      renderTable(
        ["Rule", "Scope", "Since", "Until", "Days", "Message"],
        shown.map((a) => [a.rule, a.scope_label, a.since, a.until, String(a.days), a.message]),
        new Set([4]),
      ),
    );
    if (!all && out.alerts.length > shown.length) lines.push(`… ${out.alerts.length - shown.length} more: --all lists every alert`, "");
  }
  return `${lines.join("\n")}${lines.at(-1) === "" ? "" : "\n"}`;
}
