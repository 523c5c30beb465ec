// Tracked-event rollups (issue 24): valid events counted per 15-minute UTC bucket × campaign ×
// placement × creative, written with the events they count (same transaction on DuckDB, same load
// attempt on ClickHouse), so a report can sum buckets instead of events. Every zone offset and every
// contract edge the report uses is checked to be on a quarter hour before buckets stand for events.
import type { TrackedEvent } from "./event.js";

/** Milliseconds in a rollup bucket. */
export const ROLLUP_BUCKET_MS = 900_000;

/** One rollup row: counts of one bucket × campaign × placement × creative. */
export interface RollupRow {
  /** The bucket's start, UTC epoch milliseconds (a multiple of 15 minutes). */
  bucket: number;
  campaign: string;
  placement: string;
  creative: string;
  /** Every valid event (any type): what a range holds, counted without reading events. */
  events: number;
  impressions: number;
  clicks: number;
}

/** The map under `key`, made when missing. */
function child<K, V extends Map<unknown, unknown>>(m: Map<K, V>, key: K): V {
  let c = m.get(key);
  if (!c) {
    c = new Map() as V;
    m.set(key, c);
  }
  return c;
}

/**
 * Valid events counted per bucket × campaign × placement × creative (the caller passes valid events only).
 * @example rollupRows([{ ts: 60_000, type: "impression", campaign: "c", placement: "p", creative: "a", … }])[0].impressions // 1
 */
export function rollupRows(events: readonly TrackedEvent[]): RollupRow[] {
  // Nested maps, not a joined key: no string is built per event (this runs for every loaded event).
  const byBucket = new Map<number, Map<string, Map<string, Map<string, RollupRow>>>>();
  const rows: RollupRow[] = [];
  for (const e of events) {
    const bucket = Math.floor(e.ts / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
    const creatives = child(child(child(byBucket, bucket), e.campaign), e.placement);
    let r = creatives.get(e.creative);
    if (!r) {
      r = { bucket, campaign: e.campaign, placement: e.placement, creative: e.creative, events: 0, impressions: 0, clicks: 0 };
      creatives.set(e.creative, r);
      rows.push(r);
    }
    r.events++;
    if (e.type === "impression") r.impressions++;
    else if (e.type === "click") r.clicks++;
  }
  return rows;
}
