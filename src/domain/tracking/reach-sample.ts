// Reach estimates from a stored hash sample of visitors (issue 24): the visitors whose 64-bit key has
// its low 6 bits at 0 (1 in 64: keys are HMAC-SHA-256 output, uniform, so the sample is unbiased),
// kept once per 15-minute UTC bucket × campaign × placement × creative they had an impression in,
// written with the events (same DuckDB transaction, same ClickHouse load attempt). The distinct
// sampled visitors of any set of buckets times 64 estimates its reach: mergeable across buckets,
// local days of any quarter-hour zone, campaigns and creatives, as the rollup's counts are.

import { UserError } from "../errors.js";
import type { TrackedEvent } from "./event.js";
import { ROLLUP_BUCKET_MS } from "./rollup.js";

/** The sample keeps 1 visitor key in REACH_SAMPLE_RATE: those whose low 6 bits are 0. */
export const REACH_SAMPLE_RATE = 64;
/** The mask of the low bits that must be 0 (SQL: `visitor & 63` on DuckDB, `bitAnd(visitor, 63)` on ClickHouse). */
export const REACH_SAMPLE_MASK = REACH_SAMPLE_RATE - 1;

/** How `cpi report` counts reach: exact (distinct visitors of the events), estimate (the sample), auto (exact up to a number of impressions). */
export type ReachMode = "exact" | "estimate" | "auto";
export const REACH_MODES: readonly ReachMode[] = ["exact", "estimate", "auto"];
/** `auto` counts reach exactly while the report holds at most this many impressions (see docs/scaling.md, "Reach estimates"). */
export const DEFAULT_EXACT_REACH_MAX = 20_000_000;

/**
 * An estimated reach's relative standard error as the notes print it (the CLI table's, the dashboard's).
 * @example reachRseText(0.0234) // "±2.3 % (1 s.e.)"
 */
export function reachRseText(rse: number): string {
  return `±${(rse * 100).toFixed(rse < 0.01 ? 2 : 1)} % (1 s.e.)`;
}

/**
 * What an estimated report says of its reach (the CLI table's note, the dashboard's): the sample and
 * the total's relative standard error (`rse` null: no sampled visitor in the total).
 * @example reachEstimateText(0.05) // "reach estimated from a 1/64 sample of visitors, ±5.0 % (1 s.e.) on the total; a row …"
 */
export function reachEstimateText(rse: number | null): string {
  const pm = rse === null ? "no sampled visitor in the total" : `${reachRseText(rse)} on the total`;
  return `reach estimated from a 1/${REACH_SAMPLE_RATE} sample of visitors, ${pm}; a row reaching N visitors has a relative standard error of about 8/√N`;
}

/**
 * A reach mode as given (`--reach`, the API's `reach`), `name` naming it in the error.
 * @example parseReachMode("estimate", "--reach") // "estimate"
 */
export function parseReachMode(value: string | undefined, name: string): ReachMode {
  const v = (value ?? "auto").toLowerCase();
  if (!(REACH_MODES as readonly string[]).includes(v)) throw new UserError("bad_reach", `${name} must be one of ${REACH_MODES.join(", ")}, got '${value}'`);
  return v as ReachMode;
}

/**
 * A number of impressions as given (`--exact-reach-max`): a whole number ≥ 0, `name` naming it in the error.
 * @example parseExactReachMax("20000000", "--exact-reach-max") // 20000000
 */
export function parseExactReachMax(value: string | undefined, name: string): number {
  if (value === undefined) return DEFAULT_EXACT_REACH_MAX;
  const t = value.replace(/_/g, "");
  if (!/^\d{1,15}$/.test(t)) throw new UserError("bad_reach_max", `${name} must be a whole number of impressions (e.g. 20000000), got '${value}'`);
  return Number(t);
}

/**
 * Whether a visitor key (16 hex digits, as events carry it) is in the sample: its low 6 bits are 0.
 * A key that is not 16 hex digits is stored as 0, which is sampled, as the store counts it.
 * @example sampledVisitor("00000000000000c0") // true
 */
export function sampledVisitor(hex: string): boolean {
  if (!/^[0-9a-f]{16}$/.test(hex)) return true;
  return (Number.parseInt(hex.slice(14), 16) & REACH_SAMPLE_MASK) === 0;
}

/** One sample row: a sampled visitor seen (with an impression) in a bucket × campaign × placement × creative. */
export interface ReachSampleRow {
  /** The bucket's start, UTC epoch milliseconds (a multiple of 15 minutes). */
  bucket: number;
  campaign: string;
  placement: string;
  creative: string;
  /** The visitor key, 16 hex digits. */
  visitor: string;
}

/**
 * The sample rows of a batch of valid events: impressions of sampled visitors, once per bucket × campaign × placement × creative.
 * @example reachSampleRows([{ ts: 0, type: "impression", visitor: "0000000000000040", … }]).length // 1
 */
export function reachSampleRows(events: readonly TrackedEvent[]): ReachSampleRow[] {
  const seen = new Set<string>();
  const rows: ReachSampleRow[] = [];
  for (const e of events) {
    if (e.type !== "impression" || !sampledVisitor(e.visitor)) continue;
    const bucket = Math.floor(e.ts / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
    // 1 event in 64 gets here: a joined key costs little.
    const key = JSON.stringify([bucket, e.campaign, e.placement, e.creative, e.visitor]);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ bucket, campaign: e.campaign, placement: e.placement, creative: e.creative, visitor: e.visitor });
  }
  return rows;
}

/**
 * The reach estimated from `sampled` distinct sampled visitors, and its relative standard error
 * √((1 − 1/64) / (reach / 64)) = √(63 / (64 × sampled)) (binomial sampling; null with no sampled visitor).
 * @example reachEstimate(100) // { reach: 6400, rse: 0.0992… }
 */
export function reachEstimate(sampled: number): { reach: number; rse: number | null } {
  return { reach: sampled * REACH_SAMPLE_RATE, rse: sampled > 0 ? Math.sqrt((REACH_SAMPLE_RATE - 1) / (REACH_SAMPLE_RATE * sampled)) : null };
}
