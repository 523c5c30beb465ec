import { BIGINT, BOOLEAN, type DuckDBAppender, DuckDBDataChunk, DuckDBTimestampValue, type DuckDBType, type DuckDBValue, TIMESTAMP, VARCHAR } from "@duckdb/node-api";
import type { TrackedEvent } from "../../domain/tracking/event.js";
import { reachSampleRows } from "../../domain/tracking/reach-sample.js";
import { rollupRows } from "../../domain/tracking/rollup.js";

const CHUNK = 2048;
const EVENT_TYPES: DuckDBType[] = [TIMESTAMP, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, VARCHAR, VARCHAR, BOOLEAN, VARCHAR];
const INVALID_TYPES: DuckDBType[] = [TIMESTAMP, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT];
const ROLLUP_TYPES: DuckDBType[] = [TIMESTAMP, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT, BIGINT];
const SAMPLE_TYPES: DuckDBType[] = [TIMESTAMP, VARCHAR, VARCHAR, VARCHAR, BIGINT];
const QUARTER_HOUR = 900_000;

/** A visitor key (16 hex digits) as a signed BIGINT. */
function visitorBigint(hex: string): bigint {
  return /^[0-9a-f]{16}$/.test(hex) ? BigInt.asIntN(64, BigInt(`0x${hex}`)) : 0n;
}

function appendColumns(appender: DuckDBAppender, types: DuckDBType[], cols: DuckDBValue[][], n: number): void {
  const chunk = DuckDBDataChunk.create(types, n);
  chunk.setColumns(cols);
  appender.appendDataChunk(chunk);
}

/** Appends valid events to `events`, column by column in chunks of 2048. */
export function appendEventRows(appender: DuckDBAppender, events: readonly TrackedEvent[]): void {
  for (let off = 0; off < events.length; off += CHUNK) {
    const n = Math.min(CHUNK, events.length - off);
    const cols: DuckDBValue[][] = EVENT_TYPES.map(() => new Array<DuckDBValue>(n));
    for (let i = 0; i < n; i++) {
      const e = events[off + i] as TrackedEvent;
      (cols[0] as DuckDBValue[])[i] = new DuckDBTimestampValue(BigInt(e.ts) * 1000n);
      (cols[1] as DuckDBValue[])[i] = e.type;
      (cols[2] as DuckDBValue[])[i] = e.impression_id;
      (cols[3] as DuckDBValue[])[i] = e.campaign;
      (cols[4] as DuckDBValue[])[i] = e.creative;
      (cols[5] as DuckDBValue[])[i] = e.placement;
      (cols[6] as DuckDBValue[])[i] = visitorBigint(e.visitor);
      (cols[7] as DuckDBValue[])[i] = e.country;
      (cols[8] as DuckDBValue[])[i] = e.device;
      (cols[9] as DuckDBValue[])[i] = e.measurable;
      (cols[10] as DuckDBValue[])[i] = e.measurement ?? "";
    }
    appendColumns(appender, EVENT_TYPES, cols, n);
  }
}

/** Counts invalid events per 15-minute bucket × type × entity × reason and appends the counts. */
export function appendInvalidCounts(appender: DuckDBAppender, invalid: readonly TrackedEvent[]): number {
  const counts = new Map<string, { e: TrackedEvent; bucket: number; n: number }>();
  for (const e of invalid) {
    const bucket = Math.floor(e.ts / QUARTER_HOUR) * QUARTER_HOUR;
    const key = JSON.stringify([bucket, e.type, e.campaign, e.creative, e.placement, e.country, e.device, e.reason]);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { e, bucket, n: 1 });
  }
  const rows = [...counts.values()];
  for (let off = 0; off < rows.length; off += CHUNK) {
    const n = Math.min(CHUNK, rows.length - off);
    const cols: DuckDBValue[][] = INVALID_TYPES.map(() => new Array<DuckDBValue>(n));
    for (let i = 0; i < n; i++) {
      const { e, bucket, n: count } = rows[off + i] as { e: TrackedEvent; bucket: number; n: number };
      (cols[0] as DuckDBValue[])[i] = new DuckDBTimestampValue(BigInt(bucket) * 1000n);
      (cols[1] as DuckDBValue[])[i] = e.type;
      (cols[2] as DuckDBValue[])[i] = e.campaign;
      (cols[3] as DuckDBValue[])[i] = e.creative;
      (cols[4] as DuckDBValue[])[i] = e.placement;
      (cols[5] as DuckDBValue[])[i] = e.country;
      (cols[6] as DuckDBValue[])[i] = e.device;
      (cols[7] as DuckDBValue[])[i] = e.reason;
      (cols[8] as DuckDBValue[])[i] = BigInt(count);
    }
    appendColumns(appender, INVALID_TYPES, cols, n);
  }
  return rows.length;
}

/** Appends `rows` in chunks of 2048, each row's cells given by `cells` (for the few rows a batch sums to: one array a row). */
function appendRows<T>(appender: DuckDBAppender, types: DuckDBType[], rows: readonly T[], cells: (r: T) => DuckDBValue[]): number {
  for (let off = 0; off < rows.length; off += CHUNK) {
    const n = Math.min(CHUNK, rows.length - off);
    const cols: DuckDBValue[][] = types.map(() => new Array<DuckDBValue>(n));
    for (let i = 0; i < n; i++) {
      const row = cells(rows[off + i] as T);
      for (let c = 0; c < row.length; c++) (cols[c] as DuckDBValue[])[i] = row[c] as DuckDBValue;
    }
    appendColumns(appender, types, cols, n);
  }
  return rows.length;
}

const bucketValue = (ms: number) => new DuckDBTimestampValue(BigInt(ms) * 1000n);

/** Appends the valid events' rollup rows (bucket × campaign × placement × creative counts) to `event_rollup`. */
export function appendRollupRows(appender: DuckDBAppender, valid: readonly TrackedEvent[]): number {
  return appendRows(appender, ROLLUP_TYPES, rollupRows(valid), (r) => [bucketValue(r.bucket), r.campaign, r.placement, r.creative, BigInt(r.events), BigInt(r.impressions), BigInt(r.clicks)]);
}

/** Appends the valid events' sampled visitors (once per bucket × campaign × placement × creative) to `reach_sample`. */
export function appendReachSample(appender: DuckDBAppender, valid: readonly TrackedEvent[]): number {
  return appendRows(appender, SAMPLE_TYPES, reachSampleRows(valid), (r) => [bucketValue(r.bucket), r.campaign, r.placement, r.creative, visitorBigint(r.visitor)]);
}
