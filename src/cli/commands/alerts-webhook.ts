// `cpi alerts webhook add|remove|secret`: where alerts go — cpi's signed JSON, Slack, Teams, Discord or
// email — and the secret a JSON receiver verifies signatures with (written to a file, never printed).
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { type AlertsConfig, DESTINATION_FORMATS, newWebhookSecret, validateWebhook, withoutRuleOrWebhook, withWebhook } from "../../app/alerts/index.js";
import { UserError } from "../../domain/errors.js";
import type { CliIo } from "../io.js";
import { collect } from "../options.js";
import { redactUrl } from "./alerts-render.js";

type Files = (o: Record<string, unknown>) => { configPath: string };
type Edit = (o: Record<string, unknown>, edit: (c: AlertsConfig) => AlertsConfig) => Promise<AlertsConfig>;

/**
 * The secret of --secret-file: read from the file when it exists (a secret you chose), else made and
 * written there, readable only by you. The secret itself is never printed.
 */
function secretFromFile(path: string, io: CliIo): string {
  const file = resolve(io.cwd, path);
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8").trim();
    if (text.length < 16 || /\s/.test(text)) throw new UserError("bad_secret", `--secret-file ${path}: a secret must be one line of at least 16 characters without spaces`);
    return text;
  }
  const secret = newWebhookSecret();
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  } catch (e) {
    throw new UserError("unwritable", `cannot write the secret to ${file}: ${(e as Error).message}`);
  }
  io.err(`wrote the new signing secret to ${file} (readable only by you)\n`);
  return secret;
}

export function registerWebhookCommands(alerts: Command, io: CliIo, files: Files, edit: Edit, common: (c: Command) => Command): void {
  const webhook = alerts.command("webhook").description("where alerts go: cpi's signed JSON, Slack, Microsoft Teams, Discord or email");
  common(
    webhook
      .command("add")
      .description("add a destination: every rule notifies it unless the rule names its destinations")
      .argument("<url>", "https:// URL that takes a POST, or smtp:// / smtps:// (user:password@host:port) for email")
      .option("--name <name>", "its name (default webhook, webhook-2, …)")
      .option("--format <format>", `what it receives: ${DESTINATION_FORMATS.join(", ")} (default json; email when the URL is smtp://)`)
      .option("--slack", "the same as --format slack")
      .option("--to <address>", "email: a recipient (repeatable)", collect, [])
      .option("--from <address>", "email: the sender (default cpi-alerts@ the SMTP host)")
      .option("--secret-file <path>", "sign with the secret in this file, or write a new one there (0600) for your receiver")
      .addHelpText(
        "after",
        `
Each HTTP destination gets a signing secret: bodies carry cpi-timestamp, cpi-signature (v1=hex
HMAC-SHA256 of "timestamp.body") and idempotency-key (the alert's key) headers. The secret is kept in
the rules file (0600) and never printed: --secret-file writes it where your receiver can read it
('cpi alerts webhook secret NAME --secret-file PATH' does so later). docs/alerts.md shows how to verify.

Examples:
  $ cpi alerts webhook add https://hooks.slack.com/services/T000/B000/XXXX --name ops --slack
  $ cpi alerts webhook add https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke --name teams --format teams
  $ cpi alerts webhook add https://discord.com/api/webhooks/123/abc --name discord --format discord
  $ cpi alerts webhook add https://alerts.example.com/cpi --name pager --secret-file pager.secret
  $ cpi alerts webhook add smtp://alerts:password@mail.example.com:587 --name mail --to ops@example.com`,
      ),
  ).action(async (url: string, o) => {
    const format = o.slack ? "slack" : (o.format ?? (/^smtps?:/i.test(url) ? "email" : "json"));
    let name = "";
    await edit(o, (config) => {
      name = o.name ?? (config.webhooks.some((w) => w.name === "webhook") ? nextName(config) : "webhook");
      const secret = format === "email" ? undefined : o.secretFile ? secretFromFile(o.secretFile, io) : newWebhookSecret();
      const raw = { name, url, format, ...(secret ? { secret } : {}), ...((o.to as string[]).length > 0 ? { to: o.to } : {}), ...(o.from ? { from: o.from } : {}) };
      const { webhook: w, issues } = validateWebhook(raw);
      if (!w) throw new UserError("bad_flag", issues.map((i) => `${i.field === "url" ? "URL" : `--${i.field.replace(/\[\d+\]$/, "")}`}: ${i.message}`).join("; "));
      return withWebhook(config, w);
    });
    io.err(`added ${format} destination '${name}' (${redactUrl(url)}) to ${files(o).configPath}\n`);
  });
  common(webhook.command("remove").description("remove a destination").argument("<name>", "its name").addHelpText("after", "\nExamples:\n  $ cpi alerts webhook remove ops")).action(
    async (name: string, o) => {
      await edit(o, (config) => {
        if (!config.webhooks.some((w) => w.name === name)) throw new UserError("no_webhook", `no destination named '${name}'`);
        return withoutRuleOrWebhook(config, name).config;
      });
      io.err(`removed destination '${name}' from ${files(o).configPath}\n`);
    },
  );
  common(
    webhook
      .command("secret")
      .description("write a destination's signing secret to a file for its receiver (never printed), or replace it")
      .argument("<name>", "the destination's name")
      .requiredOption("--secret-file <path>", "the file to write (created 0600; it must not exist)")
      .option("--rotate", "make a new secret first (the receiver must then use the new one)")
      .addHelpText("after", "\nExamples:\n  $ cpi alerts webhook secret pager --secret-file pager.secret\n  $ cpi alerts webhook secret pager --secret-file pager-2.secret --rotate"),
  ).action(async (name: string, o) => {
    const file = resolve(io.cwd, o.secretFile);
    if (existsSync(file)) throw new UserError("exists", `${file} exists: name a new file (the secret is written only to a file that cpi creates)`);
    await edit(o, (config) => {
      const w = config.webhooks.find((x) => x.name === name);
      if (!w) throw new UserError("no_webhook", `no destination named '${name}'`);
      if (w.format === "email") throw new UserError("bad_usage", `'${name}' is an email destination: email is not signed`);
      const secret = o.rotate || !w.secret ? newWebhookSecret() : w.secret;
      try {
        writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
      } catch (e) {
        throw new UserError("unwritable", `cannot write the secret to ${file}: ${(e as Error).message}`);
      }
      return { ...config, webhooks: config.webhooks.map((x) => (x.name === name ? { ...x, secret } : x)) };
    });
    io.err(`wrote the signing secret of '${name}' to ${file} (readable only by you)${o.rotate ? "; the old secret no longer signs" : ""}\n`);
  });
}

function nextName(config: AlertsConfig): string {
  for (let n = 2; ; n++) if (!config.webhooks.some((w) => w.name === `webhook-${n}`)) return `webhook-${n}`;
}
