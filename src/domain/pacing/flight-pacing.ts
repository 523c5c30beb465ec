import { addDays, daysBetweenInclusive, type IsoDate, isoToEpochDay } from "../dates.js";
import { UserError } from "../errors.js";
import { type Micros, microsToDecimalString } from "../money.js";
import { weekdayOfEpochDay, weekdayProfile } from "./weekday-profile.js";

/** The current daily rate is the spend of this many calendar days up to the as-of day (days without a row count as 0). */
export const RECENT_DAYS = 7;
/** Days before the as-of day a young flight's weekday factors are read from. */
export const PROFILE_DAYS = 28;

export interface PacingInput {
  budget: Micros;
  /** First and last day of the flight (inclusive, in the account's time zone). */
  flightStart: IsoDate;
  flightEnd: IsoDate;
  /** The last day whose spend is included in `spendToDate` (usually yesterday). */
  asOf: IsoDate;
  spendToDate: Micros;
  /**
   * Spend of the most recent calendar days of the flight, oldest first, the last being `asOf` (a day
   * without a row is 0): the current daily rate is their sum over their weekday factors (their mean
   * for a whole week). Default: the mean so far.
   */
  recentDailySpend?: readonly Micros[];
  /** Spend per weekday, Monday first, mean 1 (weekdayProfile); default: every day weighs the same. */
  weekdayFactors?: readonly number[] | null;
  /** Within ± this share of the budget is on track, projected or spent (default 0.05). */
  tolerance?: number;
}

export type PacingStatus = "not-started" | "on-track" | "overspending" | "underspending" | "overspent";

export interface FlightPacing {
  totalDays: number;
  elapsedDays: number;
  remainingDays: number;
  /** Share of the flight's days that have passed. */
  elapsedShare: number;
  /** Spend from the flight's first day to the as-of day. */
  spendToDate: Micros;
  /** Share of the budget spent. */
  spentShare: number;
  /** What even pacing would have spent by now: budget × elapsed share. */
  expectedSpendToDate: Micros;
  /** spend to date / expected spend to date (1 = on pace), null before the flight starts. */
  paceRatio: number | null;
  /** The current daily rate used for the projection: the spend of an average day of the week. */
  dailyRate: Micros;
  /** spend to date + daily rate × the remaining days, each weighted by its weekday's factor. */
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
 * daily rate (weighted by weekday when factors are given), and the daily spend that would land exactly
 * on budget. Every status allows the tolerance: "overspent" is beyond budget × (1 + tolerance).
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
  const factors = input.weekdayFactors ?? null;
  const weight = (day: number) => (factors ? (factors[weekdayOfEpochDay(day)] ?? 1) : 1);
  const weightOf = (from: number, to: number) => {
    let w = 0;
    for (let d = from; d <= to; d++) w += weight(d);
    return w;
  };
  const lastElapsed = start + elapsedDays - 1;
  const recent = input.recentDailySpend ?? [];
  let dailyRate: Micros;
  if (recent.length > 0) {
    const w = weightOf(lastElapsed - recent.length + 1, lastElapsed);
    dailyRate = w > 0 ? BigInt(Math.round(Number(recent.reduce((s, v) => s + v, 0n)) / w)) : 0n;
  } else {
    const w = weightOf(start, lastElapsed);
    dailyRate = elapsedDays > 0 && w > 0 ? BigInt(Math.round(Number(spendToDate) / w)) : 0n;
  }
  const projectedEndSpend = spendToDate + BigInt(Math.round(Number(dailyRate) * weightOf(lastElapsed + 1, end)));
  const expectedSpendToDate = BigInt(Math.round((Number(budget) * weightOf(start, lastElapsed)) / weightOf(start, end)));
  const requiredDailySpend = remainingDays > 0 ? divRound(budget - spendToDate > 0n ? budget - spendToDate : 0n, BigInt(remainingDays)) : null;
  const projectedOverBudget = projectedEndSpend - budget;
  const share = ratio(projectedEndSpend, budget);
  let status: PacingStatus;
  if (ratio(spendToDate, budget) > 1 + tolerance) status = "overspent";
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
    "on-track": remainingDays === 0 ? `the flight ended having spent ${money(spendToDate)} of ${money(budget)}` : `on course to spend ${money(projectedEndSpend)} of ${money(budget)}`,
  };
  return {
    totalDays,
    elapsedDays,
    remainingDays,
    elapsedShare: elapsedDays / totalDays,
    spendToDate,
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

/** A store's daily spend over consecutive calendar days (a day without a row is 0). */
export interface DailySpend {
  /** The first day of `spend`. */
  start: IsoDate;
  spend: readonly Micros[];
}

/**
 * Pacing as of a day from daily spend, the one definition `cpi pacing` and the alerts' pacing rule
 * share: spend to date is the flight's days up to `asOf`; the current rate is the last RECENT_DAYS
 * calendar days of the flight (missing days count as 0) over their weekday factors; the factors come
 * from the flight's own days once it has two weeks of them, else from the 4 weeks up to `asOf` (history
 * before the flight too), or none with under two weeks to read.
 * @example flightPacingOfDays({ budget, flightStart: "2026-10-01", flightEnd: "2026-10-30", asOf: "2026-10-20", days: { start: "2026-08-01", spend } })
 */
export function flightPacingOfDays(input: Omit<PacingInput, "spendToDate" | "recentDailySpend" | "weekdayFactors"> & { days: DailySpend }): FlightPacing {
  const { days } = input;
  const at = (iso: IsoDate) => daysBetweenInclusive(days.start, iso) - 1;
  const asOfIndex = Math.min(at(input.asOf), days.spend.length - 1);
  const first = Math.max(0, at(input.flightStart));
  const last = Math.min(asOfIndex, at(input.flightEnd));
  let spendToDate = 0n;
  for (let i = first; i <= last; i++) spendToDate += days.spend[i] ?? 0n;
  const recent = last >= first ? days.spend.slice(Math.max(first, last - RECENT_DAYS + 1), last + 1) : [];
  // The week's shape from the flight itself once it has two weeks, else from the four weeks before the as-of day.
  const profileFrom = last - first + 1 >= 14 ? first : Math.max(0, asOfIndex - PROFILE_DAYS + 1);
  const shape = days.spend.slice(profileFrom, asOfIndex + 1).map((m) => Number(m));
  const lastDay = isoToEpochDay(addDays(days.start, asOfIndex)) ?? 0;
  return flightPacing({ ...input, spendToDate, recentDailySpend: recent, weekdayFactors: weekdayProfile(shape, weekdayOfEpochDay(lastDay)) });
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
