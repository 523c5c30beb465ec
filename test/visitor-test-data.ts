// Tracked events of two creatives for visitor-level A/B tests (`cpi abtest --unit visitor`), shared by
// the DuckDB end-to-end test and the ClickHouse comparison.
import type { TrackedEvent } from "../src/domain/tracking/event.js";

export const T0 = Date.UTC(2026, 9, 5, 12);

export interface Visitor {
  key: string;
  creative: string;
  newsImps: number;
  newsClicks: number;
  sideImps: number;
  sideClicks: number;
}

/**
 * 60 visitors per creative. A: 1–3 news impressions (120), a click from every 5th (12); every 4th also
 * sees the sidebar once (15) and every 8th clicks it (8). B: 1–4 news impressions (150), every 3rd clicks
 * (20); every 6th sees the sidebar twice (20) and every 12th clicks it (5).
 */
export function visitors(): Visitor[] {
  const out: Visitor[] = [];
  for (let j = 0; j < 60; j++) {
    const hex = (p: number) => (p * 1000 + j + 1).toString(16).padStart(16, "0");
    out.push({ key: hex(1), creative: "A", newsImps: 1 + (j % 3), newsClicks: j % 5 === 0 ? 1 : 0, sideImps: j % 4 === 0 ? 1 : 0, sideClicks: j % 8 === 0 ? 1 : 0 });
    out.push({ key: hex(2), creative: "B", newsImps: 1 + (j % 4), newsClicks: j % 3 === 0 ? 1 : 0, sideImps: j % 6 === 0 ? 2 : 0, sideClicks: j % 12 === 0 ? 1 : 0 });
  }
  return out;
}

/** The visitors' events, with a few viewable events (not units, not measures of the test). */
export function visitorEvents(): TrackedEvent[] {
  const events: TrackedEvent[] = [];
  let n = 0;
  const push = (v: Visitor, type: TrackedEvent["type"], placement: string, count: number) => {
    for (let i = 0; i < count; i++) {
      n++;
      events.push({ ts: T0 + n * 1000, type, impression_id: `i${n}`, campaign: "Launch Q4", creative: v.creative, placement, visitor: v.key, country: "DE", device: "desktop", measurable: true, reason: "" });
    }
  };
  for (const v of visitors()) {
    push(v, "impression", "news", v.newsImps);
    push(v, "click", "news", v.newsClicks);
    push(v, "viewable", "news", v.newsImps > 2 ? 1 : 0);
    push(v, "impression", "sidebar", v.sideImps);
    push(v, "click", "sidebar", v.sideClicks);
  }
  return events;
}

/**
 * Events that put the first `count` visitors of creative A into arm B as well: one news impression of
 * B each (at T0 − 1 s, before every other event), so they are in both arms of a test by ad.
 */
export function crossoverEvents(count: number): TrackedEvent[] {
  return visitors()
    .filter((v) => v.creative === "A")
    .slice(0, count)
    .map((v, i) => ({ ts: T0 - 1000, type: "impression", impression_id: `x${i}`, campaign: "Launch Q4", creative: "B", placement: "news", visitor: v.key, country: "DE", device: "desktop", measurable: true, reason: "" }));
}
