/**
 * Fixed one-second windows per key: at most `perSecond` events per key per second are within the
 * limit (0 = no limit). Counters are dropped each window, so memory is bounded by the keys seen in one
 * second.
 * @example const rl = new RateLimiter(20); rl.admit("visitor-key", 1, Date.now()) // 1
 */
export class RateLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  constructor(readonly perSecond: number) {}

  /**
   * Counts `n` events for `key` and returns how many of them (the first ones) are within the limit;
   * the rest are over it. Every event counts, so a key that keeps sending stays over it.
   */
  admit(key: string, n: number, now: number): number {
    if (this.perSecond <= 0) return n;
    const w = Math.floor(now / 1000);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
    const used = this.counts.get(key) ?? 0;
    this.counts.set(key, used + n);
    return Math.max(0, Math.min(n, this.perSecond - used));
  }
}
