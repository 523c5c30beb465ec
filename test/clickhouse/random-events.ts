// Seeded random first-party events for ClickHouse tests and benchmarks: a few campaigns, creatives
// and placements, a pool of visitors, timestamps with milliseconds (many near midnights), some invalid.
import type { EventType, InvalidReason, TrackedEvent } from "../../src/domain/tracking/event.js";
import { mulberry32 } from "../../src/test-support/random-spend.js";

export interface RandomEventOptions {
  seed: number;
  events: number;
  /** First day (UTC) and how many days the events span. */
  start?: string;
  days?: number;
  visitors?: number;
  campaigns?: number;
  invalidShare?: number;
}

const TYPES: EventType[] = ["impression", "impression", "impression", "viewable", "viewable", "click"];
const REASONS: InvalidReason[] = ["bot_user_agent", "headless", "prefetch"];

/** A visitor key: 16 hex digits from an index (spread over the whole 64-bit range). */
export function visitorKey(i: number): string {
  return ((BigInt(i + 1) * 0x9e3779b97f4a7c15n) % (1n << 64n)).toString(16).padStart(16, "0");
}

/** Random events, sorted by time. */
export function randomEvents(o: RandomEventOptions): TrackedEvent[] {
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const start = Date.parse(`${o.start ?? "2026-10-01"}T00:00:00Z`);
  const span = (o.days ?? 20) * 86_400_000;
  const out: TrackedEvent[] = [];
  for (let i = 0; i < o.events; i++) {
    // A third of events fall within three hours of a UTC midnight: zone boundaries matter.
    const ts = rnd() < 0.33 ? start + Math.floor(rnd() * (o.days ?? 20)) * 86_400_000 + Math.floor((rnd() - 0.5) * 6 * 3_600_000) : start + Math.floor(rnd() * span);
    out.push({
      ts: Math.max(start, ts),
      type: pick(TYPES),
      impression_id: `imp-${o.seed}-${i}`,
      campaign: `Direct ${Math.floor(rnd() * (o.campaigns ?? 4))}`,
      creative: pick(["Banner A", "Banner B", "Video"]),
      placement: pick(["news-site", "blog", "sports-site"]),
      visitor: visitorKey(Math.floor(rnd() * (o.visitors ?? 3000))),
      country: pick(["US", "DE", "IN", ""]),
      device: pick(["desktop", "mobile"]),
      measurable: rnd() < 0.7,
      reason: rnd() < (o.invalidShare ?? 0.05) ? pick(REASONS) : "",
    });
    // Which measurement counted it (from the index, so the random sequence stays what it was): one in
    // three IntersectionObserver v1, the others v2, unmeasured ones none.
    const e = out[out.length - 1] as TrackedEvent;
    if (e.measurable) e.measurement = i % 3 === 0 ? "io-v1" : "io-v2";
  }
  return out.sort((a, b) => a.ts - b.ts);
}
