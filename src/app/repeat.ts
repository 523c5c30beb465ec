/** A background job started by `cpi serve` (alert checks, syncs). */
export interface Repeating {
  /** Stops scheduling and waits for a round in progress to finish (at most `waitMs`, default as long as it takes). */
  stop(waitMs?: number): Promise<void>;
}

/**
 * Runs `round` now and then `everyMs` after each round ends (never two at once) until stopped.
 * `round` must not throw: it logs its own failures.
 * @example const job = repeatEvery(60_000, async () => { await check() }); await job.stop()
 */
export function repeatEvery(everyMs: number, round: () => Promise<void>): Repeating {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    timer = null;
    running = round().finally(() => {
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop(waitMs?: number) {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (waitMs === undefined) return running;
      let bound: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([running, new Promise<void>((r) => (bound = setTimeout(r, waitMs)))]);
      clearTimeout(bound);
    },
  };
}
