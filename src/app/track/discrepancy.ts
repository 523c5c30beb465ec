import type { IsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import type { Filter } from "../../domain/query.js";
import { TRACKED_SOURCE } from "../../query/events-sql.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";

export interface DiscrepancyOptions {
  from?: IsoDate;
  to?: IsoDate;
  /** The zone tracked events are counted in (the publisher's reporting zone; default UTC). */
  timezone?: string;
  /** Accepted relative gap, e.g. 0.1 for the industry's 10 %. */
  tolerance: number;
  /** Filters on the reported side (e.g. source=publisher, campaign~launch); campaign/placement filters apply to both. */
  filters: Filter[];
}

export type DiscrepancyStatus = "ok" | "over" | "under" | "not_tracked" | "not_reported";

export interface DiscrepancyRow {
  campaign: string;
  placement: string;
  /** A day, or "start..end" for a reported row covering a range. */
  day: string;
  reported: number;
  tracked: number;
  /** (tracked − reported) ÷ reported; null when nothing was reported. */
  gap: number | null;
  status: DiscrepancyStatus;
}

function daysOf(label: string): [IsoDate, IsoDate] {
  const [a, b] = label.split("..");
  return [a as IsoDate, (b ?? a) as IsoDate];
}

/** The compared rows, and how many reported rows were left out as older than their campaign's tracking. */
export interface DiscrepancyReport {
  rows: DiscrepancyRow[];
  /** Reported rows that end before their campaign's first tracked impression (tracking had not begun). */
  beforeTracking: number;
}

/**
 * Sets reported impressions against first-party counts per campaign × placement × day and flags gaps
 * beyond the tolerance. Only campaigns both tracked and reported are compared, from the day each
 * campaign's tracking began (its first tracked impression, however long before the window): reported
 * days before it are left out and counted, and a day after it with nothing tracked is "not_tracked",
 * even when the whole window has nothing tracked (a tag that broke). A row covering a date range is
 * compared with the tracked days of that range; a reported row without a placement with the tracked
 * placements of its campaign that no reported row names on that day (another source's placement report
 * claims those), so no tracked impression is counted for two rows. When the reported side is narrowed
 * by more than campaign and placement (e.g. source=direct), tracked placements it never reports in the
 * window belong to other sources and are left out instead of "not reported".
 * @example (await discrepancyReport(store, { tolerance: 0.1, filters: [] })).rows
 */
export async function discrepancyReport(store: Store, o: DiscrepancyOptions): Promise<DiscrepancyReport> {
  if (!(o.tolerance >= 0)) throw new UserError("bad_flag", "--tolerance must be a percentage ≥ 0");
  if (o.filters.some((f) => f.dimension === "source" && f.op !== "neq" && f.values.includes(TRACKED_SOURCE))) {
    throw new UserError("bad_filter", "the reported side cannot be the tracked source itself: filter on the publisher's source, e.g. --where source=direct");
  }
  const period = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
  const reported = await impressionCells(store, [...o.filters, { dimension: "source", op: "neq", values: [TRACKED_SOURCE] }], period);
  const shared = o.filters.filter((f) => f.dimension === "campaign" || f.dimension === "placement");
  const tracked = await impressionCells(store, [{ dimension: "source", op: "eq", values: [TRACKED_SOURCE] }, ...shared], { ...period, ...(o.timezone ? { timezone: o.timezone } : {}) });
  const cells = tracked.map((c) => ({ ...c, used: false }));
  const cellsOf = new Map<string, typeof cells>();
  for (const c of cells) {
    const list = cellsOf.get(c.campaign);
    if (list) list.push(c);
    else cellsOf.set(c.campaign, [c]);
  }
  const reportedCampaigns = new Set(reported.map((r) => r.campaign));
  const started = await firstTrackedDays(store, [...reportedCampaigns], o.to, o.timezone);
  let beforeTracking = 0;
  const out: DiscrepancyRow[] = [];
  const judge = (reportedN: number, trackedN: number): [number | null, DiscrepancyStatus] => {
    if (reportedN === 0) return [null, trackedN === 0 ? "ok" : "not_reported"];
    if (trackedN === 0) return [-1, "not_tracked"];
    const gap = (trackedN - reportedN) / reportedN;
    return [gap, Math.abs(gap) <= o.tolerance + 1e-12 ? "ok" : gap > 0 ? "over" : "under"];
  };
  // Rows naming a placement first: the tracked cells they claim are not counted again for a
  // placement-less row of the same campaign (a platform's campaign total beside a publisher's placement).
  const claimed = new Set<(typeof cells)[number]>();
  const ordered = [...reported.filter((r) => r.placement !== ""), ...reported.filter((r) => r.placement === "")];
  for (const { campaign, placement, day, n: reportedN } of ordered) {
    const since = started.get(campaign);
    if (since === undefined) continue; // never tracked: not compared
    const [first, last] = daysOf(day);
    if (last < since) {
      beforeTracking++;
      continue;
    }
    const mine = cellsOf.get(campaign) ?? [];
    let n = 0;
    for (const c of mine) {
      if (c.day < first || c.day > last) continue;
      if (placement === "" ? claimed.has(c) : c.placement !== placement) continue;
      n += c.n;
      c.used = true;
      if (placement !== "") claimed.add(c);
    }
    const [gap, status] = judge(reportedN, n);
    out.push({ campaign, placement, day, reported: reportedN, tracked: n, gap, status });
  }
  const narrowed = o.filters.some((f) => f.dimension !== "campaign" && f.dimension !== "placement");
  const reportedPairs = new Set(reported.map((r) => `${r.campaign}\u0000${r.placement}`));
  const inScope = (c: { campaign: string; placement: string }) =>
    reportedCampaigns.has(c.campaign) && (!narrowed || reportedPairs.has(`${c.campaign}\u0000`) || reportedPairs.has(`${c.campaign}\u0000${c.placement}`));
  for (const c of cells) {
    if (c.used || !inScope(c)) continue;
    out.push({ campaign: c.campaign, placement: c.placement, day: c.day, reported: 0, tracked: c.n, gap: null, status: "not_reported" });
  }
  const key = (r: DiscrepancyRow) => `${r.campaign}\u0000${r.placement}\u0000${r.day}`;
  return { rows: out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)), beforeTracking };
}

/**
 * The compared rows of discrepancyReport (what alerts and the demo read).
 * @example await findDiscrepancies(store, { tolerance: 0.1, filters: [] })
 */
export async function findDiscrepancies(store: Store, o: DiscrepancyOptions): Promise<DiscrepancyRow[]> {
  return (await discrepancyReport(store, o)).rows;
}

/**
 * Each campaign's first day with a tracked impression (in `timezone`), up to `to`: when its tracking
 * began. Campaigns never tracked by then are absent.
 */
async function firstTrackedDays(store: Store, campaigns: string[], to: IsoDate | undefined, timezone: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (campaigns.length === 0) return out;
  const filters: Filter[] = [
    { dimension: "source", op: "eq", values: [TRACKED_SOURCE] },
    { dimension: "campaign", op: "eq", values: campaigns },
  ];
  for (const c of await impressionCells(store, filters, { ...(to ? { to } : {}), ...(timezone ? { timezone } : {}) })) {
    if (c.n <= 0) continue;
    const known = out.get(c.campaign);
    if (known === undefined || c.day < known) out.set(c.campaign, c.day);
  }
  return out;
}

/**
 * Impressions per campaign × placement × day. Grouped by currency too and added up: impressions need
 * no currency, so a store whose spend is in several currencies (or tracked events priced by contracts
 * in several) is not refused as a report of money would be.
 */
async function impressionCells(
  store: Store,
  filters: Filter[],
  period: { from?: IsoDate; to?: IsoDate; timezone?: string },
): Promise<{ campaign: string; placement: string; day: string; n: number }[]> {
  const r = await runReport(store, { metrics: ["impressions"], dimensions: ["campaign", "placement", "day", "currency"], filters, ...period });
  const cells = new Map<string, { campaign: string; placement: string; day: string; n: number }>();
  for (const row of r.rows) {
    const [campaign, placement, day] = [row.keys[0] ?? "", row.keys[1] ?? "", row.keys[2] ?? ""];
    const id = `${campaign}\u0000${placement}\u0000${day}`;
    const c = cells.get(id);
    if (c) c.n += row.totals.impressions;
    else cells.set(id, { campaign, placement, day, n: row.totals.impressions });
  }
  return [...cells.values()];
}
