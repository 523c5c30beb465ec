import type { MetricQuery } from "../../domain/query.js";
import { type Contract, contractCost, contractWindowUtc, type DeliveryCounts } from "../../domain/tracking/contract.js";
import { DEFAULT_EXACT_REACH_MAX, type ReachMode, reachEstimate } from "../../domain/tracking/reach-sample.js";
import { quarterHourSpans, type ZoneSpan, zoneSpans } from "../../domain/tracking/zoned-time.js";
import {
  type ContractMatch,
  compileEventSums,
  compileFlightDelivery,
  compileInvalidSums,
  compileReach,
  compileReachWithTotal,
  type EventQueryContext,
  quarterHourContracts,
  ROLLUP_TABLE,
  rollupAnswers,
} from "../../query/events-sql.js";
import type { ResultRow, Store } from "../../store/store.js";

/** The tracked source's share of a report: rows shaped like the spend query's, plus reach. */
export interface TrackedPart {
  /** d0…dn, cur ("" when no contract prices them), fx_date (when converting), measures, cost in micros. */
  rows: ResultRow[];
  /** Reach per dimension key (keys joined by NUL); only when asked for. */
  reach: Map<string, number> | null;
  totalReach: number | null;
  /**
   * When reach was estimated from the visitor sample: each key's (and the total's) relative standard
   * error (null where no sampled visitor was seen); null when reach is exact.
   */
  reachRse: { byKey: Map<string, number | null>; total: number | null } | null;
}

/** A key for a row's dimension values. */
export function dimensionKey(r: ResultRow, columns: readonly string[]): string {
  return columns.map((c) => String(r[c] ?? "")).join("\u0000");
}

/** Contracts as the compiler matches them. @example contractMatches(await store.contracts()) */
export function contractMatches(contracts: readonly Contract[]): ContractMatch[] {
  return contracts.map((c) => ({ id: c.id, campaign: c.campaign, placement: c.placement, currency: c.currency, ...contractWindowUtc(c) }));
}

/** Each contract's whole-flight counted delivery (what a flat fee is spread over), by contract id. */
export async function flightDeliveries(store: Store, contracts: readonly ContractMatch[], rollup = true): Promise<Map<number, DeliveryCounts>> {
  const flights = new Map<number, DeliveryCounts>();
  if (contracts.length === 0) return flights;
  for (const r of await store.query(compileFlightDelivery(store.dialect, contracts, quarterHourContracts(contracts), rollup))) {
    flights.set(Number(r.contract), { impressions: Number(r.impressions ?? 0), clicks: Number(r.clicks ?? 0) });
  }
  return flights;
}

/** Metrics that need the viewable and measurable counts (the only ones reading the viewability semi-join). */
const VIEWABILITY_METRICS = new Set(["viewable_impressions", "measurable_impressions", "viewable_rate", "vcpm"]);

/**
 * The zone's offsets over the stored events' range (a bucket before the first included); none in UTC or
 * without events. With `rollup` the range is read from the rollup's buckets (the last bucket's end included).
 */
async function eventSpans(store: Store, timezone: string, rollup: boolean): Promise<ZoneSpan[] | undefined> {
  if (timezone === "UTC" || timezone === "Etc/UTC") return undefined;
  const d = store.dialect;
  const [r] = await store.query(`SELECT COUNT(*) AS n, ${d.epochSeconds("MIN(ts)")} AS lo, ${d.epochSeconds("MAX(ts)")} AS hi FROM ${rollup ? ROLLUP_TABLE : "events"}`);
  if (!r || Number(r.n) === 0) return undefined;
  return zoneSpans(timezone, Number(r.lo) * 1000 - 900_000, Number(r.hi) * 1000 + (rollup ? 900_000 : 0) + 1000);
}

/** How a tracked report reads: `rollup` false reads raw events only (the differential tests' reference). */
export interface TrackedOptions {
  rollup?: boolean;
  /** Reach: exact, estimated from the visitor sample, or auto (exact up to `exactReachMax` impressions); default exact. */
  reach?: ReachMode;
  /** `auto` counts reach exactly while the report holds at most this many impressions (default DEFAULT_EXACT_REACH_MAX). */
  exactReachMax?: number;
}

/**
 * Runs the MetricQuery over first-party events: counts by dimensions, cost from the contracts
 * (a flat fee spread over the flight's counted impressions, CPM and CPC per unit), invalid
 * impressions, and reach when `withReach`. Days are in `query.timezone` (UTC by default).
 * @example await trackedReportPart(store, { metrics: ["cpi"], dimensions: ["campaign"], filters: [] }, false, true)
 */
export async function trackedReportPart(store: Store, query: MetricQuery, byFxDate: boolean, withReach: boolean, options: TrackedOptions = {}): Promise<TrackedPart> {
  const rollup = options.rollup ?? true;
  const contracts = await store.contracts();
  const byId = new Map(contracts.map((c) => [c.id, c]));
  const ctx: EventQueryContext = { dialect: store.dialect, query, timezone: query.timezone ?? "UTC", contracts: contractMatches(contracts) };
  // Only a flat fee is spread over its flight's delivery (contracts never overlap, so each is counted alone).
  const flights = await flightDeliveries(store, ctx.contracts.filter((c) => byId.get(c.id)?.pricing === "flat"), rollup);
  const dims = query.dimensions.map((_, i) => `d${i}`);
  const groups = new Map<string, ResultRow>();
  const viewability = query.metrics.some((m) => VIEWABILITY_METRICS.has(m));
  ctx.spans = await eventSpans(store, ctx.timezone, rollup);
  const quarterHours = quarterHourContracts(ctx.contracts) && (!ctx.spans || quarterHourSpans(ctx.spans));
  const fromRollup = rollup && quarterHours && rollupAnswers(query, viewability);
  for (const r of await store.query(compileEventSums(ctx, byFxDate, { viewability, quarterHours, rollup: fromRollup }))) {
    const contract = byId.get(Number(r.contract));
    const counts = { impressions: Number(r.impressions ?? 0), clicks: Number(r.clicks ?? 0) };
    const cost = contract ? contractCost(contract, counts, flights.get(contract.id) ?? counts) : 0n;
    const cur = contract?.currency ?? "";
    const key = `${dimensionKey(r, dims)}\u0000${cur}\u0000${byFxDate ? String(r.fx_date) : ""}`;
    const g = groups.get(key);
    if (g) {
      g.cost = (g.cost as bigint) + cost;
      for (const m of ["impressions", "clicks", "viewable_impressions", "measurable_impressions"]) g[m] = Number(g[m]) + Number(r[m] ?? 0);
    } else {
      const row: ResultRow = { cur, cost, revenue: 0n, conversions: 0, invalid_impressions: 0 };
      for (const c of dims) row[c] = r[c] ?? "";
      if (byFxDate) row.fx_date = r.fx_date ?? null;
      for (const m of ["impressions", "clicks", "viewable_impressions", "measurable_impressions"]) row[m] = Number(r[m] ?? 0);
      groups.set(key, row);
    }
  }
  const rows = [...groups.values()];
  for (const r of await store.query(compileInvalidSums(ctx))) {
    const row: ResultRow = { cur: "", cost: 0n, revenue: 0n, conversions: 0, impressions: 0, clicks: 0, viewable_impressions: 0, measurable_impressions: 0 };
    for (const c of dims) row[c] = r[c] ?? "";
    row.invalid_impressions = Number(r.invalid_impressions ?? 0);
    rows.push(row);
  }
  let reach: Map<string, number> | null = null;
  let totalReach: number | null = null;
  let reachRse: TrackedPart["reachRse"] = null;
  if (withReach) {
    // The sample answers what the rollup answers (its buckets, its columns); auto uses it past a number of impressions.
    const mode = options.reach ?? "exact";
    const impressions = rows.reduce((n, r) => n + Number(r.impressions ?? 0), 0);
    const sample =
      rollup && quarterHours && rollupAnswers(query, false) && (mode === "estimate" || (mode === "auto" && impressions > (options.exactReachMax ?? DEFAULT_EXACT_REACH_MAX)));
    reach = new Map();
    const counted = new Map<string, number>();
    let total = 0;
    if (store.dialect.groupingSets && dims.length > 0) {
      for (const r of await store.query(compileReachWithTotal(ctx, sample))) {
        if (r.total === true || Number(r.total) === 1) total = Number(r.reach ?? 0);
        else counted.set(dimensionKey(r, dims), Number(r.reach ?? 0));
      }
    } else {
      for (const r of await store.query(compileReach(ctx, true, sample))) counted.set(dimensionKey(r, dims), Number(r.reach ?? 0));
      total = Number((await store.query(compileReach(ctx, false, sample)))[0]?.reach ?? 0);
    }
    if (sample) {
      reachRse = { byKey: new Map(), total: reachEstimate(total).rse };
      for (const [k, n] of counted) {
        const e = reachEstimate(n);
        reach.set(k, e.reach);
        reachRse.byKey.set(k, e.rse);
      }
      totalReach = reachEstimate(total).reach;
    } else {
      reach = counted;
      totalReach = total;
    }
  }
  return { rows, reach, totalReach, reachRse };
}
