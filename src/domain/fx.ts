import { addDays, type IsoDate } from "./dates.js";
import { UserError } from "./errors.js";

/** One published rate: 1 unit of `base` = `rate` units of `currency` on `date`. */
export interface FxRate {
  date: IsoDate;
  base: string;
  currency: string;
  rate: number;
  origin: string;
}

/** How many days back a missing rate may be taken from (weekends and holidays publish none). */
export const FX_LOOKBACK_DAYS = 7;

/**
 * Converts between currencies on a date through the rates' common base (the ECB's EUR by default).
 * Looks back up to FX_LOOKBACK_DAYS for the latest published rate; records what it could not find.
 */
export class FxTable {
  private readonly byKey = new Map<string, number>();
  private readonly bases = new Set<string>();
  readonly missing = new Map<string, Set<IsoDate>>();

  constructor(rates: readonly FxRate[]) {
    for (const r of rates) {
      this.byKey.set(`${r.currency}|${r.date}`, r.rate);
      this.bases.add(r.base);
    }
  }

  /** Units of `currency` per 1 base unit on `date` (or the latest within the lookback), or null. */
  private perBase(currency: string, date: IsoDate): number | null {
    if (this.bases.has(currency)) return 1;
    for (let i = 0; i <= FX_LOOKBACK_DAYS; i++) {
      const r = this.byKey.get(`${currency}|${i === 0 ? date : addDays(date, -i)}`);
      if (r !== undefined) return r;
    }
    return null;
  }

  /** The factor that turns an amount in `from` into `to` on `date`, or null (recorded in `missing`). @example fx.factor("USD", "EUR", "2026-10-01") */
  factor(from: string, to: string, date: IsoDate): number | null {
    if (from === to) return 1;
    const a = this.perBase(from, date);
    const b = this.perBase(to, date);
    if (a === null || b === null) {
      for (const c of [a === null ? from : null, b === null ? to : null]) {
        if (!c) continue;
        const days = this.missing.get(c) ?? new Set<IsoDate>();
        days.add(date);
        this.missing.set(c, days);
      }
      return null;
    }
    return b / a;
  }

  /** Throws a UserError naming every currency (and the dates) that had no rate. */
  assertComplete(target: string): void {
    if (this.missing.size === 0) return;
    const parts = [...this.missing].map(([c, days]) => {
      const sorted = [...days].sort();
      return `${c} (${sorted.length} day${sorted.length > 1 ? "s" : ""}, ${sorted[0]}${sorted.length > 1 ? ` … ${sorted.at(-1)}` : ""})`;
    });
    throw new UserError(
      "missing_fx_rates",
      `cannot convert to ${target}: no exchange rate for ${parts.join(", ")}. Import rates with 'cpi fx import rates.csv' (date,currency,rate or the ECB eurofxref-hist.csv).`,
      { missing: Object.fromEntries([...this.missing].map(([c, d]) => [c, [...d].sort()])) },
    );
  }
}
