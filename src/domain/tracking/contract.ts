import { addDays, type IsoDate } from "../dates.js";
import { UserError } from "../errors.js";
import type { Micros } from "../money.js";
import { zonedDayStartUtc } from "./zoned-time.js";

/** How a direct buy is priced: a flat fee over the flight, per 1000 impressions, or per click. */
export type Pricing = "flat" | "cpm" | "cpc";

/** What a direct buy costs (DESIGN §3 `contracts`); placement "" covers every placement of the campaign. */
export interface Contract {
  id: number;
  campaign: string;
  placement: string;
  pricing: Pricing;
  /** The flat fee, the price per 1000 impressions, or the price per click. */
  amount: Micros;
  currency: string;
  from: IsoDate;
  to: IsoDate;
  /** The zone the flight's days belong to. */
  timezone: string;
}

export type NewContract = Omit<Contract, "id">;

/** Counted (valid) first-party impressions and clicks. */
export interface DeliveryCounts {
  impressions: number;
  clicks: number;
}

function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) return 0n;
  const q = n / d;
  return 2n * (n % d) >= d ? q + 1n : q;
}

/**
 * What a slice of a flight's delivery costs. A flat fee is spread over the flight's counted
 * impressions in proportion (every impression of the flight at the same price); CPM and CPC are
 * priced per unit. Rounded to the micro once per slice.
 * @example contractCost({ pricing: "flat", amount: 5_000_000_000n, … }, { impressions: 250_000, clicks: 0 }, { impressions: 500_000, clicks: 0 }) // 2_500_000_000n
 */
export function contractCost(c: Pick<Contract, "pricing" | "amount">, slice: DeliveryCounts, flight: DeliveryCounts): Micros {
  switch (c.pricing) {
    case "flat":
      return divRound(c.amount * BigInt(slice.impressions), BigInt(flight.impressions));
    case "cpm":
      return divRound(c.amount * BigInt(slice.impressions), 1000n);
    case "cpc":
      return c.amount * BigInt(slice.clicks);
  }
}

/** A contract's price per counted impression and per click, in picos (1e-6 micro), for costing single visitors. */
export interface UnitPrices {
  perImpression: bigint;
  perClick: bigint;
}

/**
 * What one impression and one click cost under a contract, in picos (1e-6 micro, so a flat fee's share
 * of one impression keeps its precision): a flat fee over the flight's counted impressions, CPM ÷ 1000,
 * CPC per click. The same prices contractCost applies to a slice, before its one rounding.
 * @example contractUnitPrices({ pricing: "cpm", amount: 4_000_000n }, flight) // { perImpression: 4_000_000_000n, perClick: 0n }
 */
export function contractUnitPrices(c: Pick<Contract, "pricing" | "amount">, flight: DeliveryCounts): UnitPrices {
  switch (c.pricing) {
    case "flat":
      return { perImpression: divRound(c.amount * 1_000_000n, BigInt(flight.impressions)), perClick: 0n };
    case "cpm":
      return { perImpression: c.amount * 1000n, perClick: 0n };
    case "cpc":
      return { perImpression: 0n, perClick: c.amount * 1_000_000n };
  }
}

/** The flight as UTC instants [start, end). @example contractWindowUtc(c) // { start: 1790812800000, end: … } */
export function contractWindowUtc(c: Pick<Contract, "from" | "to" | "timezone">): { start: number; end: number } {
  return { start: zonedDayStartUtc(c.from, c.timezone), end: zonedDayStartUtc(addDays(c.to, 1), c.timezone) };
}

/**
 * The stored contract a new one would overlap (same campaign, same placement or either covering all
 * placements, intersecting flights), or null. Overlaps are refused so an impression has one price.
 * @example overlappingContract([a], { ...a, from: a.to }) // a
 */
export function overlappingContract(existing: readonly Contract[], c: NewContract): Contract | null {
  const w = contractWindowUtc(c);
  for (const e of existing) {
    if (e.campaign !== c.campaign) continue;
    if (e.placement !== "" && c.placement !== "" && e.placement !== c.placement) continue;
    const ew = contractWindowUtc(e);
    if (ew.start < w.end && w.start < ew.end) return e;
  }
  return null;
}

/** Checks a new contract's fields. @example validateContract({ …, amount: 5_000_000_000n }) */
export function validateContract(c: NewContract): NewContract {
  if (c.campaign.trim() === "") throw new UserError("bad_contract", "--campaign is required");
  if (c.amount <= 0n) throw new UserError("bad_contract", "the price must be greater than zero");
  if (c.from > c.to) throw new UserError("bad_period", `the flight ends (${c.to}) before it starts (${c.from})`);
  return c;
}
