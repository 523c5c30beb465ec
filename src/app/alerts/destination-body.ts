// What each kind of destination receives for one notice (or a digest of several): cpi's JSON, Slack's
// mrkdwn, a Teams Adaptive Card, Discord's content, an email. Untrusted text is escaped per destination.
import type { AlertRecord, Notice, ResolvedRecord } from "./alert-log.js";
import { alertText, alertTitle, resolvedText } from "./alert-message.js";
import type { DestinationFormat } from "./alert-rule.js";
import { discordEscape, headerLine, htmlEscape, slackEscape } from "./escape.js";

/** One thing to tell a destination: an alert, or that an alert is back to normal. */
export interface Outgoing {
  notice: Notice;
  alert: AlertRecord;
  resolved?: ResolvedRecord;
}

/** An email as cpi writes it (the Mailer sends it). */
export interface MailMessage {
  subject: string;
  text: string;
  html: string;
}

/** Most notices listed in one digest message. */
const DIGEST_LINES = 40;
/** Discord refuses a `content` longer than this. */
const DISCORD_MAX = 2000;

/**
 * The plain-text line of a notice.
 * @example noticeText({ notice: "alert", alert }) // "cpi alert: CPI unusually high for campaign=Brand on 2026-10-14 — …"
 */
export function noticeText(o: Outgoing): string {
  return o.notice === "resolved" && o.resolved ? resolvedText(o.resolved, o.alert) : alertText(o.alert);
}

/**
 * The alert's numbers as cpi's JSON carries them (snake_case; money in currency units).
 * @example alertJson(record).scope_label // "campaign=Launch Q4"
 */
export function alertJson(a: AlertRecord) {
  return {
    key: a.key,
    rule: a.rule,
    kind: a.kind,
    metric: a.metric,
    scope: a.scope,
    scope_label: a.scope_label,
    day: a.day,
    since: a.since,
    value: a.value,
    baseline: a.baseline,
    spread: a.spread,
    score: a.score,
    threshold: a.threshold,
    direction: a.direction,
    message: a.message,
    ...(a.gap !== undefined ? { reported: a.reported, tracked: a.tracked, gap: a.gap } : {}),
  };
}

/**
 * The body of a `json` destination: `{"type": "cpi.alert" | "cpi.resolved", "text", "alert", "resolved"?}`.
 * The values are data, not markup: a receiver that shows them escapes them for where it shows them.
 * @example jsonBody({ notice: "alert", alert }).type // "cpi.alert"
 */
export function jsonBody(o: Outgoing) {
  const base = { type: o.notice === "resolved" ? "cpi.resolved" : "cpi.alert", text: noticeText(o), alert: alertJson(o.alert) };
  if (o.notice !== "resolved" || !o.resolved) return base;
  const r = o.resolved;
  return { ...base, resolved: { day: r.day, since: r.since, last_day: r.last_day, message: r.message } };
}

/** The heading of a message about several notices (made of numbers and a date only). */
function digestHeading(items: readonly Outgoing[], day: string): string {
  const alerts = items.filter((o) => o.notice === "alert").length;
  const back = items.length - alerts;
  const parts = [alerts > 0 ? `${alerts} alert${alerts === 1 ? "" : "s"}` : "", back > 0 ? `${back} back to normal` : ""].filter(Boolean);
  return `cpi: ${parts.join(", ")} on ${day}`;
}

function digestLines(items: readonly Outgoing[]): { lines: string[]; more: number } {
  const lines = items.slice(0, DIGEST_LINES).map((o) => noticeText(o).replace(/^cpi( alert)?: /, ""));
  return { lines, more: Math.max(0, items.length - DIGEST_LINES) };
}

/**
 * The body a chat destination receives for one or several notices: Slack's `{"text"}` (mrkdwn, `&<>`
 * escaped), a Teams Workflows message with an Adaptive Card (untrusted text only in TextRuns, which
 * render no Markdown), Discord's `{"content"}` (Markdown escaped, no mentions, no link previews).
 * @example chatBody("slack", [{ notice: "alert", alert }], "2026-10-14") // { text: "cpi alert: … campaign=&lt;!channel&gt; …" }
 */
export function chatBody(format: Exclude<DestinationFormat, "json" | "email">, items: readonly Outgoing[], day: string): unknown {
  const one = items.length === 1 ? (items[0] as Outgoing) : null;
  const { lines, more } = digestLines(items);
  const moreLine = more > 0 ? `… and ${more} more: cpi alerts history` : null;
  if (format === "slack") {
    if (one) return { text: slackEscape(noticeText(one)) };
    return { text: [digestHeading(items, day), ...lines.map((l) => `• ${slackEscape(l)}`), ...(moreLine ? [moreLine] : [])].join("\n") };
  }
  if (format === "discord") {
    const text = one ? discordEscape(noticeText(one)) : [digestHeading(items, day), ...lines.map((l) => `• ${discordEscape(l)}`), ...(moreLine ? [moreLine] : [])].join("\n");
    const content = text.length > DISCORD_MAX ? `${text.slice(0, DISCORD_MAX - 1).replace(/\\$/, "")}…` : text;
    // parse: [] — no @everyone, @here, user or role is ever pinged; flags 4 — no link previews.
    return { content, allowed_mentions: { parse: [] }, flags: 4 };
  }
  const heading = one ? (one.notice === "resolved" ? "cpi: back to normal" : "cpi alert") : digestHeading(items, day);
  const rows = (one ? [noticeText(one)] : lines).map((text) => ({ type: "RichTextBlock", inlines: [{ type: "TextRun", text }] }));
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [{ type: "TextBlock", text: heading, weight: "Bolder", size: "Medium", wrap: true }, ...rows, ...(moreLine ? [{ type: "TextBlock", text: moreLine, wrap: true }] : [])],
        },
      },
    ],
  };
}

/**
 * An email about one or several notices: a one-line subject (no control characters), the plain text,
 * and the same as HTML with every value escaped.
 * @example mailMessage([{ notice: "alert", alert }], "2026-10-14").subject // "cpi alert: CPI unusually high for campaign=Brand"
 */
export function mailMessage(items: readonly Outgoing[], day: string): MailMessage {
  const one = items.length === 1 ? (items[0] as Outgoing) : null;
  const subject = one
    ? one.notice === "resolved"
      ? `cpi: back to normal: ${alertTitle(one.alert)} for ${one.alert.scope_label}`
      : `cpi alert: ${alertTitle(one.alert)} for ${one.alert.scope_label}`
    : digestHeading(items, day);
  const { lines, more } = digestLines(items);
  const all = one ? [noticeText(one)] : lines;
  const moreLine = more > 0 ? [`… and ${more} more: cpi alerts history`] : [];
  const text = `${[...(one ? [] : [digestHeading(items, day), ""]), ...all.map((l) => (one ? l : `• ${l}`)), ...moreLine].join("\n")}\n`;
  const html = `<!doctype html><html><body>${one ? "" : `<p><strong>${htmlEscape(digestHeading(items, day))}</strong></p>`}<ul>${all
    .map((l) => `<li>${htmlEscape(l)}</li>`)
    .join("")}</ul>${moreLine.map((l) => `<p>${htmlEscape(l)}</p>`).join("")}</body></html>`;
  const oneLine = headerLine(subject);
  return { subject: oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine, text, html };
}
