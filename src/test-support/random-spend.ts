// Seeded random spend rows for tests and benchmarks (not part of the build).
import { addDays } from "../domain/dates.js";
import { blankSpendRow, type SpendRow } from "../domain/spend.js";
import { mulberry32 } from "../domain/stats/random.js";

export { mulberry32 };

export interface RandomSpendOptions {
  seed: number;
  rows: number;
  start?: string;
  days?: number;
  sources?: string[];
  currencies?: string[];
  campaigns?: number;
  /** Fraction of rows that cover a multi-day range instead of one day. */
  rangedShare?: number;
}

/** Random but plausible spend rows: several sources, accounts, currencies, campaigns, ads, days. */
export function randomSpendRows(o: RandomSpendOptions): SpendRow[] {
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const sources = o.sources ?? ["google_ads", "meta", "linkedin"];
  const currencies = o.currencies ?? ["USD"];
  const days = o.days ?? 60;
  const start = o.start ?? "2026-09-01";
  const campaigns = o.campaigns ?? 12;
  const rows: SpendRow[] = [];
  for (let i = 0; i < o.rows; i++) {
    const r = blankSpendRow();
    const day = Math.floor(rnd() * days);
    r.date_start = addDays(start, day);
    r.date_end = rnd() < (o.rangedShare ?? 0) ? addDays(r.date_start, 1 + Math.floor(rnd() * 10)) : r.date_start;
    r.source = pick(sources);
    const ci = sources.indexOf(r.source) % currencies.length;
    r.currency = currencies[ci] as string;
    r.account_id = `${r.source}-acct-${Math.floor(rnd() * 2)}`;
    r.account_timezone = "UTC";
    const c = Math.floor(rnd() * campaigns);
    r.campaign = `Campaign ${c}`;
    r.campaign_id = `c${c}`;
    r.ad_group = `Group ${Math.floor(rnd() * 3)}`;
    r.ad_group_id = r.ad_group;
    r.ad = `Ad ${Math.floor(rnd() * 4)}`;
    r.ad_id = r.ad;
    r.placement = pick(["feed", "search", "banner", ""]);
    r.impressions = Math.floor(rnd() * 20000);
    r.clicks = Math.floor(r.impressions * rnd() * 0.03);
    r.conversions = Math.floor(r.clicks * rnd() * 0.1);
    r.cost = BigInt(Math.floor(rnd() * 500_000_000)); // up to 500.000000, odd micros
    r.revenue = BigInt(Math.floor(rnd() * 900_000_000));
    rows.push(r);
  }
  return rows;
}
