// Webhook signatures, as Stripe and GitHub sign theirs: HMAC-SHA256 with the destination's secret over
// the timestamp, a dot and the exact body, sent in headers; the alert's key goes in Idempotency-Key.
// docs/alerts.md has the receiver's side (verify the signature, refuse old timestamps, deduplicate).
import { createHmac, randomBytes } from "node:crypto";

/** The headers cpi signs with. */
export const SIGNATURE_HEADER = "cpi-signature";
export const TIMESTAMP_HEADER = "cpi-timestamp";
export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * A new destination secret: 32 random bytes, base64url, prefixed so that it is recognisable.
 * @example newWebhookSecret() // "whsec_3q2-7w…" (48 characters)
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/**
 * The signature of a body sent at `timestamp` (Unix seconds): hex HMAC-SHA256 of `${timestamp}.${body}`.
 * @example bodySignature("whsec_…", 1792000000, '{"type":"cpi.alert"}') // "5f1c…" (64 hex digits)
 */
export function bodySignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/**
 * The headers of a signed, idempotent POST: the timestamp, `v1=<signature>` (when the destination
 * has a secret) and the idempotency key (the alert's key, percent-encoded: headers are ASCII).
 * @example signedHeaders("whsec_…", body, "cpi-up/campaign=Brand/2026-10-14/up", new Date()) // { "cpi-timestamp": "1792…", "cpi-signature": "v1=…", "idempotency-key": "cpi-up%2Fcampaign%3DBrand…" }
 */
export function signedHeaders(secret: string | undefined, body: string, key: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    ...(secret ? { [SIGNATURE_HEADER]: `v1=${bodySignature(secret, timestamp, body)}` } : {}),
    [IDEMPOTENCY_HEADER]: encodeURIComponent(key),
  };
}
