import { type IsoDate, isoToEpochDay } from "../dates.js";
import { UserError } from "../errors.js";
import { type Micros, microsToDecimalString } from "../money.js";

export interface PacingInput {
  budget: Micros;
  /** First and last day of the flight (inclusive, in the account's time zone). */
  flightStart: IsoDate;
  flightEnd: IsoDate;
  /** The last day whose spend is included in `spendToDate` (usually yesterday). */
  asOf: IsoDate;
  spendToDate: Micros;
  /** Spend of the most recent complete days, oldest first: the current daily rate is their mean. Default: the mean so far. */
  recentDailySpend?: readonly Micros[];
  /** Projected end spend within ± this share of the budget counts as on track (default 0.05). */
  tolerance?: number;
}

export type PacingStatus = "not-started" | "on-track" | "overspending" | "underspending" | "overspent";

export interface FlightPacing {
  totalDays: number;
  elapsedDays: number;
  remainingDays: number;
  /** Share of the flight's days that have passed. */
  elapsedShare: number;
  /** Share of the budget spent. */
  spentShare: number;
  /** What even pacing would have spent by now: budget × elapsed share. */
  expectedSpendToDate: Micros;
  /** spend to date / expected spend to date (1 = on pace), null before the flight starts. */
  paceRatio: number | null;
  /** The current daily rate used for the projection. */
  dailyRate: Micros;
  /** spend to date + daily rate × remaining days. */
  projectedEndSpend: Micros;
  /** projected end spend − budget (positive = overspend). */
  projectedOverBudget: Micros;
  /** The daily spend that would land exactly on the budget, null once the flight is over. */
  requiredDailySpend: Micros | null;
  status: PacingStatus;
  ended: boolean;
  message: string;
}

/**
 * Budget pacing of a flight: spend to date against elapsed time, the end spend projected at the current
 * daily rate, and the daily spend that would land exactly on budget.
 * @example flightPacing({ budget: 3_000_000_000n, flightStart: "2026-10-01", flightEnd: "2026-10-30", asOf: "2026-10-10", spendToDate: 1_200_000_000n })
 *   // { elapsedDays: 10, paceRatio: 1.2, projectedEndSpend: 3_600_000_000n, requiredDailySpend: 90_000_000n, status: "overspending", … }
 */
export function flightPacing(input: PacingInput): FlightPacing {
  const start = dayOf(input.flightStart, "the flight start");
  const end = dayOf(input.flightEnd, "the flight end");
  const asOf = dayOf(input.asOf, "the as-of date");
  if (end < start) throw new UserError("bad_flight", `the flight ends (${input.flightEnd}) before it starts (${input.flightStart})`);
  if (input.budget <= 0n) throw new UserError("bad_budget", `the budget must be positive, got ${microsToDecimalString(input.budget)}`);
  if (input.spendToDate < 0n) throw new UserError("bad_spend", "spend to date cannot be negative");
  const tolerance = input.tolerance ?? 0.05;
  const totalDays = end - start + 1;
  const elapsedDays = Math.min(Math.max(asOf - start + 1, 0), totalDays);
  const remainingDays = totalDays - elapsedDays;
  const { budget, spendToDate } = input;
  const recent = input.recentDailySpend ?? [];
  let dailyRate: Micros;
  if (recent.length > 0) dailyRate = divRound(recent.reduce((s, v) => s + v, 0n), BigInt(recent.length));
  else dailyRate = elapsedDays > 0 ? divRound(spendToDate, BigInt(elapsedDays)) : 0n;
  const projectedEndSpend = spendToDate + dailyRate * BigInt(remainingDays);
  const expectedSpendToDate = divRound(budget * BigInt(elapsedDays), BigInt(totalDays));
  const requiredDailySpend = remainingDays > 0 ? divRound(budget - spendToDate > 0n ? budget - spendToDate : 0n, BigInt(remainingDays)) : null;
  const projectedOverBudget = projectedEndSpend - budget;
  const share = ratio(projectedEndSpend, budget);
  let status: PacingStatus;
  if (spendToDate > budget) status = "overspent";
  else if (elapsedDays === 0 && spendToDate === 0n) status = "not-started";
  else if (share > 1 + tolerance) status = "overspending";
  else if (share < 1 - tolerance) status = "underspending";
  else status = "on-track";
  // Shown to the cent: micros are exact, but a message reads better rounded once, here.
  const money = (m: Micros) => microsToDecimalString((((m < 0n ? -m : m) + 5_000n) / 10_000n) * 10_000n);
  const messages: Record<PacingStatus, string> = {
    "not-started": `the flight starts on ${input.flightStart}`,
    overspent: `already ${money(spendToDate - budget)} over the budget of ${money(budget)}`,
    overspending: `on course to spend ${money(projectedEndSpend)}, ${money(projectedOverBudget)} over the budget; ${
      requiredDailySpend === null ? "the flight is over" : `spend ${money(requiredDailySpend)} a day to land on it`
    }`,
    underspending:
      remainingDays === 0
        ? `the flight ended with ${money(budget - spendToDate)} of the budget unspent`
        : `on course to spend ${money(projectedEndSpend)}, ${money(projectedOverBudget)} under the budget; spend ${money(requiredDailySpend ?? 0n)} a day to land on it`,
    "on-track": `on course to spend ${money(projectedEndSpend)} of ${money(budget)}`,
  };
  return {
    totalDays,
    elapsedDays,
    remainingDays,
    elapsedShare: elapsedDays / totalDays,
    spentShare: ratio(spendToDate, budget),
    expectedSpendToDate,
    paceRatio: expectedSpendToDate > 0n ? ratio(spendToDate, expectedSpendToDate) : null,
    dailyRate,
    projectedEndSpend,
    projectedOverBudget,
    requiredDailySpend,
    status,
    ended: remainingDays === 0,
    message: messages[status],
  };
}

function dayOf(iso: IsoDate, what: string): number {
  const d = isoToEpochDay(iso);
  if (d === null) throw new UserError("bad_date", `${what} must be a date as YYYY-MM-DD, got '${iso}'`);
  return d;
}

/** a / b rounded half away from zero (b > 0). */
function divRound(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (2n * (r < 0n ? -r : r) >= b) return q + (a < 0n ? -1n : 1n);
  return q;
}

/** The ratio of two micro amounts as a float (both well inside 2^53 micros for any real budget). */
function ratio(a: bigint, b: bigint): number {
  return Number(a) / Number(b);
}
