// `cpi abtest --unit visitor`: arms of first-party (tracked) events compared with each visitor as a
// randomisation unit. The database sums each visitor's impressions, clicks and cost and returns a
// histogram of them; the per-arm n, Σx, Σx², Σxy go to the same statistics engines as other units.
import { UserError } from "../domain/errors.js";
import { microsToUnits } from "../domain/money.js";
import type { EntityDimension, Filter, MetricQuery } from "../domain/query.js";
import { type CountedUnit, type MeasureRole, ratioStatOfCounted, type TestArm } from "../domain/stats/index.js";
import { contractUnitPrices } from "../domain/tracking/contract.js";
import { type EventQueryContext, includesTracked, TRACKED_SOURCE } from "../query/events-sql.js";
import { compileVisitorHistogram, compileVisitorOverlap } from "../query/visitor-sql.js";
import type { Store } from "../store/store.js";
import { mixedCostNote, needsMoney } from "./abtest-currency.js";
import { runReport } from "./report.js";
import { contractMatches, flightDeliveries } from "./track/tracked-report.js";

/** Dimensions tracked events carry, so arms of a visitor-level test can be any of them. */
export const VISITOR_ARMS: readonly EntityDimension[] = ["ad", "placement", "campaign", "country", "device"];

/** Measures tracked events have per visitor (no conversions or revenue: the pixel sees impressions and clicks). */
const VISITOR_MEASURES: ReadonlySet<MeasureRole> = new Set<MeasureRole>(["cost", "impressions", "clicks"]);

export interface VisitorTestRequest {
  arms: EntityDimension;
  filters: Filter[];
  from?: string;
  to?: string;
  currency?: string;
}

/** The largest share of visitors in several arms that a test drops (with a warning) rather than refuses. */
export const MAX_SHARED_VISITOR_SHARE = 0.05;

interface HistogramRow {
  /** Whether these visitors are in more than one arm (they are dropped from every arm). */
  shared: boolean;
  imps: number;
  clicks: number;
  /** The visitor's cost in picos (1e-6 micro) at their contracts' unit prices. */
  pico: bigint;
  count: number;
}

/** Why a test cannot use visitors as units, or null when it can. */
function visitorProblem(req: VisitorTestRequest, metric: { name: string; numerator: MeasureRole; denominator: MeasureRole }): string | null {
  const sources = req.filters.filter((f) => f.dimension === "source");
  if (!includesTracked(req.filters) || sources.some((f) => f.op !== "eq" || f.values.some((v) => v !== TRACKED_SOURCE))) {
    return "--unit visitor needs first-party events, and only they have visitors: ad platforms report sums per day, ad and placement, never per person. Add --where source=tracked (and no other source) to test tracked impressions, or use --unit day, placement or ad_group for reported data";
  }
  if (!VISITOR_ARMS.includes(req.arms)) {
    return `tracked events carry no ${req.arms}: with --unit visitor, --arms can be ${VISITOR_ARMS.join(", ")}`;
  }
  const missing = [metric.numerator, metric.denominator].find((r) => !VISITOR_MEASURES.has(r));
  if (missing) {
    return `tracked events record impressions and clicks, not ${missing} (the pixel sees no conversions or revenue), so --metric ${metric.name} cannot be tested per visitor; use ctr, cpi, cpm or cpc`;
  }
  return null;
}

/**
 * The arms of a visitor-level test, each with its per-visitor sufficient statistics for the metric.
 * A visitor's cost is what their own impressions and clicks cost at the unit prices of the contracts
 * that priced them (flat fee ÷ the flight's counted impressions, CPM ÷ 1000, CPC per click), scaled
 * so each arm's total is exactly the cost `cpi report --where source=tracked` shows for it (the report
 * rounds once per slice). Arms' cost and impressions come from that report.
 * @example await visitorTestArms(store, { arms: "ad", filters: [trackedOnly] }, { name: "ctr", numerator: "clicks", denominator: "impressions" })
 */
export async function visitorTestArms(
  store: Store,
  req: VisitorTestRequest,
  metric: { name: string; numerator: MeasureRole; denominator: MeasureRole },
): Promise<{ arms: TestArm[]; warnings: string[] }> {
  const problem = visitorProblem(req, metric);
  if (problem) throw new UserError("bad_unit", problem);
  const period = { ...(req.from ? { from: req.from } : {}), ...(req.to ? { to: req.to } : {}) };
  // Cost and impressions per arm exactly as the report prices them (and converts them with --currency).
  const report = await runReport(store, { metrics: ["cost"], dimensions: [req.arms, "currency"], filters: req.filters, ...period, ...(req.currency ? { currency: req.currency } : {}) });
  const currencies = [...new Set(report.rows.map((r) => r.keys[1] ?? "").filter((c) => c !== ""))].sort();
  // CTR counts clicks: contracts in several currencies only leave the arms' cost out.
  const mixed = currencies.length > 1;
  if (mixed && needsMoney(metric)) {
    throw new UserError(
      "mixed_currencies",
      `the arms' impressions are priced by contracts in ${currencies.join(" and ")}, and one visitor's cost cannot add them up: test one currency at a time, e.g. --where currency=${currencies[0]}`,
      { currencies },
    );
  }
  const totals = new Map<string, { cost: bigint; impressions: number }>();
  let unpriced = 0;
  for (const row of report.rows) {
    const arm = row.keys[0] ?? "";
    const t = totals.get(arm) ?? { cost: 0n, impressions: 0 };
    t.cost += row.totals.cost;
    t.impressions += row.totals.impressions;
    totals.set(arm, t);
    if (row.keys[1] === "") unpriced += row.totals.impressions;
  }

  const contracts = await store.contracts();
  const matches = contractMatches(contracts);
  const flights = await flightDeliveries(store, matches);
  const prices = contracts.map((c) => ({ id: c.id, ...contractUnitPrices(c, flights.get(c.id) ?? { impressions: 0, clicks: 0 }) }));
  const query: MetricQuery = { metrics: [], dimensions: [req.arms], filters: req.filters, ...period };
  const ctx: EventQueryContext = { dialect: store.dialect, query, timezone: "UTC", contracts: matches };
  // Visitors are the units only if each saw one arm: one who saw two would be in both samples.
  const [overlap] = await store.query(compileVisitorOverlap(ctx));
  const allVisitors = Number(overlap?.visitors ?? 0);
  const sharedVisitors = Number(overlap?.shared ?? 0);
  const sharedShare = allVisitors > 0 ? sharedVisitors / allVisitors : 0;
  if (sharedShare > MAX_SHARED_VISITOR_SHARE) {
    throw new UserError(
      "shared_visitors",
      `${sharedVisitors.toLocaleString("en-US")} of ${allVisitors.toLocaleString("en-US")} visitors (${percent(sharedShare)}) had impressions or clicks in more than one ${req.arms}: --unit visitor needs each visitor to see one arm (a split by visitor), else the arms are not independent samples and the p-values and intervals are wrong. Test with ${req.arms === "placement" ? "--unit day" : "--unit day or placement"} instead`,
      { visitors: allVisitors, shared: sharedVisitors },
    );
  }
  const byArm = new Map<string, HistogramRow[]>();
  for (const r of await store.query(compileVisitorHistogram(ctx, prices, { flagShared: sharedVisitors > 0 }))) {
    const arm = String(r.arm ?? "");
    const list = byArm.get(arm) ?? [];
    list.push({ shared: Number(r.shared ?? 0) === 1, imps: Number(r.imps ?? 0), clicks: Number(r.clicks ?? 0), pico: BigInt((r.cost as bigint | number | null) ?? 0), count: Number(r.visitors ?? 0) });
    byArm.set(arm, list);
  }

  let everyArmOnePrice = true;
  const arms: TestArm[] = [...byArm.keys()].sort().map((arm) => {
    // Rows in one order whatever the engine returned, so both engines give the same floating-point sums.
    const all = byArm.get(arm) ?? [];
    const rows = all.filter((u) => !u.shared).sort((a, b) => a.imps - b.imps || a.clicks - b.clicks || (a.pico < b.pico ? -1 : a.pico > b.pico ? 1 : 0) || a.count - b.count);
    const total = totals.get(arm) ?? { cost: 0n, impressions: 0 };
    // The report's cost is scaled over all the arm's visitors; dropped visitors take their share of it away.
    const picoAll = all.reduce((s, u) => s + BigInt(u.count) * u.pico, 0n);
    const picoSum = rows.reduce((s, u) => s + BigInt(u.count) * u.pico, 0n);
    const perPico = picoAll > 0n ? microsToUnits(total.cost) / Number(picoAll) : 0;
    const dropped = all.filter((u) => u.shared);
    const cost = picoAll > 0n && picoSum !== picoAll ? (total.cost * picoSum) / picoAll : total.cost;
    const impressions = total.impressions - dropped.reduce((s, u) => s + u.count * u.imps, 0);
    const measure = (role: MeasureRole, u: HistogramRow) => (role === "cost" ? Number(u.pico) * perPico : role === "impressions" ? u.imps : u.clicks);
    const ref = rows.find((u) => u.imps > 0);
    if (ref && rows.some((u) => u.pico * BigInt(ref.imps) !== ref.pico * BigInt(u.imps))) everyArmOnePrice = false;
    const units: CountedUnit[] = rows.map((u) => ({ m: measure(metric.numerator, u), d: measure(metric.denominator, u), count: u.count }));
    return { name: arm || "(none)", units: [], stat: ratioStatOfCounted(units), ...(mixed ? {} : { cost: microsToUnits(cost) }), impressions };
  });

  const warnings: string[] = mixed ? [mixedCostNote(metric.name, currencies)] : [];
  if (sharedVisitors > 0) {
    warnings.push(
      `${sharedVisitors.toLocaleString("en-US")} of ${allVisitors.toLocaleString("en-US")} visitors (${percent(sharedShare)}) had impressions or clicks in more than one ${req.arms}; they are dropped from every arm (with their impressions, clicks and cost), since --unit visitor needs each visitor to see one arm`,
    );
  }
  const costMetric = metric.numerator === "cost" || metric.denominator === "cost";
  if (unpriced > 0 && costMetric) {
    warnings.push(`${unpriced.toLocaleString("en-US")} tracked impression${unpriced > 1 ? "s have" : " has"} no contract pricing ${unpriced > 1 ? "them" : "it"}: they count at cost 0; price them with 'cpi contract add'`);
  }
  if (costMetric && metric.denominator === "impressions" && everyArmOnePrice) {
    warnings.push(
      `every visitor of an arm paid the same price per impression (a flat or CPM contract prices all impressions it covers alike), so ${metric.name.toUpperCase()} per visitor does not vary within an arm: it differs between arms only by their contracts' prices, which no test is needed to see; test ctr or cpc for what a creative changes`,
    );
  }
  return { arms, warnings };
}

function percent(share: number): string {
  return share < 0.001 ? "under 0.1 %" : `${(share * 100).toFixed(1)} %`;
}
