import type { InvalidReason } from "./event.js";

/** What the server knows of a request when deciding whether it is invalid traffic. */
export interface RequestSignals {
  userAgent: string;
  /** Purpose / Sec-Purpose / X-Purpose / X-Moz headers, lower-cased and joined ("" when none). */
  purpose: string;
  /** The Sec-CH-UA client hint ("" when absent). */
  clientHints: string;
  /** The page reported navigator.webdriver. */
  webdriver: boolean;
}

/** User-agent and client-hint markers of headless or scripted browsers that bot lists may miss. */
export const HEADLESS_MARKERS = /HeadlessChrome|PhantomJS|Headless|SlimerJS|Electron\/|puppeteer|playwright|selenium|webdriver|Lighthouse|jsdom|node-fetch|undici|axios\//i;

/** Purpose headers of speculative loads: prefetch, prerender and link previews are not impressions. */
export const PREFETCH_PURPOSE = /prefetch|preview|prerender/;

/**
 * Why a request is invalid traffic, or null when it may be counted. `isBotUserAgent` is the maintained
 * bot list (the isbot package, applied by app/). An empty user agent counts as a bot.
 * @example invalidReason({ userAgent: "HeadlessChrome/120", purpose: "", clientHints: "", webdriver: false }, () => false) // "headless"
 */
export function invalidReason(s: RequestSignals, isBotUserAgent: (ua: string) => boolean): InvalidReason | null {
  if (s.purpose !== "" && PREFETCH_PURPOSE.test(s.purpose)) return "prefetch";
  if (s.webdriver) return "automation";
  if (HEADLESS_MARKERS.test(s.userAgent) || (s.clientHints !== "" && HEADLESS_MARKERS.test(s.clientHints))) return "headless";
  if (s.userAgent.trim() === "" || isBotUserAgent(s.userAgent)) return "bot_user_agent";
  return null;
}

/**
 * The device class of a user agent: "mobile", "tablet", "desktop", or "" when unknown.
 * @example deviceClass("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)") // "mobile"
 */
export function deviceClass(ua: string): string {
  if (ua === "") return "";
  if (/iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)/i.test(ua)) return "tablet";
  if (/Mobi|iPhone|iPod|Android|Windows Phone|IEMobile|Opera Mini/i.test(ua)) return "mobile";
  return "desktop";
}

/**
 * The client address a visitor key is made from: IPv4-mapped IPv6 reduced to IPv4, lower-case.
 * @example visitorAddress("::ffff:203.0.113.9") // "203.0.113.9"
 */
export function visitorAddress(ip: string): string {
  const a = ip.trim().toLowerCase();
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

/**
 * The text hashed (with the day's salt) into a visitor key: address and user agent, NUL-separated.
 * @example visitorKeyInput("::ffff:203.0.113.9", "UA") // "203.0.113.9\u0000UA"
 */
export function visitorKeyInput(ip: string, userAgent: string): string {
  return `${visitorAddress(ip)}\u0000${userAgent}`;
}
