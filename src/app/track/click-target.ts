import { createHmac, timingSafeEqual } from "node:crypto";
import { UserError } from "../../domain/errors.js";

/**
 * The signature of a click target: HMAC-SHA256 of the URL under the server's secret, base64url,
 * 22 characters (128 bits). @example signClickTarget("https://example.com/", secret) // "q3…"
 */
export function signClickTarget(url: string, secret: Buffer): string {
  return createHmac("sha256", secret).update(url).digest("base64url").slice(0, 22);
}

/** What a Location header may hold: visible ASCII only (a serialised URL never holds anything else). */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Parses a landing page URL as browsers will: an absolute http(s) URL without a user name or password
 * (`https://shop.example@evil.example/` goes to evil.example). Its `href` is the normalised form
 * (host in punycode, path and query percent-encoded, tabs and line breaks dropped).
 * @example parseClickTarget("https://shop。example/日本", "to").href // "https://shop.example/%E6%97%A5%E6%9C%AC"
 */
export function parseClickTarget(text: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError("bad_target", `${name} is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UserError("bad_target", `${name} must be an http or https URL`);
  if (url.username !== "" || url.password !== "") throw new UserError("bad_target", `${name} must not hold a user name or password (user@host)`);
  if (!HEADER_SAFE.test(url.href)) throw new UserError("bad_target", `${name} cannot be sent as a redirect`);
  return url;
}

/** A host name as URLs compare it: lower case, punycode, no trailing dot. */
function comparableHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, "");
}

/**
 * An allow-list entry (`--allow-redirect`) as parsed URLs name hosts: lower case, internationalised
 * names in punycode. A value that is not a bare host name is a UserError.
 * @example normalizeAllowedHost("Bücher.Example") // "xn--bcher-kva.example"
 */
export function normalizeAllowedHost(host: string): string {
  const h = host.trim();
  let url: URL | null = null;
  if (h !== "" && !/[/\\@:?#\s]/.test(h)) {
    try {
      url = new URL(`https://${h}/`);
    } catch {
      url = null;
    }
  }
  if (!url || url.hostname === "") throw new UserError("bad_flag", `--allow-redirect takes a host name such as shop.example, got '${host}'`);
  return comparableHost(url.hostname);
}

/**
 * Checks where a click may redirect and returns the URL to send in `Location`: the parsed URL's
 * normalised `href`, never the raw text. It must be an http(s) URL that is signed by cpi (the
 * signature covers the text as sent) or whose parsed host is on the allow-list (a listed host also
 * admits its subdomains; entries as `normalizeAllowedHost` makes them). Anything else is a UserError
 * (no open redirect).
 * @example checkClickTarget("https://shop.example/x", undefined, secret, ["shop.example"]) // "https://shop.example/x"
 */
export function checkClickTarget(to: string | undefined, sig: string | undefined, secret: Buffer, allowHosts: readonly string[]): string {
  if (!to) throw new UserError("missing_param", "to (the click's target URL) is required");
  if (to.length > 2048) throw new UserError("param_too_long", "to (the click's target URL) is longer than 2048 characters");
  const url = parseClickTarget(to, "to");
  if (sig) {
    const want = Buffer.from(signClickTarget(to, secret));
    const got = Buffer.from(sig);
    if (want.length === got.length && timingSafeEqual(want, got)) return url.href;
    throw new UserError("bad_signature", "the click target's signature does not match");
  }
  const host = comparableHost(url.hostname);
  if (allowHosts.some((h) => host === h || host.endsWith(`.${h}`))) return url.href;
  throw new UserError("target_not_allowed", "the click target is neither signed by cpi nor on the allow-list");
}
