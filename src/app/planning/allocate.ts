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
  /** Most a channel may spend a day, as a multiple of the highest daily spend its curve was fitted on (default 2); null: no ceiling. */
  maxExtrapolation?: number | null;
}

/** A channel the plan sends beyond the daily spend its curve was fitted on. */
export interface Extrapolation {
  channel: string;
  /** Recommended spend a day. */
  dailySpend: number;
  /** The most it ever spent in a day (the top of its curve's data). */
  highestDailySpend: number;
  /** dailySpend / highestDailySpend. */
  ratio: number;
  /** The same in words, as plain numbers. */
  message: string;
}

/** Default ceiling of a channel's daily spend: twice the most it ever spent in a day. */
export const DEFAULT_MAX_EXTRAPOLATION = 2;
/** Beyond this multiple of the highest observed daily spend a plan rests on extrapolated curves. */
const EXTRAPOLATION_TOLERANCE = 1.2;

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
  /** Channels recommended beyond the spend their curves were fitted on (shown beside the plan, not among the warnings); a plan with any is not called optimal. */
  extrapolation: Extrapolation[];
  /** The ceiling applied: a multiple of each channel's highest daily spend, or null for none. */
  maxExtrapolation: number | null;
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
 * Parses --max-extrapolation: a multiple ≥ 1 of the highest daily spend, or "none" for no ceiling.
 * @example parseMaxExtrapolation("3", "--max-extrapolation") // 3
 */
export function parseMaxExtrapolation(text: string | number | undefined, flag: string): number | null {
  if (text === undefined) return DEFAULT_MAX_EXTRAPOLATION;
  if (/^(none|off)$/i.test(String(text).trim())) return null;
  const n = Number(String(text).trim().replace(/[x×]$/i, ""));
  if (!Number.isFinite(n) || n < 1) throw new UserError("bad_number", `${flag} must be a multiple ≥ 1 of the most a channel spent in a day (e.g. 2), or 'none', got '${text}'`);
  return n;
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
  requireMinimumsWithinBudget(req, [...names]);
  const ceilingFactor = req.maxExtrapolation === undefined ? DEFAULT_MAX_EXTRAPOLATION : req.maxExtrapolation;
  if (ceilingFactor !== null && !(ceilingFactor >= 1)) throw new UserError("bad_number", `--max-extrapolation must be a multiple ≥ 1 of the highest daily spend (or 'none'), got ${ceilingFactor}`);
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
    const fixed = perDay(req.fixed.find((b) => b.channel === f.channel));
    // The curve is only known up to the most the channel ever spent in a day: the ceiling keeps the plan near it.
    const ceiling = ceilingFactor === null || !(resp.spendRange.max > 0) ? undefined : Math.max(min ?? 0, ceilingFactor * resp.spendRange.max);
    const asked = perDay(req.max.find((b) => b.channel === f.channel));
    const max = ceiling === undefined ? asked : Math.min(asked ?? Number.POSITIVE_INFINITY, ceiling);
    return { name: f.channel, curve, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), ...(fixed !== undefined ? { fixed } : {}), ...(current !== undefined ? { current } : {}) };
  });
  let result = allocateBudget({ budget: daily, channels, objective: req.objective });
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
  const extrapolation: Extrapolation[] = [];
  for (const f of usable) {
    const dailySpend = result.channels.find((c) => c.name === f.channel)?.spend ?? 0;
    const highest = f.response?.spendRange.max ?? 0;
    if (highest > 0 && dailySpend > highest * EXTRAPOLATION_TOLERANCE) {
      const ratio = dailySpend / highest;
      const message = `${f.channel}: the recommended ${dailySpend.toFixed(2)} a day is ${ratio.toFixed(1)}× the most it ever spent in a day (${highest.toFixed(2)}): extrapolation, the curve there is a guess`;
      extrapolation.push({ channel: f.channel, dailySpend, highestDailySpend: highest, ratio, message });
    }
  }
  if (result.status === "optimal" && extrapolation.length) {
    result = { ...result, status: "extrapolated", message: `the best split on the fitted curves, but ${extrapolation.map((e) => e.channel).join(", ")} beyond the most spent in a day: not a proven optimum` };
  } else if (result.status === "budget-above-maximums" && ceilingFactor !== null) {
    result = { ...result, message: `${(result.unallocated * req.days).toFixed(2)} of the budget stays unallocated: no channel may spend more than ${ceilingFactor}× the most it ever spent in a day (--max-extrapolation), nor above its --max` };
  }
  const currency = usable[0]?.history.currency ?? null;
  const marginalCost = result.marginalCost === null ? null : result.marginalCost * unitCost;
  return { objective: req.objective, budget: req.budget, days: req.days, currency, todayDailySpend, result, marginalCost, perPeriod, skipped, extrapolation, maxExtrapolation: ceilingFactor, warnings };
}

/** Refuses minimums and fixed amounts that together exceed the budget, naming the amounts that conflict. */
function requireMinimumsWithinBudget(req: AllocateRequest, channels: readonly string[]): void {
  const amount = (b: Bound) => (b.share !== undefined ? b.share * req.budget : (b.amount as number));
  const least = channels.flatMap((c) => {
    const fixed = req.fixed.find((b) => b.channel === c);
    const min = req.min.find((b) => b.channel === c);
    const b = fixed ?? min;
    return b ? [{ text: `${c} ${fixed ? "fixed at" : "at least"} ${amount(b).toFixed(2)}`, amount: amount(b) }] : [];
  });
  const total = least.reduce((s, l) => s + l.amount, 0);
  if (total > req.budget * (1 + 1e-12)) {
    throw new UserError(
      "minimums_above_budget",
      `the minimums and fixed amounts add up to ${total.toFixed(2)} (${least.map((l) => l.text).join(", ")}), more than the budget of ${req.budget.toFixed(2)}: lower them or raise --budget`,
    );
  }
}
