// Nothing injected: a campaign named like the (`<!channel> … <https://evil.example|click here>`,
// plus Discord and Markdown tricks and a line break) stops delivering; its alert reaches Slack, Teams,
// Discord, cpi's JSON and an email sent through a real local SMTP server, each escaped its own way.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { chatBody, mailMessage, type Outgoing } from "../../src/app/alerts/index.js";
import { addDays } from "../../src/domain/dates.js";
import { cpi, tempDir, write } from "../helpers.js";
import { type Receiver, startReceiver } from "./receivers.js";

const HOSTILE = "<!channel> urgent <https://evil.example|click here> @everyone [win](https://evil.example) **now** & <@123>";
const LAST = "2026-10-14";

interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
}

let dir = "";
const hooks: Record<string, Receiver> = {};
const mails: Mail[] = [];
let smtp: SMTPServer;
let smtpPort = 0;

before(async () => {
  dir = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  const name = `"${HOSTILE.replace(/"/g, '""')}"`;
  for (let d = 0; d < 42; d++) {
    const day = addDays("2026-09-03", d);
    lines.push(`${day},meta,Always On,USD,50.00,5000`);
    if (day < "2026-10-13") lines.push(`${day},meta,${name},USD,120.00,12000`);
  }
  write(dir, "spend.csv", `${lines.join("\n")}\n`);
  const imported = await cpi(dir, "import", "spend.csv");
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped")).code, 0);

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: m.subject ?? "",
            text: m.text ?? "",
            html: typeof m.html === "string" ? m.html : "",
            headers: m.headers as Map<string, unknown>,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  for (const format of ["slack", "teams", "discord", "json"]) {
    hooks[format] = await startReceiver([200]);
    const add = await cpi(dir, "alerts", "webhook", "add", hooks[format]?.url ?? "", "--name", format, "--format", format);
    assert.equal(add.code, 0, add.stderr);
  }
  const mail = await cpi(dir, "alerts", "webhook", "add", `smtp://127.0.0.1:${smtpPort}`, "--name", "mail", "--to", "ops@example.com", "--to", "cfo@example.com", "--from", "alerts@example.com");
  assert.equal(mail.code, 0, mail.stderr);
  const r = await cpi(dir, "alerts", "check", "--date", LAST, "--format", "json", "--backoff", "0");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.fired.length, 1);
  assert.deepEqual(
    out.fired[0].deliveries.map((d: { webhook: string; status: string }) => [d.webhook, d.status]),
    ["slack", "teams", "discord", "json", "mail"].map((w) => [w, "sent"]),
  );
});

/** The first body a destination received. */
function received(format: string): unknown {
  const b = hooks[format]?.bodies[0];
  assert.ok(b, `${format} received a body`);
  return b;
}

after(async () => {
  for (const h of Object.values(hooks)) await h.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

test("Slack: &, < and > become entities, so <!channel> pings no one and the link is text", () => {
  const text = (received("slack") as { text: string }).text;
  assert.ok(text.includes("campaign=&lt;!channel&gt; urgent &lt;https://evil.example|click here&gt; @everyone [win](https://evil.example) **now** &amp; &lt;@123&gt;"), text);
  assert.doesNotMatch(text, /<|>/, "no raw angle bracket: Slack's control sequences cannot start");
  assert.deepEqual(Object.keys(received("slack") as object), ["text"]);
});

test("Teams: an Adaptive Card whose untrusted text is only in TextRuns (no Markdown: no link, no formatting)", () => {
  const body = received("teams") as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { type: string; text?: string; inlines?: { type: string; text: string }[] }[] } }[] };
  assert.equal(body.type, "message");
  const card = body.attachments[0];
  assert.equal(card?.contentType, "application/vnd.microsoft.card.adaptive");
  assert.equal(card?.content.type, "AdaptiveCard");
  assert.equal(card?.content.version, "1.4");
  const blocks = card?.content.body ?? [];
  for (const b of blocks.filter((x) => x.type === "TextBlock")) assert.ok(!b.text?.includes("evil") && !b.text?.includes("channel"), `a Markdown TextBlock carries no name: ${b.text}`);
  const runs = blocks.filter((x) => x.type === "RichTextBlock").flatMap((x) => x.inlines ?? []);
  assert.ok(runs.length > 0 && runs.every((r) => r.type === "TextRun"));
  assert.ok(runs.some((r) => r.text.includes(`campaign=${HOSTILE}`)), "the name is shown as it is, as plain text");
});

test("Discord: Markdown, links and mentions escaped, and allowed_mentions pings no one", () => {
  const body = received("discord") as { content: string; allowed_mentions: { parse: string[] }; flags: number };
  assert.deepEqual(body.allowed_mentions, { parse: [] });
  assert.equal(body.flags, 4, "no link previews");
  const c = body.content;
  assert.ok(c.includes("\\<!channel\\> urgent \\<https\\://evil.example\\|click here\\> \\@everyone \\[win\\]\\(https\\://evil.example\\) \\*\\*now\\*\\* & \\<\\@123\\>"), c);
  assert.doesNotMatch(c, /(^|[^\\])[<[*@]/, "every markup character is escaped");
  assert.ok(c.length <= 2000);
});

test("email: through a real SMTP server; the HTML part escapes the name, the subject is one line", () => {
  assert.equal(mails.length, 1);
  const m = mails[0] as Mail;
  assert.equal(m.from, "alerts@example.com");
  assert.deepEqual(m.to, ["ops@example.com", "cfo@example.com"]);
  assert.equal(m.subject, `cpi alert: stopped delivering for campaign=${HOSTILE}`);
  assert.ok(m.text.includes(`campaign=${HOSTILE} on ${LAST}`), "plain text shows the name as it is");
  assert.ok(m.html.includes("campaign=&lt;!channel&gt; urgent &lt;https://evil.example|click here&gt; @everyone [win](https://evil.example) **now** &amp; &lt;@123&gt;"), m.html);
  assert.doesNotMatch(m.html, /<a |<https|<!channel/);
  assert.equal(m.headers.get("x-cpi-alert-key"), encodeURIComponent(`stopped/campaign=${HOSTILE}/2026-10-13/down`));
});

test("JSON: the name is data, exactly as imported", () => {
  const body = received("json") as { type: string; alert: { scope: { campaign: string }; scope_label: string } };
  assert.equal(body.type, "cpi.alert");
  assert.equal(body.alert.scope.campaign, HOSTILE);
  assert.equal(body.alert.scope_label, `campaign=${HOSTILE}`);
});

test("a digest of many alerts escapes every line too; a subject never carries a line break", () => {
  const alert = (campaign: string) =>
    ({
      notice: "alert",
      alert: {
        type: "alert",
        key: `stopped/campaign=${campaign}/2026-10-13/down`,
        rule: "stopped",
        kind: "zero-delivery",
        metric: "impressions",
        scope: { campaign },
        scope_label: `campaign=${campaign}`,
        day: LAST,
        since: "2026-10-13",
        value: 0,
        baseline: 12000,
        spread: null,
        score: null,
        threshold: 0,
        direction: "down",
        message: "delivered nothing today",
        first: true,
        at: "2026-10-15T06:00:00.000Z",
      },
    }) satisfies Outgoing;
  const many = [HOSTILE, "a", "b", "c", "d", "Line\r\nBcc: victim@example.com"].map(alert);
  const slack = chatBody("slack", many, LAST) as { text: string };
  assert.equal(slack.text.split("\n")[0], "cpi: 6 alerts on 2026-10-14");
  assert.doesNotMatch(slack.text, /<|>/);
  const discord = chatBody("discord", many, LAST) as { content: string };
  assert.doesNotMatch(discord.content, /(^|[^\\])</);
  const mail = mailMessage([alert("Line\r\nBcc: victim@example.com")], LAST);
  assert.doesNotMatch(mail.subject, /[\r\n]/);
  assert.match(mail.subject, /Line {2}Bcc: victim@example\.com$/);
});
