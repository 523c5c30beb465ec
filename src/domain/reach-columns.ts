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
 * Builds reach columns row by row, without keeping the rows (a parse thread adds each reach row as it
 * is made: a million of them held as objects took ~180 MB until the end). The arrays grow as needed.
 * @example const b = new ReachColumnsBuilder(); b.add(row); b.finish().length // 1
 */
export class ReachColumnsBuilder {
  private n = 0;
  private capacity: number;
  private readonly text: TextColumnCoder[];
  private date_start: Int32Array;
  private date_end: Int32Array;
  private reach: Float64Array;
  private impressions: Float64Array;
  private frequency: Float64Array;
  private readonly day = memoIsoToEpochDay("reach row");

  constructor(capacity = 1024) {
    this.capacity = Math.max(1, capacity);
    this.text = REACH_TEXT_FIELDS.map(() => new TextColumnCoder(this.capacity));
    this.date_start = new Int32Array(this.capacity);
    this.date_end = new Int32Array(this.capacity);
    this.reach = new Float64Array(this.capacity);
    this.impressions = new Float64Array(this.capacity);
    this.frequency = new Float64Array(this.capacity);
  }

  get length(): number {
    return this.n;
  }

  /** Adds a reach row (its dates must be valid). */
  add(r: PlatformReachRow): void {
    if (this.n === this.capacity) this.grow();
    const i = this.n++;
    // One call per field with its property read spelled out: a read by computed name is much slower.
    const t = this.text;
    (t[0] as TextColumnCoder).set(i, r.source);
    (t[1] as TextColumnCoder).set(i, r.account_id);
    (t[2] as TextColumnCoder).set(i, r.level);
    (t[3] as TextColumnCoder).set(i, r.campaign);
    (t[4] as TextColumnCoder).set(i, r.ad_group);
    (t[5] as TextColumnCoder).set(i, r.ad);
    const start = this.day(r.date_start);
    this.date_start[i] = start;
    this.date_end[i] = r.date_end === r.date_start ? start : this.day(r.date_end);
    this.reach[i] = r.reach;
    this.impressions[i] = r.impressions;
    this.frequency[i] = r.frequency ?? Number.NaN;
  }

  /** The columns (cut to the rows added). The builder is not used after this. */
  finish(): ReachColumns {
    const n = this.n;
    const cut = <T extends Int32Array | Float64Array | Uint32Array>(a: T): T => (n === a.length ? a : (a.slice(0, n) as T));
    return {
      length: n,
      text: this.text.map((t) => ({ values: t.values, codes: cut(t.codes) })),
      date_start: cut(this.date_start),
      date_end: cut(this.date_end),
      reach: cut(this.reach),
      impressions: cut(this.impressions),
      frequency: cut(this.frequency),
    };
  }

  private grow(): void {
    const size = this.capacity * 2;
    const bigger = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    for (const t of this.text) t.grow(size);
    this.date_start = bigger(this.date_start, (k) => new Int32Array(k));
    this.date_end = bigger(this.date_end, (k) => new Int32Array(k));
    this.reach = bigger(this.reach, (k) => new Float64Array(k));
    this.impressions = bigger(this.impressions, (k) => new Float64Array(k));
    this.frequency = bigger(this.frequency, (k) => new Float64Array(k));
    this.capacity = size;
  }
}

/**
 * Reach rows as columns (their dates must be valid).
 * @example reachColumnsOf([row]).text[2]?.values // ["", "campaign"]
 */
export function reachColumnsOf(rows: readonly PlatformReachRow[]): ReachColumns {
  const b = new ReachColumnsBuilder(rows.length);
  for (const r of rows) b.add(r);
  return b.finish();
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
