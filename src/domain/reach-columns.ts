import { memoEpochDayToIso, memoIsoToEpochDay } from "./dates.js";
import type { PlatformReachRow } from "./spend.js";
import { TextColumnCoder } from "./spend-columns.js";

/** The text fields of a PlatformReachRow, in the order of the store's columns. */
export const REACH_TEXT_FIELDS = ["source", "account_id", "level", "campaign", "ad_group", "ad"] as const satisfies readonly (keyof PlatformReachRow)[];

/**
 * Platform reach rows column by column: a Meta export by ad set and day, or a LinkedIn campaign
 * export, carries one per row, and a million of them as objects took ~1.5 s to pass between threads
 * and ~0.5 s of date conversions to store. Dates are days since 1970-01-01; each text column is a
 * dictionary and a code per row; a frequency that is not stated is NaN. Every array has its own
 * ArrayBuffer, so the columns can be transferred.
 */
export interface ReachColumns {
  length: number;
  /** Per REACH_TEXT_FIELDS entry: the distinct values and each row's index into them. */
  text: { values: string[]; codes: Uint32Array }[];
  date_start: Int32Array;
  date_end: Int32Array;
  reach: Float64Array;
  impressions: Float64Array;
  frequency: Float64Array;
}

/**
 * Reach rows as columns (their dates must be valid).
 * @example reachColumnsOf([row]).text[2]?.values // ["", "campaign"]
 */
export function reachColumnsOf(rows: readonly PlatformReachRow[]): ReachColumns {
  const n = rows.length;
  const text = REACH_TEXT_FIELDS.map(() => new TextColumnCoder(n));
  const date_start = new Int32Array(n);
  const date_end = new Int32Array(n);
  const reach = new Float64Array(n);
  const impressions = new Float64Array(n);
  const frequency = new Float64Array(n);
  const day = memoIsoToEpochDay("reach row");
  rows.forEach((r, i) => {
    REACH_TEXT_FIELDS.forEach((f, k) => {
      (text[k] as TextColumnCoder).set(i, r[f]);
    });
    date_start[i] = day(r.date_start);
    date_end[i] = day(r.date_end);
    reach[i] = r.reach;
    impressions[i] = r.impressions;
    frequency[i] = r.frequency ?? Number.NaN;
  });
  return { length: n, text: text.map((t) => ({ values: t.values, codes: t.codes })), date_start, date_end, reach, impressions, frequency };
}

/**
 * The rows of reach columns again (for tests, and stores that take rows).
 * @example reachRowsOf(reachColumnsOf(rows)) // deep-equal to rows
 */
export function reachRowsOf(c: ReachColumns): PlatformReachRow[] {
  const dayOf = memoEpochDayToIso();
  const out: PlatformReachRow[] = [];
  for (let i = 0; i < c.length; i++) {
    const row = {} as PlatformReachRow;
    REACH_TEXT_FIELDS.forEach((f, k) => {
      const t = c.text[k] as { values: string[]; codes: Uint32Array };
      (row as unknown as Record<string, string>)[f] = t.values[t.codes[i] as number] as string;
    });
    row.date_start = dayOf(c.date_start[i] as number);
    row.date_end = dayOf(c.date_end[i] as number);
    row.reach = c.reach[i] as number;
    row.impressions = c.impressions[i] as number;
    const f = c.frequency[i] as number;
    row.frequency = Number.isNaN(f) ? null : f;
    out.push(row);
  }
  return out;
}

/** The buffers of reach columns, to transfer them to another thread without copying. */
export function reachColumnBuffers(c: ReachColumns): ArrayBuffer[] {
  return [...c.text.map((t) => t.codes), c.date_start, c.date_end, c.reach, c.impressions, c.frequency].map((a) => a.buffer as ArrayBuffer);
}
