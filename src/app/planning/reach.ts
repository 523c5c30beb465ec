import type { Filter, MetricQuery } from "../../domain/query.js";
import {
  averageFrequency,
  type DeduplicatedReach,
  type DistinctCountErrorBound,
  deduplicatedReach,
  distinctCountErrorBound,
  type FrequencyBucket,
  frequencyBuckets,
  kPlusReach,
  type LeveledReach,
  type PairOverlap,
  reachAtHighestLevel,
} from "../../domain/reach/index.js";
import { compileFrequency } from "../../query/frequency-sql.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";
import { nothingMatched } from "../unmatched-filters.js";

export interface ReachRequest {
  by: MetricQuery["dimensions"];
  filters: Filter[];
  from?: string;
  to?: string;
  timezone?: string;
  currency?: string;
  /** People in the target audience: caps and anchors the deduplication across channels. */
  audience?: number;
  overlaps?: PairOverlap[];
}

export interface ReachRow {
  keys: string[];
  impressions: number;
  reach: number | null;
  average_frequency: number | null;
  cost: number;
  cost_per_thousand_reached: number | null;
  frequency: FrequencyBucket[];
  k_plus: Record<string, number | null>;
}

export interface PlatformReach extends LeveledReach {
  reach: number;
  impressions: number;
  frequency: number | null;
}

export interface ReachReport {
  dimensions: string[];
  tracked: ReachRow[];
  /** People across all tracked rows (a distinct count over the same visitor keys, never a sum of the rows). */
  trackedTotal: number | null;
  errorBound: DistinctCountErrorBound;
  platform: PlatformReach[];
  /** Deduplicated reach across the tracked groups and platform figures (independence), with its range. */
  combined: DeduplicatedReach | null;
  warnings: string[];
}

const sourceIsTracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };

/**
 * Unique reach, average frequency, the frequency distribution (1 … 10+), k+ reach and cost per
 * thousand reached from first-party visitor keys; platform-reported reach at its own level and window
 * (never summed); and the Sainsbury estimate across channels with its honest range.
 * @example (await reachReport(store, { by: ["campaign"], filters: [] })).tracked[0]?.reach
 */
export async function reachReport(store: Store, req: ReachRequest): Promise<ReachReport> {
  const warnings: string[] = [];
  const filters = req.filters.some((f) => f.dimension === "source") ? req.filters : [...req.filters, sourceIsTracked];
  const query: MetricQuery = {
    metrics: ["impressions", "cost", "reach"],
    dimensions: req.by,
    filters,
    ...(req.from ? { from: req.from } : {}),
    ...(req.to ? { to: req.to } : {}),
    ...(req.timezone ? { timezone: req.timezone } : {}),
    ...(req.currency ? { currency: req.currency } : {}),
  };
  const tracked: ReachRow[] = [];
  /** People across every tracked row: one distinct count over the same visitor keys, so exact, not estimated. */
  let trackedUnion: number | null = null;
  const trackedWanted = filters.some((f) => f.dimension === "source" && f.op === "eq" && f.values.includes("tracked"));
  if (trackedWanted) {
    const report = await runReport(store, query);
    warnings.push(...report.warnings);
    const freqRows = await store.query(compileFrequency({ dialect: store.dialect, query, timezone: req.timezone ?? "UTC", contracts: [] }));
    const dists = new Map<string, number[]>();
    for (const r of freqRows) {
      const key = req.by.map((_, i) => String(r[`d${i}`] ?? "")).join("\u0000");
      const exact = dists.get(key) ?? [];
      const k = Number(r.freq);
      while (exact.length < k) exact.push(0);
      exact[k - 1] = (exact[k - 1] ?? 0) + Number(r.people);
      dists.set(key, exact);
    }
    trackedUnion = report.total?.values.reach ?? null;
    for (const row of report.rows) {
      const reach = row.values.reach ?? null;
      const dist = { exact: dists.get(row.keys.join("\u0000")) ?? [] };
      const cost = Number(row.totals.cost) / 1e6;
      tracked.push({
        keys: row.keys,
        impressions: row.totals.impressions,
        reach,
        average_frequency: reach === null ? null : averageFrequency(row.totals.impressions, reach),
        cost,
        cost_per_thousand_reached: reach ? (1000 * cost) / reach : null,
        frequency: frequencyBuckets(dist),
        k_plus: Object.fromEntries([1, 2, 3, 5, 10].map((k) => [`${k}+`, kPlusReach(dist, k)])),
      });
    }
    warnings.push("visitor keys rotate daily (no personal data is kept): reach over several days counts each visitor once per day, and frequency is per visitor-day");
  }
  const platform = await platformReach(store, req);
  // A platform entity reported over several windows (e.g. daily reach) is not several audiences: only
  // entities with one window join the cross-channel estimate.
  const entity = (p: PlatformReach) => [p.source, p.account, p.level, p.campaign, p.ad_group, p.ad].join("\u0000");
  const windows = new Map<string, number>();
  for (const p of platform) windows.set(entity(p), (windows.get(entity(p)) ?? 0) + 1);
  const single = platform.filter((p) => windows.get(entity(p)) === 1);
  if (single.length < platform.length) warnings.push(`${platform.length - single.length} platform reach rows of entities reported over several windows are shown but not deduplicated across channels`);
  // A higher-level figure (an account's reach) is the platform's own union of the levels it contains:
  // it stands for them, they never join it as further audiences.
  const { kept, contained } = reachAtHighestLevel(single);
  if (contained.length) warnings.push(`${contained.length} platform reach rows are inside a higher-level figure of the same platform and window, which stands for them`);
  // Tracked rows share visitor keys: their union is counted, not estimated, and joins the others as one channel.
  const trackedChannels =
    trackedUnion !== null && tracked.length > 1
      ? [{ name: "tracked", reach: trackedUnion }]
      : tracked.filter((r) => r.reach !== null).map((r) => ({ name: `tracked ${r.keys.join(" / ")}`.trim(), reach: r.reach as number }));
  const channels = [
    ...trackedChannels,
    ...kept.map((p) => ({ name: `${p.source} ${p.level} ${p.campaign || p.account}`.trim(), reach: p.reach })),
  ];
  let combined: DeduplicatedReach | null = null;
  if (channels.length > 1 || (channels.length === 1 && contained.length > 0)) {
    combined = deduplicatedReach({ channels, ...(req.audience ? { audience: req.audience } : {}), ...(req.overlaps ? { overlaps: req.overlaps } : {}) });
    if (new Set(platform.map((p) => `${p.from}..${p.to}`)).size > 1) warnings.push("platform reach figures cover different windows: the combined estimate mixes them");
  }
  if (tracked.length === 0 && platform.length === 0) {
    throw await nothingMatched(store, req.filters, "no_data", "no reach data for these filters: track impressions with 'cpi serve' or import reports that carry reach (e.g. Meta's Reach column)");
  }
  return { dimensions: [...req.by], tracked, trackedTotal: trackedUnion, errorBound: distinctCountErrorBound("exact"), platform, combined, warnings };
}

async function platformReach(store: Store, req: ReachRequest): Promise<PlatformReach[]> {
  const d = store.dialect;
  const columns: Record<string, string> = { source: "source", account: "account_id", campaign: "campaign", ad_group: "ad_group", ad: "ad" };
  const where: string[] = [];
  for (const f of req.filters) {
    const col = columns[f.dimension];
    if (!col) continue;
    if (f.op === "contains") where.push(`(${f.values.map((v) => d.containsInsensitive(col, v)).join(" OR ")})`);
    else where.push(`${col} ${f.op === "neq" ? "NOT IN" : "IN"} (${f.values.map((v) => d.quoteString(v)).join(", ")})`);
  }
  if (req.from) where.push(`date_start >= ${d.dateLiteral(req.from)}`);
  if (req.to) where.push(`date_end <= ${d.dateLiteral(req.to)}`);
  const rows = await store.query(
    `SELECT source, account_id, level, campaign, ad_group, ad, ${d.dateToText("date_start")} AS f, ${d.dateToText("date_end")} AS t, reach, impressions, frequency FROM platform_reach${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY source, campaign, f`,
  );
  return rows.map((r) => ({
    source: String(r.source),
    account: String(r.account_id),
    level: String(r.level),
    campaign: String(r.campaign),
    ad_group: String(r.ad_group),
    ad: String(r.ad),
    from: String(r.f),
    to: String(r.t),
    reach: Number(r.reach),
    impressions: Number(r.impressions),
    frequency: r.frequency === null ? null : Number(r.frequency),
  }));
}
