// The reports a tracked-event rollup answers (and a few it does not), the contracts they are priced by,
// and a report's figures as comparable text: shared by the DuckDB and the ClickHouse rollup tests.
import type { runReport } from "../../src/app/report.js";
import type { Dimension, Filter, MetricQuery } from "../../src/domain/query.js";
import type { NewContract } from "../../src/domain/tracking/contract.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import type { Store } from "../../src/store/store.js";

/** Quarter-hour flights: local midnights in New York, Kolkata (+5:30), Kathmandu (+5:45) and Lord Howe (+10:30/+11). */
export const ROLLUP_CONTRACTS: NewContract[] = [
  { campaign: "Direct 0", placement: "", pricing: "flat", amount: 2_500_000_000n, currency: "USD", from: "2026-10-26", to: "2026-11-03", timezone: "America/New_York" },
  { campaign: "Direct 1", placement: "news-site", pricing: "cpm", amount: 7_250_000n, currency: "USD", from: "2026-10-27", to: "2026-11-04", timezone: "Asia/Kolkata" },
  { campaign: "Direct 1", placement: "blog", pricing: "cpm", amount: 3_000_000n, currency: "USD", from: "2026-10-24", to: "2026-10-31", timezone: "Asia/Kathmandu" },
  { campaign: "Direct 2", placement: "", pricing: "cpc", amount: 410_000n, currency: "USD", from: "2026-10-28", to: "2026-11-02", timezone: "Australia/Lord_Howe" },
];

const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };
export const METRICS = ["impressions", "clicks", "cost", "cpi", "cpm", "ctr", "reach", "invalid_rate"] as MetricQuery["metrics"];

/** The queries a rollup answers (dimensions and filters within its columns), and a few it does not. */
export function rollupQueries(): MetricQuery[] {
  const dimSets: Dimension[][] = [[], ["campaign", "day"], ["ad", "week"], ["placement", "month"], ["currency", "day"], ["source", "campaign", "placement", "ad"], ["country", "day"]];
  const filterSets: Filter[][] = [
    [tracked],
    [tracked, { dimension: "campaign", op: "contains", values: ["direct 1"] }],
    [tracked, { dimension: "placement", op: "neq", values: ["blog"] }, { dimension: "ad", op: "eq", values: ["Banner A", "Video"] }],
    [tracked, { dimension: "device", op: "eq", values: ["mobile"] }],
  ];
  const out: MetricQuery[] = [];
  for (const timezone of ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"])
    for (const [i, dimensions] of dimSets.entries())
      for (const filters of filterSets.slice(0, i === 1 ? 4 : 2))
        for (const period of i % 2 ? [{}, { from: "2026-10-25", to: "2026-11-01" }] : [{}]) out.push({ metrics: METRICS, dimensions, filters, ...period, timezone });
  return out;
}

/** A report's figures as comparable text: every row's keys and metric values, and the total's. */
export function figures(r: Awaited<ReturnType<typeof runReport>>): string[] {
  const line = (keys: string[], values: Record<string, unknown>) => JSON.stringify([keys, METRICS.map((m) => values[m] ?? null)]);
  return [...r.rows.map((x) => line(x.keys, x.values)), `total ${r.total ? line(r.total.keys, r.total.values) : "none"}`];
}

/** Loads `events` in `batches` log ranges of the log "t" (0-1, 1-2, …), as a tracking server's loader does. */
export async function loadInBatches(store: Store, events: readonly TrackedEvent[], batches: number): Promise<void> {
  const size = Math.ceil(events.length / batches);
  for (let i = 0; i < batches; i++) await store.appendTrackedEvents({ logId: "t", from: i, to: i + 1, events: events.slice(i * size, (i + 1) * size) });
}
