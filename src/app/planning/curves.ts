import { type ChannelMarginals, type ChannelResponse, channelMarginals, fitChannelResponse } from "../../domain/curves/index.js";
import type { Store } from "../../store/store.js";
import { nothingMatched } from "../unmatched-filters.js";
import { type ChannelHistory, type ChannelSelection, channelHistories } from "./delivery.js";

/** The fewest days a channel needs for a curve. */
export const MIN_DAYS = 7;

export interface ChannelCurves {
  channel: string;
  days: number;
  response: ChannelResponse | null;
  /** What the next unit of spend buys at today's (mean daily) spend. */
  today: ChannelMarginals | null;
  history: ChannelHistory;
  warnings: string[];
}

/**
 * Fits each channel's response curves from daily history: impressions vs spend (CPM rising with
 * spend) and reach vs impressions where reach is tracked; marginal CPM and cost per extra person at
 * today's spend. @example (await fitCurves(store, { by: "source", filters: [] }))[0]?.today?.marginalCpm
 */
export async function fitCurves(store: Store, sel: ChannelSelection): Promise<ChannelCurves[]> {
  const histories = await channelHistories(store, sel);
  if (histories.size === 0) throw await nothingMatched(store, sel.filters, "no_data", `no daily spend rows match these filters (by ${sel.by}): curves need a day breakdown`);
  const out: ChannelCurves[] = [];
  for (const h of histories.values()) {
    const usable = h.points.filter((p) => p.spend > 0 && p.impressions > 0);
    if (usable.length < MIN_DAYS) {
      out.push({ channel: h.name, days: usable.length, response: null, today: null, history: h, warnings: [`${h.name}: only ${usable.length} days with spend and impressions; at least ${MIN_DAYS} are needed for a curve`] });
      continue;
    }
    let response = fitChannelResponse(usable);
    const warnings = response.warnings.map((w) => `${h.name}: ${w}`);
    // A power law with b ≥ 1 says each extra dollar buys more impressions than the last: noise in a
    // narrow spend range, not an auction. Use the saturating-CPM model, concave by construction.
    const b = response.impressions.model === "power-law" ? response.impressions.values[1] : undefined;
    if (b !== undefined && b >= 1) {
      response = fitChannelResponse(usable, { impressionsModel: "saturating-cpm" });
      warnings.push(`${h.name}: the data show no diminishing returns (power-law b = ${b.toFixed(2)} ≥ 1); fitted with a CPM that rises with spend instead`);
    }
    out.push({ channel: h.name, days: usable.length, response, today: channelMarginals(response, h.todaySpend), history: h, warnings });
  }
  return out.sort((a, b) => (a.channel < b.channel ? -1 : 1));
}
