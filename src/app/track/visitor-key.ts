import { createHmac, randomBytes } from "node:crypto";
import { visitorKeyInput } from "../../domain/tracking/invalid-traffic.js";

const DAY_MS = 86_400_000;
const CACHE_LIMIT = 100_000;

/**
 * Visitor keys without personal data: HMAC-SHA256 of the client address and user agent under a
 * random salt drawn for each UTC day and held only in memory (never written anywhere), truncated to
 * 64 bits. Yesterday's keys cannot be recomputed once the salt is gone.
 * @example new DailyVisitorKeys().key("203.0.113.9", "Mozilla/5.0 …", Date.now()) // "9f1c2b…" (16 hex digits)
 */
export class DailyVisitorKeys {
  private day = -1;
  private salt: Buffer = Buffer.alloc(0);
  /** Keys by client address, then user agent (as the request gave them: no string is built to look one up). */
  private cache = new Map<string, Map<string, string>>();
  private cached = 0;

  constructor(private readonly random: (n: number) => Buffer = randomBytes) {}

  /** The visitor key of a client at instant `now` (epoch ms). */
  key(ip: string, userAgent: string, now: number): string {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.salt = this.random(32);
      this.cache.clear();
      this.cached = 0;
    }
    let byAgent = this.cache.get(ip);
    let k = byAgent?.get(userAgent);
    if (k === undefined) {
      k = createHmac("sha256", this.salt).update(visitorKeyInput(ip, userAgent)).digest("hex").slice(0, 16);
      if (this.cached >= CACHE_LIMIT) {
        this.cache.clear();
        this.cached = 0;
        byAgent = undefined;
      }
      if (!byAgent) {
        byAgent = new Map();
        this.cache.set(ip, byAgent);
      }
      byAgent.set(userAgent, k);
      this.cached++;
    }
    return k;
  }
}
