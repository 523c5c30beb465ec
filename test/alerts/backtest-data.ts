// The outside backtest of issue 23, as seeded data: 22 campaigns × 120 days with weekly seasonality,
// trends and daily noise; after 8 quiet weeks, CPI spikes of +30 %, +80 % and +200 % (one day each),
// delivery stops of 2–5 days, and four budget flights: one spending with the weekly pattern, one flat
// with noisy first days (both landing 0.2–1.1 % over budget), one that starts to overspend, and one
// that ended (its campaign stops delivering when its flight is over: not a stopped campaign).

import { mulberry32, normalDraw } from "../../src/domain/curves/seeded-random.js";
import { addDays, daysBetweenInclusive } from "../../src/domain/dates.js";

export type SpikeSize = 0.3 | 0.8 | 2;

export interface BacktestDay {
  date: string;
  campaign: string;
  impressions: number;
  costMicros: bigint;
}

export interface Flight {
  campaign: string;
  budget: number;
  from: string;
  to: string;
  kind: "weekly" | "flat" | "overspend" | "ended";
  /** The overspend flight: the first day it spends twice its pace. */
  overspendFrom?: string;
}

export interface BacktestData {
  start: string;
  days: number;
  /** The first day events are injected on (8 weeks of quiet history before it). */
  firstEventDay: string;
  rows: BacktestDay[];
  spikes: { campaign: string; date: string; size: SpikeSize }[];
  stops: { campaign: string; from: string; to: string }[];
  flights: Flight[];
}

export const BACKTEST = { campaigns: 22, days: 120, start: "2026-01-05", history: 56 } as const;

/** 0 = Monday. */
function weekday(date: string): number {
  return (((Date.parse(`${date}T00:00:00Z`) / 86_400_000 + 3) % 7) + 7) % 7;
}

/**
 * The seeded data: every campaign's days (stop days as 0 rows or left out), and what was injected.
 * @example backtestData(1).spikes.length // 132: two spikes of each size per campaign
 */
export function backtestData(seed: number): BacktestData {
  const rand = mulberry32(seed);
  const { campaigns, days, start, history } = BACKTEST;
  const rows: BacktestDay[] = [];
  const spikes: BacktestData["spikes"] = [];
  const stops: BacktestData["stops"] = [];
  const flights: Flight[] = [];
  const flightKinds: Flight["kind"][] = ["weekly", "flat", "overspend", "ended"];
  for (let c = 0; c < campaigns; c++) {
    const campaign = `Campaign ${String(c + 1).padStart(2, "0")}`;
    const level = 3000 * 15 ** rand(); // 3,000 … 45,000 impressions a day
    const cpm = 3 + 12 * rand();
    const dip = 0.55 + 0.25 * rand(); // weekend level
    const weekly = [1.0, 1.05, 1.07, 1.04, 0.97, dip, dip * 0.95].map((w) => w * (1 + 0.04 * normalDraw(rand)));
    const cpmDip = 0.86 + 0.08 * rand();
    const weeklyCpm = [1.0, 1.02, 1.03, 1.01, 0.98, cpmDip, cpmDip * 0.98];
    const trend = 0.3 * (rand() - 0.5);
    const cpmTrend = 0.2 * (rand() - 0.5);
    const noise = 0.02 + 0.03 * rand(); // the day's CPM noise: 2 … 5 %
    // Events after the quiet history, at least 4 days apart: two spikes of each size, and a stop for one campaign in three.
    const taken = new Set<number>();
    const pick = (len = 1): number => {
      for (;;) {
        const d = history + Math.floor(rand() * (days - history - len));
        let free = true;
        for (let k = d - 4; k < d + len + 4; k++) if (taken.has(k)) free = false;
        if (!free) continue;
        for (let k = d; k < d + len; k++) taken.add(k);
        return d;
      }
    };
    const flight = c < flightKinds.length ? flightKinds[c] : undefined;
    const spikeAt = new Map<number, SpikeSize>();
    const stopDays = new Set<number>();
    if (flight === undefined) {
      for (const size of [0.3, 0.8, 2, 0.3, 0.8, 2] as SpikeSize[]) spikeAt.set(pick(), size);
      if (c % 3 === 0) {
        const len = 2 + Math.floor(rand() * 4);
        const d = pick(len);
        for (let k = d; k < d + len; k++) stopDays.add(k);
        stops.push({ campaign, from: addDays(start, d), to: addDays(start, d + len - 1) });
      }
    }
    // A flight: spend follows the campaign's pattern, scaled to land on budget (or over it).
    let f: Flight | undefined;
    if (flight) {
      const from = addDays(start, flight === "ended" ? 40 : 62);
      const to = addDays(from, flight === "flat" ? 29 : 41);
      f = { campaign, budget: 0, from, to, kind: flight };
      if (flight === "overspend") f.overspendFrom = addDays(from, 24);
      flights.push(f);
    }
    const daily: { d: number; impressions: number; dayCpm: number }[] = [];
    for (let d = 0; d < days; d++) {
      const date = addDays(start, d);
      const w = weekday(date);
      let impressions = level * (weekly[w] ?? 1) * (1 + (trend * d) / days) * Math.exp(0.08 * normalDraw(rand));
      let dayCpm = cpm * (weeklyCpm[w] ?? 1) * (1 + (cpmTrend * d) / days) * Math.exp(noise * normalDraw(rand));
      const size = spikeAt.get(d);
      if (size !== undefined) {
        dayCpm *= 1 + size;
        spikes.push({ campaign, date, size });
      }
      if (stopDays.has(d)) impressions = 0;
      if (f && date >= f.from && date <= f.to) {
        // A flight is paced by its platform: the day's spend is the budget's pace, shaped by the week (or flat), ±8 %.
        const shape = f.kind === "flat" ? (daysBetweenInclusive(f.from, date) <= 3 ? ([0.35, 1.9, 0.6][daysBetweenInclusive(f.from, date) - 1] ?? 1) : 1) : (weekly[w] ?? 1);
        const spend = ((level * cpm) / 1000) * shape * Math.exp(0.08 * normalDraw(rand));
        impressions = (spend * 1000) / dayCpm;
      }
      if (f?.kind === "ended" && date > f.to) impressions = 0;
      daily.push({ d, impressions, dayCpm });
    }
    if (f) {
      // The budget the flight lands 0.2–1.1 % over (the overspend flight: what its first pace would have spent).
      const inFlight = daily.filter((x) => addDays(start, x.d) >= (f as Flight).from && addDays(start, x.d) <= (f as Flight).to);
      const spent = inFlight.reduce((s, x) => s + (x.impressions / 1000) * x.dayCpm, 0);
      f.budget = Math.round(spent / (1.002 + 0.009 * rand()));
      if (f.kind === "overspend") {
        for (const x of inFlight) if (addDays(start, x.d) >= (f.overspendFrom as string)) x.impressions *= 2;
      }
    }
    for (const x of daily) {
      const n = Math.round(x.impressions);
      rows.push({ date: addDays(start, x.d), campaign, impressions: n, costMicros: BigInt(Math.round((n / 1000) * x.dayCpm * 1e6)) });
    }
  }
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.campaign < b.campaign ? -1 : 1));
  return { start, days, firstEventDay: addDays(start, history), rows, spikes, stops, flights };
}

/** The generic CSV cpi imports: a stop's days are left out on even days of the month (platforms often omit empty rows) and kept as 0 rows on odd ones. */
export function backtestCsv(data: BacktestData): string {
  const lines = ["date,source,account,campaign,currency,cost,impressions,clicks"];
  for (const r of data.rows) {
    if (r.impressions === 0 && Number(r.date.slice(8)) % 2 === 0) continue;
    const cost = `${r.costMicros / 1_000_000n}.${String(r.costMicros % 1_000_000n).padStart(6, "0")}`;
    lines.push(`${r.date},meta,acct-1,${r.campaign},USD,${cost},${r.impressions},${Math.round(r.impressions * 0.01)}`);
  }
  return `${lines.join("\n")}\n`;
}
