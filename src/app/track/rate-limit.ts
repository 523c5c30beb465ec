/**
 * Fixed one-second windows per key: at most `perSecond` events per key per second (0 = no limit).
 * Counters are dropped each window, so memory is bounded by the keys seen in one second.
 * @example const rl = new RateLimiter(20); rl.take("visitor-key", 1, Date.now()) // true
 */
export class RateLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  constructor(readonly perSecond: number) {}

  /** Takes `n` events for `key`; false (and nothing taken) when that would pass the limit. */
  take(key: string, n: number, now: number): boolean {
    if (this.perSecond <= 0) return true;
    const w = Math.floor(now / 1000);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
    const used = this.counts.get(key) ?? 0;
    if (used + n > this.perSecond) return false;
    this.counts.set(key, used + n);
    return true;
  }

  /** Gives back `n` events taken for `key` in this window (when a later check refused the request). */
  giveBack(key: string, n: number): void {
    const used = this.counts.get(key);
    if (used !== undefined) this.counts.set(key, Math.max(0, used - n));
  }
}
