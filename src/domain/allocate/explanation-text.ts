// Why a channel got its spend: the numbers (ChannelExplanation) and the sentence a person reads. The
// numbers are in the units of whoever made them (the allocator's: its curves' spend, usually a day);
// scaleExplanation restates them over a period, and the caller's formatter decides how money looks.
import type { ChannelBound } from "./allocation-types.js";

/** Why a channel got its spend, as numbers: amounts of spend and costs of one objective unit. */
export interface ChannelExplanation {
  bound: ChannelBound;
  /**
   * Why an unfunded channel ("off") is left out: its curve is still in its slow start at its most
   * ("slow-start"), it needs `threshold` before it pays off ("threshold"), or its first unit costs
   * more than elsewhere ("first-unit"); null for funded channels.
   */
  offReason: "slow-start" | "threshold" | "first-unit" | null;
  spend: number;
  min: number;
  max: number;
  /** One more objective unit at the recommended spend; null when nothing more can be bought. */
  marginalCost: number | null;
  /** One more unit on every funded channel (the optimum's common marginal cost); null without one. */
  equalisedCost: number | null;
  /** Off for "threshold": the spend where the curve starts to pay off. */
  threshold: number | null;
  /** Off for "slow-start" and "threshold": the average cost of one unit up to that spend. */
  averageCost: number | null;
  /** Today's spend, one more unit's cost there, and which way money moved (null without today's spend). */
  today: { spend: number; marginalCost: number | null; moved: "in" | "out" | "unchanged" } | null;
}

/** How amounts of spend and costs of one unit are written. */
export interface ExplanationFormat {
  amount: (v: number) => string;
  unitCost: (v: number) => string;
}

const plain = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3));

/** Plain numbers: 1,500 · 0.0131 (no currency). */
export const PLAIN_FORMAT: ExplanationFormat = { amount: plain, unitCost: plain };

const UNIT_NOUNS: Record<string, string> = { reach: "person reached", impressions: "impression", clicks: "click", conversions: "conversion" };

/**
 * One unit of an objective, as in "one more …".
 * @example objectiveUnit("clicks") // "click"; objectiveUnit("reach") // "person reached"
 */
export function objectiveUnit(objective: string): string {
  return UNIT_NOUNS[objective] ?? objective.replace(/s$/, "");
}

/**
 * The same explanation with amounts of spend multiplied by `amount` and costs of one unit by `unitCost`
 * (a daily explanation over 30 days: amount 30; unitCost 1 for impressions, which add up over days).
 * @example scaleExplanation(daily, 30, 1).min // 1500 for a daily minimum of 50
 */
export function scaleExplanation(e: ChannelExplanation, amount: number, unitCost: number): ChannelExplanation {
  const a = (v: number) => v * amount;
  const c = (v: number | null) => (v === null ? null : v * unitCost);
  return {
    ...e,
    spend: a(e.spend),
    min: a(e.min),
    max: a(e.max),
    marginalCost: c(e.marginalCost),
    equalisedCost: c(e.equalisedCost),
    threshold: e.threshold === null ? null : a(e.threshold),
    averageCost: c(e.averageCost),
    today: e.today === null ? null : { ...e.today, spend: a(e.today.spend), marginalCost: c(e.today.marginalCost) },
  };
}

/**
 * The explanation as a sentence.
 * @example explanationText(e, "clicks") // "held at its minimum 1,500: beyond it one more click costs 7.88, more than elsewhere (the equalised cost is 2.13); …"
 */
export function explanationText(e: ChannelExplanation, objective: string, f: ExplanationFormat = PLAIN_FORMAT): string {
  const one = objectiveUnit(objective);
  const mc = e.marginalCost === null ? "nothing" : f.unitCost(e.marginalCost);
  const eq = e.equalisedCost === null ? "" : ` (the equalised cost is ${f.unitCost(e.equalisedCost)})`;
  const avg = e.averageCost === null ? "—" : f.unitCost(e.averageCost);
  let text: string;
  switch (e.bound) {
    case "fixed":
      text = `fixed at ${f.amount(e.spend)}; one more ${one} here would cost ${mc}${eq}`;
      break;
    case "funded":
      text = `funded until one more ${one} costs ${mc}, the same on every funded channel`;
      break;
    case "at-max":
      text = `capped at its maximum ${f.amount(e.max)}: one more ${one} here would still cost only ${mc}${eq}`;
      break;
    case "at-min":
      text = `held at its minimum ${f.amount(e.min)}: beyond it one more ${one} costs ${mc}, more than elsewhere${eq}`;
      break;
    case "off":
      if (e.offReason === "slow-start") {
        text = `not funded: up to the most it could get (${f.amount(e.max)}) its curve is still in its slow start, where one ${one} costs ${avg} on average${eq}`;
      } else if (e.offReason === "threshold") {
        text = `not funded: its curve needs about ${f.amount(e.threshold ?? 0)} before it pays off, and even then one ${one} costs ${avg} on average${eq}`;
      } else {
        text = `not funded: its first ${one} would cost ${mc}${eq}`;
      }
      break;
  }
  const t = e.today;
  if (t !== null) {
    if (t.moved === "unchanged") return `${text}; unchanged from today`;
    const atToday = t.marginalCost === null ? "nothing more" : f.unitCost(t.marginalCost);
    const vs = e.equalisedCost === null ? "" : ` vs ${f.unitCost(e.equalisedCost)} at the recommended split`;
    text += `; money moved ${t.moved}: at today's ${f.amount(t.spend)} one more ${one} costs ${atToday}${vs}`;
  }
  return text;
}
