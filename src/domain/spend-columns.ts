import { memoEpochDayToIso, memoIsoToEpochDay } from "./dates.js";
import type { SpendRow } from "./spend.js";

/** The text fields of a SpendRow, in the order of the store's columns. */
export const SPEND_TEXT_FIELDS = [
  "source",
  "account_id",
  "account_name",
  "account_timezone",
  "currency",
  "campaign_id",
  "campaign",
  "ad_group_id",
  "ad_group",
  "ad_id",
  "ad",
  "placement",
  "country",
  "device",
  "age",
  "gender",
] as const satisfies readonly (keyof SpendRow)[];

export type SpendTextField = (typeof SPEND_TEXT_FIELDS)[number];

/**
 * Spend rows column by column, for moving many rows without an object per row (a file parsed in a
 * worker thread, handed to the store in batches). Dates are days since 1970-01-01; each text column
 * is a dictionary of the batch's distinct values and one code per row; whole counts and micros are
 * 64-bit integers. Every array is backed by its own ArrayBuffer, so a batch can be transferred.
 */
export interface SpendColumns {
  length: number;
  date_start: Int32Array;
  date_end: Int32Array;
  /** Per SPEND_TEXT_FIELDS entry: the distinct values and each row's index into them. */
  text: { values: string[]; codes: Uint32Array }[];
  cost: BigInt64Array;
  revenue: BigInt64Array;
  impressions: BigInt64Array;
  clicks: BigInt64Array;
  viewable_impressions: BigInt64Array;
  measurable_impressions: BigInt64Array;
  conversions: Float64Array;
}

const COUNT_FIELDS = ["impressions", "clicks", "viewable_impressions", "measurable_impressions"] as const;
const TWO_32 = 2 ** 32;

/**
 * Builds a batch of columns row by row, without keeping the rows (a parser fills one reusable row
 * and adds it). Each text column is dictionary-coded as it goes; code 0 is always "", and a value
 * equal to the previous row's skips the lookup.
 * @example const b = new SpendColumnsBuilder(1024); b.add(row); b.finish().length // 1
 */
export class SpendColumnsBuilder {
  private n = 0;
  private readonly date_start: Int32Array;
  private readonly date_end: Int32Array;
  private readonly cost: BigInt64Array;
  private readonly revenue: BigInt64Array;
  private readonly counts: BigInt64Array[];
  /** The counts' 64-bit slots as 32-bit halves: whole numbers are written without making a BigInt. */
  private readonly halves: Uint32Array[];
  private readonly conversions: Float64Array;
  private readonly text: TextColumnCoder[];
  private readonly dayOf = memoIsoToEpochDay("spend row");
  /** The previous row's day and its value (no date is "\u0000", so the first row looks it up). */
  private lastDay = "\u0000";
  private lastDayValue = 0;

  constructor(private readonly capacity: number) {
    this.date_start = new Int32Array(capacity);
    this.date_end = new Int32Array(capacity);
    this.cost = new BigInt64Array(capacity);
    this.revenue = new BigInt64Array(capacity);
    this.counts = COUNT_FIELDS.map(() => new BigInt64Array(capacity));
    this.halves = this.counts.map((c) => new Uint32Array(c.buffer));
    this.conversions = new Float64Array(capacity);
    this.text = SPEND_TEXT_FIELDS.map(() => new TextColumnCoder(capacity));
  }

  get length(): number {
    return this.n;
  }

  /** Adds a row (valid dates, whole non-negative counts below 2^53, as every parser guarantees). */
  add(r: SpendRow): void {
    const i = this.n++;
    if (i >= this.capacity) throw new Error(`SpendColumnsBuilder holds ${this.capacity} rows`);
    const start = this.day(r.date_start);
    this.date_start[i] = start;
    this.date_end[i] = r.date_end === r.date_start ? start : this.day(r.date_end);
    this.cost[i] = r.cost;
    this.revenue[i] = r.revenue;
    this.whole(0, i, r.impressions);
    this.whole(1, i, r.clicks);
    this.whole(2, i, r.viewable_impressions);
    this.whole(3, i, r.measurable_impressions);
    this.conversions[i] = r.conversions;
    // One call per field with its property read spelled out: a read by computed name is much slower.
    const t = this.text;
    (t[0] as TextColumnCoder).set(i, r.source);
    (t[1] as TextColumnCoder).set(i, r.account_id);
    (t[2] as TextColumnCoder).set(i, r.account_name);
    (t[3] as TextColumnCoder).set(i, r.account_timezone);
    (t[4] as TextColumnCoder).set(i, r.currency);
    (t[5] as TextColumnCoder).set(i, r.campaign_id);
    (t[6] as TextColumnCoder).set(i, r.campaign);
    (t[7] as TextColumnCoder).set(i, r.ad_group_id);
    (t[8] as TextColumnCoder).set(i, r.ad_group);
    (t[9] as TextColumnCoder).set(i, r.ad_id);
    (t[10] as TextColumnCoder).set(i, r.ad);
    (t[11] as TextColumnCoder).set(i, r.placement);
    (t[12] as TextColumnCoder).set(i, r.country);
    (t[13] as TextColumnCoder).set(i, r.device);
    (t[14] as TextColumnCoder).set(i, r.age);
    (t[15] as TextColumnCoder).set(i, r.gender);
  }

  /** The batch (its arrays cut to the rows added). The builder is not used after this. */
  finish(): SpendColumns {
    const n = this.n;
    const cut = <T extends Int32Array | BigInt64Array | Float64Array | Uint32Array>(a: T): T => (n === this.capacity ? a : (a.slice(0, n) as T));
    const [impressions, clicks, viewable_impressions, measurable_impressions] = this.counts.map(cut) as [BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array];
    return {
      length: n,
      date_start: cut(this.date_start),
      date_end: cut(this.date_end),
      text: this.text.map((t) => ({ values: t.values, codes: cut(t.codes) })),
      cost: cut(this.cost),
      revenue: cut(this.revenue),
      impressions,
      clicks,
      viewable_impressions,
      measurable_impressions,
      conversions: cut(this.conversions),
    };
  }

  private whole(c: number, i: number, n: number): void {
    const h = this.halves[c] as Uint32Array;
    h[2 * i] = n >>> 0;
    h[2 * i + 1] = Math.floor(n / TWO_32);
  }

  private day(iso: string): number {
    if (iso === this.lastDay) return this.lastDayValue;
    const d = this.dayOf(iso);
    this.lastDay = iso;
    this.lastDayValue = d;
    return d;
  }
}

/** One text column of a batch being built: its distinct values (code 0 is "") and each row's code. @example const t = new TextColumnCoder(2); t.set(0, "a"); t.values // ["", "a"] */
export class TextColumnCoder {
  /** One code per row (replaced by a larger array when `grow` is called). */
  codes: Uint32Array;
  readonly values: string[] = [""];
  private readonly dict = new Map<string, number>([["", 0]]);
  /** The last value set and its code: a column often repeats the previous row's value. */
  private last = "";
  private lastCode = 0;

  constructor(capacity: number) {
    this.codes = new Uint32Array(capacity);
  }

  set(i: number, v: string): void {
    if (v === this.last) {
      this.codes[i] = this.lastCode;
      return;
    }
    let code = this.dict.get(v);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(v);
      this.dict.set(v, code);
    }
    this.codes[i] = code;
    this.last = v;
    this.lastCode = code;
  }

  /** Makes room for `capacity` rows, keeping the codes set so far. */
  grow(capacity: number): void {
    const codes = new Uint32Array(capacity);
    codes.set(this.codes);
    this.codes = codes;
  }
}

/**
 * Spend rows as columns (the rows must have valid dates and whole, non-negative counts, as every
 * parser guarantees).
 * @example spendColumnsOf([row]).text[0]?.values // ["", "meta"]
 */
export function spendColumnsOf(rows: readonly SpendRow[]): SpendColumns {
  const b = new SpendColumnsBuilder(rows.length);
  for (const r of rows) b.add(r);
  return b.finish();
}

/** The buffers of a batch, to transfer it to another thread without copying. @example spendColumnBuffers(cols).length // 27 */
export function spendColumnBuffers(c: SpendColumns): ArrayBuffer[] {
  return [
    c.date_start,
    c.date_end,
    ...c.text.map((t) => t.codes),
    c.cost,
    c.revenue,
    c.impressions,
    c.clicks,
    c.viewable_impressions,
    c.measurable_impressions,
    c.conversions,
  ].map((a) => a.buffer as ArrayBuffer);
}

/**
 * The rows of a batch again (for stores that take rows, and for tests).
 * @example spendRowsOf(spendColumnsOf(rows)) // deep-equal to rows
 */
export function spendRowsOf(c: SpendColumns): SpendRow[] {
  const out: SpendRow[] = [];
  const dayOf = memoEpochDayToIso();
  for (let i = 0; i < c.length; i++) {
    const row = {
      date_start: dayOf(c.date_start[i] as number),
      date_end: dayOf(c.date_end[i] as number),
    } as SpendRow;
    SPEND_TEXT_FIELDS.forEach((f, k) => {
      const t = c.text[k] as { values: string[]; codes: Uint32Array };
      row[f] = t.values[t.codes[i] as number] as string;
    });
    row.cost = c.cost[i] as bigint;
    row.impressions = Number(c.impressions[i]);
    row.clicks = Number(c.clicks[i]);
    row.conversions = c.conversions[i] as number;
    row.revenue = c.revenue[i] as bigint;
    row.viewable_impressions = Number(c.viewable_impressions[i]);
    row.measurable_impressions = Number(c.measurable_impressions[i]);
    out.push(row);
  }
  return out;
}
