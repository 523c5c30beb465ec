import type { DeliveryPoint } from "../../domain/curves/index.js";
import { microsToUnits } from "../../domain/money.js";
import type { EntityDimension, Filter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";

/** What the planning commands select: channels by a dimension, under filters, over a period. */
export interface ChannelSelection {
  by: EntityDimension;
  filters: Filter[];
  from?: string;
  to?: string;
  currency?: string;
}

/** One channel's daily history: points for curve fitting, today's daily spend and its rates. */
export interface ChannelHistory {
  name: string;
  points: DeliveryPoint[];
  /** Mean daily spend over the last 7 days with data: "today's spend". */
  todaySpend: number;
  /** Clicks and conversions per impression over the history (to turn impressions into clicks, conversions). */
  ctr: number;
  conversionsPerImpression: number;
  days: number;
  lastDay: string;
  /** The currency of every amount (the report's: --currency, or the data's one currency). */
  currency: string | null;
}

/**
 * Daily delivery per channel (spend, impressions, reach where tracked) from the store, for response
 * curves, forecasts and allocation. Ranged rows (no day breakdown) are left out: a curve needs days.
 * @example (await channelHistories(store, { by: "source", filters: [] })).get("meta")?.points.length // 180
 */
export async function channelHistories(store: Store, sel: ChannelSelection): Promise<Map<string, ChannelHistory>> {
  const report = await runReport(store, {
    metrics: ["cost", "impressions", "clicks", "conversions", "reach"],
    dimensions: [sel.by, "day"],
    filters: sel.filters,
    ...(sel.from ? { from: sel.from } : {}),
    ...(sel.to ? { to: sel.to } : {}),
    ...(sel.currency ? { currency: sel.currency } : {}),
  });
  const out = new Map<string, Omit<ChannelHistory, "currency"> & { clicks: number; conversions: number; impressions: number }>();
  for (const row of report.rows) {
    const [name = "", day = ""] = row.keys;
    if (day.includes("..")) continue;
    const h = out.get(name) ?? { name: name || "(none)", points: [], todaySpend: 0, ctr: 0, conversionsPerImpression: 0, days: 0, lastDay: day, clicks: 0, conversions: 0, impressions: 0 };
    const reach = row.values.reach ?? null;
    h.points.push({ spend: microsToUnits(row.totals.cost), impressions: row.totals.impressions, reach });
    h.clicks += row.totals.clicks;
    h.conversions += row.totals.conversions;
    h.impressions += row.totals.impressions;
    h.days++;
    if (day > h.lastDay) h.lastDay = day;
    out.set(name, h);
  }
  const result = new Map<string, ChannelHistory>();
  for (const [name, h] of out) {
    const recent = h.points.slice(-7);
    result.set(name, {
      name: h.name,
      points: h.points,
      todaySpend: recent.reduce((s, p) => s + p.spend, 0) / Math.max(1, recent.length),
      ctr: h.impressions > 0 ? h.clicks / h.impressions : 0,
      conversionsPerImpression: h.impressions > 0 ? h.conversions / h.impressions : 0,
      days: h.days,
      lastDay: h.lastDay,
      currency: report.currency,
    });
  }
  return result;
}
