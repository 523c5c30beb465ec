import { addDays, daysBetweenInclusive, type IsoDate, requireIsoDate } from "../../domain/dates.js";
import { unitsToMicros } from "../../domain/money.js";
import { type DailySpend, type FlightPacing, flightPacingOfDays } from "../../domain/pacing/index.js";
import type { Filter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";
import { nothingMatched } from "../unmatched-filters.js";

export interface PacingRequest {
  filters: Filter[];
  budget: number;
  from: IsoDate;
  to: IsoDate;
  /** The last complete day (default: the last day with spend in the flight). */
  asOf?: IsoDate;
  currency?: string;
  /** Within ± this share of the budget is on track (default 0.05). */
  tolerance?: number;
}

export interface CampaignPacing extends FlightPacing {
  asOf: IsoDate;
  budget: number;
  currency: string | null;
}

/** Days of spend before a flight read for its weekday factors (4 weeks). */
export const PROFILE_HISTORY_DAYS = 28;

/**
 * Daily spend over consecutive calendar days (0 where the store has no row: a day an export leaves out
 * delivered nothing), summed over what the filters select, from `from` to `to`; rows covering several
 * days are left out and counted. One report query.
 * @example (await flightDailySpend(store, { filters, from: "2026-08-06", to: "2026-10-20" })).days.spend.length // 76
 */
export async function flightDailySpend(
  store: Store,
  req: { filters: Filter[]; from: IsoDate; to: IsoDate; currency?: string; timezone?: string },
): Promise<{ days: DailySpend; lastSpendDay: IsoDate | null; currency: string | null; rangedRows: number }> {
  const report = await runReport(store, {
    metrics: ["cost"],
    dimensions: ["day"],
    filters: req.filters,
    from: req.from,
    to: req.to,
    ...(req.currency ? { currency: req.currency } : {}),
    ...(req.timezone ? { timezone: req.timezone } : {}),
  });
  const n = Math.max(0, daysBetweenInclusive(req.from, req.to));
  const spend = new Array<bigint>(n).fill(0n);
  let lastSpendDay: IsoDate | null = null;
  let rangedRows = 0;
  for (const r of report.rows) {
    const day = r.keys[0] ?? "";
    if (day.includes("..")) {
      rangedRows++;
      continue;
    }
    const i = daysBetweenInclusive(req.from, day) - 1;
    if (i < 0 || i >= n) continue;
    spend[i] = (spend[i] ?? 0n) + r.totals.cost;
    if (r.totals.cost > 0n && (lastSpendDay === null || day > lastSpendDay)) lastSpendDay = day;
  }
  return { days: { start: req.from, spend }, lastSpendDay, currency: report.currency, rangedRows };
}

/**
 * Spend to date against the flight's elapsed time, the projected end spend at the current daily rate
 * (the last 7 calendar days, missing days as 0, weighted by weekday), and the daily spend that lands
 * exactly on budget: flightPacingOfDays, as the alerts' pacing rule judges it.
 * @example (await pacing(store, { filters: [launch], budget: 5000, from: "2026-10-01", to: "2026-11-15" })).status
 */
export async function pacing(store: Store, req: PacingRequest): Promise<CampaignPacing> {
  const given = req.asOf ? requireIsoDate(req.asOf, "--as-of") : null;
  const from = addDays(req.from, -PROFILE_HISTORY_DAYS);
  const to = given && given > req.to ? given : req.to;
  const read = await flightDailySpend(store, { filters: req.filters, from, to, ...(req.currency ? { currency: req.currency } : {}) });
  // The last day with spend inside the flight (ISO dates compare as text).
  const inFlight = read.lastSpendDay === null || read.lastSpendDay < req.from ? null : ([read.lastSpendDay, req.to].sort()[0] as IsoDate);
  const asOf = given ?? inFlight;
  if (!asOf) throw await nothingMatched(store, req.filters, "no_data", `no spend in ${req.from} … ${req.to} for these filters`);
  const p = flightPacingOfDays({
    budget: unitsToMicros(req.budget),
    flightStart: req.from,
    flightEnd: req.to,
    asOf,
    days: read.days,
    ...(req.tolerance !== undefined ? { tolerance: req.tolerance } : {}),
  });
  return { ...p, asOf, budget: req.budget, currency: read.currency };
}
