// Loading the tracking server's event log into ClickHouse exactly once, without transactions:
// each attempt at a log range is registered ('started'), writes its rows tagged with its batch id,
// then records 'done' with the range's end offset (the loaded offset). An attempt that never got to
// 'done' (a crash, a shard down mid-insert) is marked 'aborted' before the range is tried again, and
// the `events` / `invalid_counts` / `event_rollup` / `reach_sample` views hide aborted attempts' rows: every logged
// event counts once, in the events and in their rollup.
import { randomBytes } from "node:crypto";
import type { TrackedEvent } from "../../domain/tracking/event.js";
import { reachSampleRows } from "../../domain/tracking/reach-sample.js";
import { rollupRows } from "../../domain/tracking/rollup.js";
import { clickhouseDialect } from "../../query/clickhouse-dialect.js";
import type { TrackedBatch, TrackedBatchOutcome } from "../store.js";
import type { ClickHouseConnection } from "./connection.js";
import { REACH_SAMPLE_COLUMN_NAMES, ROLLUP_COLUMN_NAMES } from "./schema.js";
import { tsvString } from "./tsv.js";

const q = clickhouseDialect.quoteString;
const QUARTER_HOUR = 900_000;

/** A visitor key (16 hex digits) as a signed 64-bit integer, as DuckDB stores it. */
function visitorInt(hex: string): bigint {
  return /^[0-9a-f]{16}$/.test(hex) ? BigInt.asIntN(64, BigInt(`0x${hex}`)) : 0n;
}

/** A UTC instant (epoch ms) as DateTime text, read in the column's zone (UTC); the last day is cached. */
let cachedDay = Number.NaN;
let cachedPrefix = "";
function utcText(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  const s = Math.floor((ms - day * 86_400_000) / 1000);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${cachedPrefix} ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

function newBatchId(): bigint {
  return randomBytes(8).readBigUInt64BE() || 1n;
}

/** How far the log has been loaded (the end of its last 'done' range), or null. */
export async function loadedOffset(conn: ClickHouseConnection, logId: string): Promise<number | null> {
  const r = await conn.query(`SELECT count() AS n, max(to_offset) AS o FROM event_batches WHERE log_id = ${q(logId)} AND state = 'done'`);
  return Number(r[0]?.n ?? 0) > 0 ? Number(r[0]?.o) : null;
}

/** Valid events as TSV, in chunks of 8192 lines (small strings the GC and the socket handle well). */
function* eventLines(events: readonly TrackedEvent[], batch: bigint): Generator<string> {
  const lines: string[] = [];
  for (const e of events) {
    const sec = Math.floor(e.ts / 1000);
    lines.push(`${utcText(sec * 1000)}\t${e.ts - sec * 1000}\t${e.type}\t${tsvString(e.impression_id)}\t${tsvString(e.campaign)}\t${tsvString(e.creative)}\t${tsvString(e.placement)}\t${visitorInt(e.visitor)}\t${tsvString(e.country)}\t${tsvString(e.device)}\t${e.measurable ? 1 : 0}\t${batch}\t${e.measurement ?? ""}\n`);
    if (lines.length === 8192) yield lines.splice(0).join("");
  }
  if (lines.length) yield lines.join("");
}

/** Invalid events counted per 15-minute UTC bucket × type × entity × reason (as DuckDB stores them). */
function invalidLines(invalid: readonly TrackedEvent[], batch: bigint): string {
  const counts = new Map<string, { e: TrackedEvent; bucket: number; n: number }>();
  for (const e of invalid) {
    const bucket = Math.floor(e.ts / QUARTER_HOUR) * QUARTER_HOUR;
    const key = JSON.stringify([bucket, e.type, e.campaign, e.creative, e.placement, e.country, e.device, e.reason]);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { e, bucket, n: 1 });
  }
  let out = "";
  for (const { e, bucket, n } of counts.values()) {
    out += `${utcText(bucket)}\t${e.type}\t${tsvString(e.campaign)}\t${tsvString(e.creative)}\t${tsvString(e.placement)}\t${tsvString(e.country)}\t${tsvString(e.device)}\t${e.reason}\t${n}\t${batch}\n`;
  }
  return out;
}

/** The valid events' rollup rows (bucket × campaign × placement × creative counts), tagged with the attempt. */
function rollupLines(rows: ReturnType<typeof rollupRows>, batch: bigint): string {
  let out = "";
  for (const r of rows) {
    out += `${utcText(r.bucket)}\t${tsvString(r.campaign)}\t${tsvString(r.placement)}\t${tsvString(r.creative)}\t${r.events}\t${r.impressions}\t${r.clicks}\t${batch}\n`;
  }
  return out;
}

/** The valid events' sampled visitors (once per bucket × campaign × placement × creative), tagged with the attempt. */
function sampleLines(valid: readonly TrackedEvent[], batch: bigint): string {
  let out = "";
  for (const r of reachSampleRows(valid)) {
    out += `${utcText(r.bucket)}\t${tsvString(r.campaign)}\t${tsvString(r.placement)}\t${tsvString(r.creative)}\t${visitorInt(r.visitor)}\t${batch}\n`;
  }
  return out;
}

async function mark(conn: ClickHouseConnection, b: TrackedBatch, batch: bigint, state: string): Promise<void> {
  await conn.insertTsv("event_batches", ["log_id", "batch", "from_offset", "to_offset", "state"], [`${tsvString(b.logId)}\t${batch}\t${b.from}\t${b.to}\t${state}\n`]);
}

/**
 * Store.appendTrackedEvents on ClickHouse (see the module comment). One loader per log at a time.
 * Also says how many rollup rows it appended (what the compactor counts).
 */
export async function appendTrackedBatchClickHouse(conn: ClickHouseConnection, b: TrackedBatch): Promise<TrackedBatchOutcome & { rollupRows: number }> {
  const stored = await loadedOffset(conn, b.logId);
  if (stored !== null && stored >= b.to) return { applied: false, events: 0, invalid: 0, rollupRows: 0 };
  if (stored !== null && stored !== b.from) {
    throw new Error(`event log ${b.logId}: the store has loaded up to byte ${stored}, but the batch starts at ${b.from}`);
  }
  // Attempts that started and never finished left rows behind: hide them before trying again.
  const stale = await conn.query(
    `SELECT batch, any(from_offset) AS f, any(to_offset) AS t FROM event_batches WHERE log_id = ${q(b.logId)} GROUP BY batch HAVING countIf(state != 'started') = 0`,
  );
  if (stale.length) {
    const lines = stale.map((r) => `${tsvString(b.logId)}\t${r.batch}\t${r.f}\t${r.t}\taborted\n`).join("");
    await conn.insertTsv("event_batches", ["log_id", "batch", "from_offset", "to_offset", "state"], [lines]);
  }
  const batch = newBatchId();
  const valid: TrackedEvent[] = [];
  const invalid: TrackedEvent[] = [];
  for (const e of b.events) (e.reason === "" ? valid : invalid).push(e);
  await mark(conn, b, batch, "started");
  const rollup = rollupRows(valid);
  if (valid.length) {
    const cols = ["ts", "ts_ms", "type", "impression_id", "campaign", "creative", "placement", "visitor", "country", "device", "measurable", "batch", "measurement"];
    await conn.insertTsv("events_rows", cols, eventLines(valid, batch));
    await conn.insertTsv("rollup_rows", [...ROLLUP_COLUMN_NAMES, "batch"], [rollupLines(rollup, batch)]);
    const sample = sampleLines(valid, batch);
    if (sample) await conn.insertTsv("reach_sample_rows", [...REACH_SAMPLE_COLUMN_NAMES, "batch"], [sample]);
  }
  if (invalid.length) {
    const cols = ["ts", "type", "campaign", "creative", "placement", "country", "device", "reason", "n", "batch"];
    await conn.insertTsv("invalid_rows", cols, [invalidLines(invalid, batch)]);
  }
  await mark(conn, b, batch, "done");
  return { applied: true, events: valid.length, invalid: invalid.length, rollupRows: rollup.length };
}
