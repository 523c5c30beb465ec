import { createHmac, timingSafeEqual } from "node:crypto";
import { UserError } from "../../domain/errors.js";

/**
 * The signature of a click target: HMAC-SHA256 of the URL under the server's secret, base64url,
 * 22 characters (128 bits). @example signClickTarget("https://example.com/", secret) // "q3…"
 */
export function signClickTarget(url: string, secret: Buffer): string {
  return createHmac("sha256", secret).update(url).digest("base64url").slice(0, 22);
}

/**
 * Checks where a click may redirect: an http(s) URL that is signed by cpi or whose host is on the
 * allow-list (a listed host also admits its subdomains). Anything else is a UserError (no open redirect).
 * @example checkClickTarget("https://shop.example/x", undefined, secret, ["shop.example"]) // "https://shop.example/x"
 */
export function checkClickTarget(to: string | undefined, sig: string | undefined, secret: Buffer, allowHosts: readonly string[]): string {
  if (!to) throw new UserError("missing_param", "to (the click's target URL) is required");
  if (to.length > 2048) throw new UserError("param_too_long", "to (the click's target URL) is longer than 2048 characters");
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw new UserError("bad_target", "to is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UserError("bad_target", "to must be an http or https URL");
  if (sig) {
    const want = Buffer.from(signClickTarget(to, secret));
    const got = Buffer.from(sig);
    if (want.length === got.length && timingSafeEqual(want, got)) return to;
    throw new UserError("bad_signature", "the click target's signature does not match");
  }
  const host = url.hostname.toLowerCase();
  if (allowHosts.some((h) => host === h || host.endsWith(`.${h}`))) return to;
  throw new UserError("target_not_allowed", "the click target is neither signed by cpi nor on the allow-list");
}
