import { epochDayToIso, type IsoDate, isoToEpochDay } from "./dates.js";
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
const TEXT_GETTERS: readonly ((r: SpendRow) => string)[] = [
  (r) => r.source,
  (r) => r.account_id,
  (r) => r.account_name,
  (r) => r.account_timezone,
  (r) => r.currency,
  (r) => r.campaign_id,
  (r) => r.campaign,
  (r) => r.ad_group_id,
  (r) => r.ad_group,
  (r) => r.ad_id,
  (r) => r.ad,
  (r) => r.placement,
  (r) => r.country,
  (r) => r.device,
  (r) => r.age,
  (r) => r.gender,
];
const TWO_32 = 2 ** 32;

/** Writes a whole number 0 ≤ n < 2^53 into a BigInt64Array's slot through its two 32-bit halves (no BigInt made). */
function setWhole(halves: Uint32Array, i: number, n: number): void {
  halves[2 * i] = n >>> 0;
  halves[2 * i + 1] = Math.floor(n / TWO_32);
}

/**
 * Spend rows as columns (the rows must have valid dates and whole, non-negative counts, as every
 * parser guarantees).
 * @example spendColumnsOf([row]).text[0]?.values // ["meta"]
 */
export function spendColumnsOf(rows: readonly SpendRow[]): SpendColumns {
  const n = rows.length;
  const date_start = new Int32Array(n);
  const date_end = new Int32Array(n);
  const cost = new BigInt64Array(n);
  const revenue = new BigInt64Array(n);
  const counts = COUNT_FIELDS.map(() => new BigInt64Array(n));
  const halves = counts.map((c) => new Uint32Array(c.buffer));
  const conversions = new Float64Array(n);
  // Code 0 is always "": most rows leave several text fields empty, and those skip the lookup.
  const dicts = SPEND_TEXT_FIELDS.map(() => new Map<string, number>([["", 0]]));
  const text = SPEND_TEXT_FIELDS.map(() => ({ values: [""], codes: new Uint32Array(n) }));
  const days = new Map<string, number>();
  const day = (iso: string): number => {
    let d = days.get(iso);
    if (d === undefined) {
      const e = isoToEpochDay(iso);
      if (e === null) throw new Error(`spend row with an invalid date '${iso}'`);
      d = e;
      days.set(iso, d);
    }
    return d;
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i] as SpendRow;
    date_start[i] = day(r.date_start);
    date_end[i] = r.date_end === r.date_start ? (date_start[i] as number) : day(r.date_end);
    cost[i] = r.cost;
    revenue[i] = r.revenue;
    setWhole(halves[0] as Uint32Array, i, r.impressions);
    setWhole(halves[1] as Uint32Array, i, r.clicks);
    setWhole(halves[2] as Uint32Array, i, r.viewable_impressions);
    setWhole(halves[3] as Uint32Array, i, r.measurable_impressions);
    conversions[i] = r.conversions;
  }
  // One text field at a time through its own getter: a property read by a computed name on every
  // row would be several times slower.
  for (let f = 0; f < TEXT_GETTERS.length; f++) {
    const get = TEXT_GETTERS[f] as (r: SpendRow) => string;
    const dict = dicts[f] as Map<string, number>;
    const col = text[f] as { values: string[]; codes: Uint32Array };
    const codes = col.codes;
    let last = "";
    let lastCode = 0;
    for (let i = 0; i < n; i++) {
      const v = get(rows[i] as SpendRow);
      if (v === last) {
        codes[i] = lastCode;
        continue;
      }
      let code = dict.get(v);
      if (code === undefined) {
        code = col.values.length;
        col.values.push(v);
        dict.set(v, code);
      }
      codes[i] = code;
      last = v;
      lastCode = code;
    }
  }
  const [impressions, clicks, viewable_impressions, measurable_impressions] = counts as [BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array];
  return { length: n, date_start, date_end, text, cost, revenue, impressions, clicks, viewable_impressions, measurable_impressions, conversions };
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
  const iso = new Map<number, IsoDate>();
  const dayOf = (d: number): IsoDate => {
    let s = iso.get(d);
    if (s === undefined) {
      s = epochDayToIso(d);
      iso.set(d, s);
    }
    return s;
  };
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
