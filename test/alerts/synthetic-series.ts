// Seeded daily delivery for alert tests: campaigns with weekly seasonality, a slow trend and noise, and
// injected events (impression spikes and drops, CPI spikes, days without delivery) after a quiet history.

import { mulberry32, normalDraw } from "../../src/domain/curves/seeded-random.js";
import { addDays } from "../../src/domain/dates.js";

export type InjectedEvent = "spike" | "drop" | "zero" | "cpi";

export interface SyntheticDay {
  date: string;
  campaign: string;
  impressions: number;
  costMicros: bigint;
  event: InjectedEvent | null;
}

export interface SyntheticOptions {
  seed: number;
  campaigns: number;
  days: number;
  /** Days before this index are quiet history. */
  firstEventDay: number;
  start: string;
}

/** The days of every campaign, in date order (zero days included with 0 impressions). */
export function syntheticDelivery(o: SyntheticOptions): SyntheticDay[] {
  const rand = mulberry32(o.seed);
  const out: SyntheticDay[] = [];
  for (let c = 0; c < o.campaigns; c++) {
    const name = `Campaign ${String(c + 1).padStart(2, "0")}`;
    const level = 2000 * 25 ** rand(); // 2,000 … 50,000 impressions a day
    const cpm = 4 + 12 * rand(); // $4 … $16
    const weekly = [1.0, 1.06, 1.08, 1.04, 0.96, 0.66, 0.58].map((w) => w * (1 + 0.05 * normalDraw(rand)));
    const weeklyCpm = [1.0, 1.02, 1.03, 1.01, 0.98, 0.9, 0.88];
    const trend = 0.15 * (rand() - 0.5);
    for (let d = 0; d < o.days; d++) {
      const date = addDays(o.start, d);
      const weekday = (((Date.parse(`${date}T00:00:00Z`) / 86_400_000 + 3) % 7) + 7) % 7; // 0 = Monday
      let impressions = level * (weekly[weekday] ?? 1) * (1 + (trend * d) / o.days) * Math.exp(0.06 * normalDraw(rand));
      let dayCpm = cpm * (weeklyCpm[weekday] ?? 1) * Math.exp(0.04 * normalDraw(rand));
      let event: InjectedEvent | null = null;
      if (d >= o.firstEventDay) {
        const u = rand();
        if (u < 0.03) {
          event = "spike";
          impressions *= 1.8 + 1.2 * rand();
        } else if (u < 0.06) {
          event = "drop";
          impressions *= 0.2 + 0.3 * rand();
        } else if (u < 0.075) {
          event = "zero";
          impressions = 0;
        } else if (u < 0.105) {
          event = "cpi";
          dayCpm *= 1.6 + 0.9 * rand();
        }
      }
      const n = Math.round(impressions);
      out.push({ date, campaign: name, impressions: n, costMicros: BigInt(Math.round((n / 1000) * dayCpm * 1e6)), event });
    }
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.campaign < b.campaign ? -1 : 1));
}

/** The generic CSV cpi imports; zero days are left out on odd days (platforms often omit empty rows) and kept as 0 rows on even ones. */
export function deliveryCsv(days: readonly SyntheticDay[]): string {
  const lines = ["date,source,account,campaign,currency,cost,impressions,clicks"];
  for (const [i, r] of days.entries()) {
    if (r.impressions === 0 && i % 2 === 1) continue;
    const cost = `${r.costMicros / 1_000_000n}.${String(r.costMicros % 1_000_000n).padStart(6, "0")}`;
    lines.push(`${r.date},meta,acct-1,${r.campaign},USD,${cost},${r.impressions},${Math.round(r.impressions * 0.01)}`);
  }
  return `${lines.join("\n")}\n`;
}
