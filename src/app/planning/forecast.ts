import { requireAmount } from "../../domain/cost-efficiency.js";
import { forecastSpend, type SpendForecast } from "../../domain/curves/index.js";
import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import { fitCurves } from "./curves.js";
import type { ChannelSelection } from "./delivery.js";

export interface BudgetForecast {
  budget: number;
  days: number;
  dailyBudget: number;
  /** Per day of delivery, with intervals. */
  daily: SpendForecast;
  /** Over the whole flight: impressions (and their interval) × days; CPI is the same as per day. */
  impressions: { value: number; low: number; high: number };
  extrapolation: boolean;
  observedDailySpend: { min: number; max: number };
  warnings: string[];
}

/**
 * Predicts impressions, reach and CPI for a budget spent evenly over `days`, from one fitted
 * response curve of the selection's daily history, and flags budgets outside the observed range.
 * @example (await forecastBudget(store, sel, 5000, 30)).impressions.value
 */
export async function forecastBudget(store: Store, sel: ChannelSelection, budget: number, days: number): Promise<BudgetForecast> {
  requireAmount(budget, "--budget", true);
  if (!Number.isInteger(days) || days < 1) throw new UserError("bad_number", `--days must be a whole number of days ≥ 1, got ${days}`);
  const [c, ...rest] = await fitCurves(store, sel);
  if (!c || rest.length > 0) throw new UserError("bad_usage", "a forecast needs one channel: narrow the selection (e.g. --campaign)");
  if (!c.response) throw new UserError("too_little_history", c.warnings.join("; "));
  const daily = forecastSpend(c.response, budget / days);
  // The daily forecast's notes say when the daily budget (or the impressions it buys) lies outside the data.
  const warnings = [...c.warnings, ...daily.notes];
  return {
    budget,
    days,
    dailyBudget: budget / days,
    daily,
    impressions: { value: daily.impressions.value * days, low: daily.impressions.low * days, high: daily.impressions.high * days },
    extrapolation: daily.extrapolation,
    observedDailySpend: c.response.spendRange,
    warnings,
  };
}
