import { type IsoDate, requireIsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { unitsToMicros } from "../../domain/money.js";
import { type FlightPacing, flightPacing } from "../../domain/pacing/index.js";
import type { Filter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";

export interface PacingRequest {
  filters: Filter[];
  budget: number;
  from: IsoDate;
  to: IsoDate;
  /** The last complete day (default: the last day with spend in the flight). */
  asOf?: IsoDate;
  currency?: string;
}

export interface CampaignPacing extends FlightPacing {
  asOf: IsoDate;
  budget: number;
  spendToDate: bigint;
  currency: string | null;
}

/**
 * Spend to date against the flight's elapsed time, the projected end spend at the current daily rate
 * (the last 7 days), and the daily spend that lands exactly on budget.
 * @example (await pacing(store, { filters: [launch], budget: 5000, from: "2026-10-01", to: "2026-11-15" })).status
 */
export async function pacing(store: Store, req: PacingRequest): Promise<CampaignPacing> {
  const report = await runReport(store, { metrics: ["cost"], dimensions: ["day"], filters: req.filters, from: req.from, to: req.to, ...(req.currency ? { currency: req.currency } : {}) });
  const days = report.rows.filter((r) => !(r.keys[0] ?? "").includes(".."));
  const last = days.at(-1)?.keys[0];
  const asOf = req.asOf ? requireIsoDate(req.asOf, "--as-of") : last;
  if (!asOf) throw new UserError("no_data", `no spend in ${req.from} … ${req.to} for these filters`);
  const upTo = days.filter((r) => (r.keys[0] as string) <= asOf);
  const spendToDate = upTo.reduce((s, r) => s + r.totals.cost, 0n);
  const p = flightPacing({
    budget: unitsToMicros(req.budget),
    flightStart: req.from,
    flightEnd: req.to,
    asOf,
    spendToDate,
    recentDailySpend: upTo.slice(-7).map((r) => r.totals.cost),
  });
  return { ...p, asOf, budget: req.budget, spendToDate, currency: report.currency };
}
