import { type AllocationChannel, type AllocationResult, allocateBudget, type ChannelExplanation, explanationText, scaleExplanation } from "../../domain/allocate/index.js";
import { requireAmount } from "../../domain/cost-efficiency.js";
import { objectiveCurve, scaleCurve } from "../../domain/curves/index.js";
import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import { fitCurves } from "./curves.js";
import type { ChannelSelection } from "./delivery.js";

export const OBJECTIVES = ["reach", "impressions", "clicks", "conversions"] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** A per-channel bound as the user wrote it: an amount over the period, or a share of the budget. */
export interface Bound {
  channel: string;
  amount?: number;
  share?: number;
}

export interface AllocateRequest {
  budget: number;
  days: number;
  objective: Objective;
  min: Bound[];
  max: Bound[];
  fixed: Bound[];
  frequencyCap?: number;
}

/** One channel over the whole period. */
export interface PeriodAllocation {
  channel: string;
  spend: number;
  today: number | null;
  value: number;
  todayValue: number | null;
  /** Spend over the period for one more objective unit (reach: one more person reached a day). */
  marginalCost: number | null;
  /** Why, in the period's amounts (what `reason` says, as numbers). */
  why: ChannelExplanation;
  /** Why, in words, with the period's amounts as plain numbers in `currency`. */
  reason: string;
}

export interface BudgetAllocation {
  objective: Objective;
  budget: number;
  days: number;
  /** The currency of every amount: --currency, or the data's one currency. */
  currency: string | null;
  /** Today's daily split, scaled to the same budget so that the gain compares like with like. */
  todayDailySpend: Record<string, number>;
  /** The allocation of one day's budget on the daily curves (amounts per day). */
  result: AllocationResult;
  /** What every funded channel's next objective unit costs, over the period (as perPeriod's marginalCost). */
  marginalCost: number | null;
  /** Per period: spend and objective over `days` (reach stays per day: people are not additive over days). */
  perPeriod: PeriodAllocation[];
  skipped: string[];
  warnings: string[];
}

/**
 * Parses "meta=500" or "meta=20%" (one channel's bound). @example parseBound("meta=20%") // { channel: "meta", share: 0.2 }
 */
export function parseBound(text: string, flag: string): Bound {
  const m = /^(.+?)=\s*([0-9.]+)\s*(%?)$/.exec(text.trim());
  if (!m) throw new UserError("bad_bound", `${flag} '${text}' is not CHANNEL=AMOUNT or CHANNEL=PERCENT% (e.g. meta=500 or meta=20%)`);
  const n = requireAmount(m[2] as string, flag);
  if (m[3]) {
    if (n > 100) throw new UserError("bad_bound", `${flag} '${text}': a share cannot exceed 100 %`);
    return { channel: (m[1] as string).trim(), share: n / 100 };
  }
  return { channel: (m[1] as string).trim(), amount: n };
}

/**
 * Splits a budget across channels to maximise reach, impressions, clicks or conversions on their
 * fitted daily response curves, within per-channel min/max/fixed bounds; exact for concave curves,
 * global (branch and bound) for S-shaped ones.
 * @example (await allocate(store, { by: "source", filters: [] }, { budget: 20000, days: 30, objective: "impressions", min: [], max: [], fixed: [] })).result.channels
 */
export async function allocate(store: Store, sel: ChannelSelection, req: AllocateRequest): Promise<BudgetAllocation> {
  requireAmount(req.budget, "--budget", true);
  if (!Number.isInteger(req.days) || req.days < 1) throw new UserError("bad_number", `--days must be a whole number ≥ 1, got ${req.days}`);
  const fits = await fitCurves(store, sel);
  const warnings = fits.flatMap((f) => f.warnings);
  const usable = fits.filter((f) => f.response !== null);
  const skipped = fits.filter((f) => f.response === null).map((f) => f.channel);
  if (usable.length === 0) throw new UserError("too_little_history", `no channel has enough daily history for a curve: ${warnings.join("; ")}`);
  if (req.objective === "reach" && usable.some((f) => f.response?.reach === null)) {
    throw new UserError(
      "no_reach_history",
      `--objective reach needs daily reach per channel (first-party tracking); none for ${usable.filter((f) => f.response?.reach === null).map((f) => f.channel).join(", ")}. Use --objective impressions, or track these channels.`,
    );
  }
  const names = new Set(usable.map((f) => f.channel));
  for (const b of [...req.min, ...req.max, ...req.fixed]) {
    if (!names.has(b.channel)) throw new UserError("unknown_channel", `no channel '${b.channel}' with enough history; channels: ${[...names].join(", ")}`);
  }
  const daily = req.budget / req.days;
  const perDay = (b: Bound | undefined) => (b === undefined ? undefined : b.share !== undefined ? b.share * daily : (b.amount as number) / req.days);
  const todayTotal = usable.reduce((s, f) => s + f.history.todaySpend, 0);
  const todayDailySpend: Record<string, number> = {};
  const channels: AllocationChannel[] = usable.map((f) => {
    const resp = f.response as NonNullable<typeof f.response>;
    const base = objectiveCurve(resp, req.objective === "reach" ? "reach" : "impressions", req.frequencyCap ? { frequencyCap: req.frequencyCap } : {});
    const rate = req.objective === "clicks" ? f.history.ctr : req.objective === "conversions" ? f.history.conversionsPerImpression : 1;
    const curve = rate === 1 ? base : scaleCurve(base, rate);
    const current = todayTotal > 0 ? (f.history.todaySpend * daily) / todayTotal : undefined;
    if (current !== undefined) todayDailySpend[f.channel] = current;
    const min = perDay(req.min.find((b) => b.channel === f.channel));
    const max = perDay(req.max.find((b) => b.channel === f.channel));
    const fixed = perDay(req.fixed.find((b) => b.channel === f.channel));
    return { name: f.channel, curve, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), ...(fixed !== undefined ? { fixed } : {}), ...(current !== undefined ? { current } : {}) };
  });
  const result = allocateBudget({ budget: daily, channels, objective: req.objective });
  const k = req.objective === "reach" ? 1 : req.days;
  // Spend scales by days and the objective by k, so one more unit of it costs days/k times the daily figure.
  const unitCost = req.days / k;
  const perPeriod = result.channels.map((c): PeriodAllocation => {
    const why = scaleExplanation(c.explanation, req.days, unitCost);
    return {
      channel: c.name,
      spend: c.spend * req.days,
      today: c.current === null ? null : c.current * req.days,
      value: c.value * k,
      todayValue: c.currentValue === null ? null : c.currentValue * k,
      marginalCost: c.marginalCost === null ? null : c.marginalCost * unitCost,
      why,
      reason: explanationText(why, req.objective),
    };
  });
  for (const f of usable) {
    const spend = result.channels.find((c) => c.name === f.channel)?.spend ?? 0;
    const range = f.response?.spendRange;
    if (range && spend > range.max * 1.2) warnings.push(`${f.channel}: the recommended ${spend.toFixed(2)} a day is beyond the most it ever spent in a day (${range.max.toFixed(2)}): extrapolation`);
  }
  const currency = usable[0]?.history.currency ?? null;
  const marginalCost = result.marginalCost === null ? null : result.marginalCost * unitCost;
  return { objective: req.objective, budget: req.budget, days: req.days, currency, todayDailySpend, result, marginalCost, perPeriod, skipped, warnings };
}
