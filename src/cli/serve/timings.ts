// Where a tracking request's time goes, for /health: the event loop's delay (a loop busy with other
// requests, a garbage collection, or a CPU shared with other programs holds every request waiting on
// it that long) and the event log's time from a batch's first line to its acknowledgement (the disk's
// sync and the batches ahead of it). Percentiles since the process started, in milliseconds.
import { createHistogram, type Histogram, monitorEventLoopDelay } from "node:perf_hooks";

/** Percentiles of a histogram, in ms. */
export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

function percentiles(h: Histogram, perMs: number): Percentiles {
  const ms = (v: number) => (h.count === 0 ? 0 : Math.round((v / perMs) * 100) / 100);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

/** Starts sampling this process's event-loop delay (every 5 ms); returns its percentiles on demand. */
export function loopDelay(): () => Percentiles {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  return () => percentiles(h, 1e6);
}

/** The figures /health gives: `event_loop_delay_ms` and `durable_ms` (a log batch's append to acknowledgement). */
export function serveTimings(): { durable: (ms: number) => void; figures: () => { event_loop_delay_ms: Percentiles; durable_ms: Percentiles } } {
  const loop = loopDelay();
  const durable = createHistogram();
  return {
    // Recorded in µs (the histogram holds integers ≥ 1).
    durable: (ms) => durable.record(Math.max(1, Math.round(ms * 1000))),
    figures: () => ({ event_loop_delay_ms: loop(), durable_ms: percentiles(durable, 1000) }),
  };
}
