// Text from imported files (campaign names!) reaches chat tools and mail readers that interpret it:
// each destination gets it escaped by its own rules, so a name is only ever shown, never obeyed.

/**
 * Slack mrkdwn (also Mattermost, Rocket.Chat): `&`, `<` and `>` as entities, so `<!channel>` and
 * `<https://…|text>` stay text (Slack's own rule for untrusted text).
 * @example slackEscape("<!channel> & co") // "&lt;!channel&gt; &amp; co"
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Discord markdown: a backslash before every character that formats, links or mentions (`*_~|>#-[]()<@:`
 * and the backslash itself); mentions are also switched off by the body's `allowed_mentions`.
 * @example discordEscape("@everyone [click](https://x)") // "\\@everyone \\[click\\]\\(https\\://x\\)"
 */
export function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|>#\-[\]()<@:]/g, (c) => `\\${c}`);
}

/**
 * HTML text and attribute values: `&`, `<`, `>`, `"` and `'` as entities.
 * @example htmlEscape('<b onclick="x">') // "&lt;b onclick=&quot;x&quot;&gt;"
 */
export function htmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * One line for a mail header (a subject): control characters (a CR or LF would start a new header) as spaces.
 * @example headerLine("CPI up\r\nBcc: x@y") // "CPI up  Bcc: x@y"
 */
export function headerLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\u0000-\u001f\u007f]/g, " ");
}
