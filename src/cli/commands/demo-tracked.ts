import { DEMO_TRACKING, type DemoTrackingOutcome } from "../../app/demo-tracking.js";
import { reachReport } from "../../app/planning/index.js";
import { runReport } from "../../app/report.js";
import { findDiscrepancies } from "../../app/track/discrepancy.js";
import type { Filter } from "../../domain/query.js";
import { INVALID_REASONS } from "../../domain/tracking/event.js";
import type { Store } from "../../store/store.js";
import { formatCount, formatMoney, formatPercent } from "../render/format.js";

/**
 * The demo's fourth section: the publishers' count of the tracked week against cpi's own (CPI under
 * the flat fee, viewability, invalid traffic per reason, reach and frequency, the days beyond ±10 %).
 */
export async function demoTrackedSection(store: Store, tracking: DemoTrackingOutcome): Promise<string> {
  const { campaign, from, to, flatFee } = DEMO_TRACKING;
  const mine: Filter = { dimension: "campaign", op: "eq", values: [campaign] };
  const reported = (await runReport(store, { metrics: ["cost", "impressions", "cpi"], dimensions: [], filters: [mine], from, to, currency: "USD" })).total;
  const metrics = ["cost", "impressions", "cpi", "viewable_rate", "invalid_rate"] as const;
  const tracked = (await runReport(store, { metrics: [...metrics], dimensions: [], filters: [mine, { dimension: "source", op: "eq", values: ["tracked"] }], from, to, currency: "USD" })).total;
  const reach = (await reachReport(store, { by: ["campaign"], filters: [mine], from, to })).tracked[0];
  const gaps = await findDiscrepancies(store, { tolerance: 0.1, filters: [mine], from, to });
  const flagged = gaps.filter((g) => g.status !== "ok");
  const usd = (v: number | null | undefined, d: number) => (v === null || v === undefined ? "—" : formatMoney(v, "USD", d));
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : formatPercent(v));
  const signed = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : ""}${formatPercent(v)}`);
  const rImp = reported?.totals.impressions ?? 0;
  const tImp = tracked?.totals.impressions ?? 0;
  const invalid = INVALID_REASONS.filter((r) => tracking.invalid[r])
    .map((r) => `${r} ${formatCount(tracking.invalid[r] ?? 0)}`)
    .join(", ");
  const lines = [
    `\n4. Counting it yourself: cpi's tag ran on "${campaign}" from ${from} to ${to}, a week the publishers invoiced at a flat $${flatFee} (cpi contract):\n\n`,
    `   Reported by the publishers  ${formatCount(rImp).padStart(7)} impressions → CPI ${usd(reported?.values.cpi, 4)}\n`,
    `   Counted by the tag          ${formatCount(tImp).padStart(7)} impressions → CPI ${usd(tracked?.values.cpi, 4)} (${signed(rImp ? (tImp - rImp) / rImp : null)} against the publishers)\n`,
    `   Viewable: ${pct(tracked?.values.viewable_rate)} of measurable impressions. Invalid traffic, not counted: ${pct(tracked?.values.invalid_rate)} (${invalid})\n`,
    `   Reach: ${formatCount(reach?.reach ?? 0)} visitors (visitor-days), ${formatCount(reach?.average_frequency ?? 0, 1)} impressions each; ${formatCount(reach?.k_plus["3+"] ?? 0)} saw it 3 times or more\n`,
    `   Discrepancy: ${flagged.length} of ${gaps.length} site-days beyond ±10 %${flagged.length ? ":" : ""}\n`,
    ...flagged.map((g) => `     ${g.placement} on ${g.day}: ${formatCount(g.reported)} reported, ${formatCount(g.tracked)} tracked (${signed(g.gap)})\n`),
  ];
  return lines.join("");
}
