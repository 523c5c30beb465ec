// The SMTP side of email alerts (nodemailer): app/alerts hands each email to a Mailer; this one opens
// a connection per message to the destination's smtp:// or smtps:// URL (credentials in the URL).
// nodemailer (about 100 modules) is loaded on the first email, not by every cpi command that composes a store.

/** What app/alerts' Mailer sends (the same shape; notify/ does not import app/). */
export interface SmtpMail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Connection and greeting timeouts, so a dead server fails an attempt instead of hanging a check. */
const TIMEOUT_MS = 15_000;

/**
 * A Mailer over SMTP: `smtps://` is TLS from the start, `smtp://` upgrades with STARTTLS when the
 * server offers it; the sender defaults to cpi-alerts@ the server's host.
 * @example await smtpMailer().send({ url: "smtp://user:pw@mail.example.com:587", to: ["ops@example.com"] }, mail)
 */
export function smtpMailer(o: { timeoutMs?: number } = {}) {
  return {
    async send(destination: { url: string; from?: string; to: readonly string[] }, mail: SmtpMail): Promise<void> {
      const url = new URL(destination.url);
      const { default: nodemailer } = await import("nodemailer");
      const transport = nodemailer.createTransport({
        host: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
        secure: url.protocol === "smtps:",
        ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
        connectionTimeout: o.timeoutMs ?? TIMEOUT_MS,
        greetingTimeout: o.timeoutMs ?? TIMEOUT_MS,
        socketTimeout: o.timeoutMs ?? TIMEOUT_MS,
        // A local relay with a self-made certificate is common; the credentials still only go over TLS when offered.
        tls: { rejectUnauthorized: url.searchParams.get("tls") !== "insecure" },
      });
      try {
        await transport.sendMail({
          from: destination.from ?? `cpi-alerts@${url.hostname}`,
          to: [...destination.to],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
        });
      } finally {
        transport.close();
      }
    },
  };
}
