// How often `cpi serve`'s store process loads the event log into the store: every LOAD_CADENCE.idleMs
// while events arrive slowly, so what a quiet site tracks is in reports within a fifth of a second,
// and up to every LOAD_CADENCE.busyMs as the rate rises, where each load's fixed cost (a transaction,
// the appenders, the rollup and visitor-sample rows, a compaction check) would otherwise be paid five
// times as often for the same events. A load already carries thousands of events at that rate.

export const LOAD_CADENCE = {
  /** The delay while the log grows by at most `calmBytesPerSecond` (ms). */
  idleMs: 200,
  /** The delay once it grows by `busyBytesPerSecond` or more (ms). */
  busyMs: 1000,
  /** Below this rate (about 1,000 events a second) loads come every idleMs. */
  calmBytesPerSecond: 100_000,
  /** From this rate on (about 10,000 events a second) loads come every busyMs. */
  busyBytesPerSecond: 1_000_000,
} as const;

/**
 * The delay before the next load, from the rate the log grew at over the last load's interval
 * (bytes per second): idleMs up to the calm rate, busyMs from the busy rate on, linear between.
 * @example loadDelayMs(0) // 200; loadDelayMs(550_000) // 600; loadDelayMs(3_000_000) // 1000
 */
export function loadDelayMs(bytesPerSecond: number): number {
  const { idleMs, busyMs, calmBytesPerSecond, busyBytesPerSecond } = LOAD_CADENCE;
  if (!(bytesPerSecond > calmBytesPerSecond)) return idleMs;
  const f = Math.min(1, (bytesPerSecond - calmBytesPerSecond) / (busyBytesPerSecond - calmBytesPerSecond));
  return Math.round(idleMs + f * (busyMs - idleMs));
}
