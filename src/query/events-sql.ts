// First-party events as a report source ("tracked"): the same MetricQuery compiled over `events` and
// `invalid_counts`, with days taken in the query's time zone (events are stored in UTC, DESIGN rule 4)
// and each event matched to the contract that prices it.
import { addDays } from "../domain/dates.js";
import type { EntityDimension, Filter, MetricQuery } from "../domain/query.js";
import { isTimeGrain } from "../domain/query.js";
import { type ZoneSpan, zonedDayStartUtc } from "../domain/tracking/zoned-time.js";
import type { Dialect } from "./dialect.js";

/** The source name tracked events report under. */
export const TRACKED_SOURCE = "tracked";

/** A contract as the compiler needs it: who it covers and its flight as UTC instants [start, end). */
export interface ContractMatch {
  id: number;
  campaign: string;
  placement: string;
  currency: string;
  start: number;
  end: number;
}

export interface EventQueryContext {
  dialect: Dialect;
  query: MetricQuery;
  /** The zone days and grains are taken in (the query's, else UTC). */
  timezone: string;
  contracts: readonly ContractMatch[];
  /**
   * The zone's offsets over the stored events' time range, when known: local days are then the UTC
   * timestamp shifted by the span's offset (instants outside the spans take the dialect's zone rule).
   */
  spans?: readonly ZoneSpan[];
  /** The table read ("events" unless said): invalid_counts has no measurement column. */
  table?: "events" | "invalid_counts";
}

/** The row conditions of a contract (without its campaign's when that was tested before). */
function matchCondition(d: Dialect, c: ContractMatch, withCampaign = true): string {
  const parts = withCampaign ? [`campaign = ${d.quoteString(c.campaign)}`] : [];
  if (c.placement !== "") parts.push(`placement = ${d.quoteString(c.placement)}`);
  parts.push(`ts >= ${d.timestampLiteral(c.start)}`, `ts < ${d.timestampLiteral(c.end)}`);
  return parts.join(" AND ");
}

/**
 * A CASE giving `value(c)` of the first contract matching each row, else `none`. Contracts are tested
 * campaign by campaign (an outer CASE on the campaign, then that campaign's contracts in their order):
 * the same first match as one flat CASE, with a row compared with its own campaign's contracts only.
 */
function contractCase(d: Dialect, contracts: readonly ContractMatch[], value: (c: ContractMatch) => string, none: string): string {
  const byCampaign = new Map<string, ContractMatch[]>();
  for (const c of contracts) byCampaign.set(c.campaign, [...(byCampaign.get(c.campaign) ?? []), c]);
  const inner = (cs: ContractMatch[]) =>
    `CASE ${cs.map((c) => `WHEN ${matchCondition(d, c, false)} THEN ${value(c)}`).join(" ")} ELSE ${none} END`;
  return `CASE ${[...byCampaign].map(([campaign, cs]) => `WHEN campaign = ${d.quoteString(campaign)} THEN ${inner(cs)}`).join(" ")} ELSE ${none} END`;
}

/** The id of the contract pricing each event row (0 when none). */
export function contractIdExpr(d: Dialect, contracts: readonly ContractMatch[]): string {
  if (contracts.length === 0) return "0";
  return contractCase(d, contracts, (c) => String(c.id), "0");
}

/** The currency of the contract pricing each event row ("" when none). */
export function contractCurrencyExpr(d: Dialect, contracts: readonly ContractMatch[]): string {
  if (contracts.length === 0) return "''";
  return contractCase(d, contracts, (c) => d.quoteString(c.currency), "''");
}

/** The events column (or expression) behind each entity dimension: creatives are `ad`. */
function dimensionExpr(ctx: EventQueryContext, dim: EntityDimension): string {
  switch (dim) {
    case "source":
      return ctx.dialect.quoteString(TRACKED_SOURCE);
    case "campaign":
    case "placement":
    case "country":
    case "device":
      return dim;
    case "ad":
      return "creative";
    case "currency":
      return contractCurrencyExpr(ctx.dialect, ctx.contracts);
    case "measurement":
      // Invalid traffic is counted before any measurement: it has none.
      return ctx.table === "invalid_counts" ? "''" : "measurement";
    default:
      return "''";
  }
}

function filterExpr(ctx: EventQueryContext, f: Filter): string {
  const d = ctx.dialect;
  const col = dimensionExpr(ctx, f.dimension);
  if (f.op === "contains") return `(${f.values.map((v) => d.containsInsensitive(col, v)).join(" OR ")})`;
  return `${col} ${f.op === "neq" ? "NOT IN" : "IN"} (${f.values.map((v) => d.quoteString(v)).join(", ")})`;
}

/** WHERE conditions: filters and the period, whose days are in the query's zone. */
export function conditions(ctx: EventQueryContext): string[] {
  const d = ctx.dialect;
  const where = ctx.query.filters.map((f) => filterExpr(ctx, f));
  if (ctx.query.from) where.push(`ts >= ${d.timestampLiteral(zonedDayStartUtc(ctx.query.from, ctx.timezone))}`);
  if (ctx.query.to) where.push(`ts < ${d.timestampLiteral(zonedDayStartUtc(addDays(ctx.query.to, 1), ctx.timezone))}`);
  return where;
}

/** The local calendar day (a DATE expression) of the `ts` column in the query's zone. */
function localDay(ctx: EventQueryContext): string {
  const d = ctx.dialect;
  const spans = ctx.spans;
  const first = spans?.[0];
  const last = spans?.[spans.length - 1];
  if (!d.shiftedDate || !first || !last || spans.length > 64) return d.localDate("ts", ctx.timezone);
  const within = `ts >= ${d.timestampLiteral(first.start)} AND ts < ${d.timestampLiteral(last.end)}`;
  const seconds = spans.length === 1 ? String(first.offsetMs / 1000) : `CASE ${spans.slice(0, -1).map((s) => `WHEN ts < ${d.timestampLiteral(s.end)} THEN ${s.offsetMs / 1000}`).join(" ")} ELSE ${last.offsetMs / 1000} END`;
  return `CASE WHEN ${within} THEN ${d.shiftedDate("ts", seconds)} ELSE ${d.localDate("ts", ctx.timezone)} END`;
}

/** Dimension select expressions aliased d0, d1, … */
export function dimensionSelects(ctx: EventQueryContext): string[] {
  const d = ctx.dialect;
  return ctx.query.dimensions.map((dim, i) => {
    const expr = isTimeGrain(dim) ? d.dateToText(d.bucketStart(dim, localDay(ctx))) : dimensionExpr(ctx, dim);
    return `${expr} AS d${i}`;
  });
}

function assemble(select: string[], table: string, where: string[], groupBy: string[]): string {
  return [`SELECT ${select.join(", ")}`, `FROM ${table}`, where.length ? `WHERE ${where.join(" AND ")}` : "", groupBy.length ? `GROUP BY ${groupBy.join(", ")}` : ""]
    .filter(Boolean)
    .join("\n");
}

/**
 * `assemble` for sums by groups that exist only where rows do. ClickHouse 18.16 answers one group of
 * zeros when every key is a constant (`'tracked'` for source, `''` for currency without contracts or
 * for measurement on invalid traffic) and the filters match nothing; DuckDB answers none. HAVING drops it.
 */
function assembleGroups(select: string[], table: string, where: string[], groupBy: string[]): string {
  const sql = assemble(select, table, where, groupBy);
  return groupBy.length ? `${sql}\nHAVING COUNT(*) > 0` : sql;
}

/** The events column each entity dimension reads (none for constants and the contract's currency). */
function dimensionColumn(dim: EntityDimension): string | null {
  if (dim === "ad") return "creative";
  return dim === "campaign" || dim === "placement" || dim === "country" || dim === "device" || dim === "measurement" ? dim : null;
}

/**
 * Per-event counts. The measured count: viewable ≤ measurable ≤ impressions: a viewable event means its
 * impression was measured, so one following an impression not marked measurable (a hand-built /v.gif
 * with m=1) makes it measurable (once per id: the recorder drops a second viewable of the same id). The
 * set of such impressions is small (the snippet marks every impression it counts; the <img> pixel has
 * no id). A viewable with no counted impression (no id, or its impression was invalid traffic) cannot
 * lift a row above its impressions: both are capped per row, which changes nothing for consistent
 * events. The subquery reads only the report's own period and filters (an impression and its viewable
 * share campaign, placement and creative; one a second across the period's end is capped as above).
 */
function eventCounts(ctx: EventQueryContext, viewability: boolean): string[] {
  const counts = ["SUM(CASE WHEN type = 'impression' THEN 1 ELSE 0 END) AS n_imp", "SUM(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS n_clk"];
  if (!viewability) return counts;
  const unmarkedWhere = ["type = 'impression'", "NOT measurable", "impression_id <> ''", ...conditions(ctx)].join(" AND ");
  const unmarked = ctx.dialect.inSubquery("impression_id", `SELECT impression_id FROM events WHERE ${unmarkedWhere}`);
  return [
    ...counts,
    "SUM(CASE WHEN type = 'viewable' THEN 1 ELSE 0 END) AS n_view",
    `SUM(CASE WHEN type = 'impression' AND measurable THEN 1 WHEN type = 'viewable' AND impression_id <> '' AND ${unmarked} THEN 1 ELSE 0 END) AS n_meas`,
  ];
}

/**
 * Events summed by campaign, placement, the dimensions' columns and 15-minute UTC bucket (as `ts`):
 * contracts and local days are then matched once per bucket instead of once per event. Exact when
 * every contract edge and every local midnight falls on a quarter hour (the caller checks). With
 * `rollup` the buckets are read from `event_rollup` (already counted as events loaded; see `rollupAnswers`).
 */
function quarterHourSums(ctx: EventQueryContext, counts: string[], where: string[], rollup: boolean): string {
  const d = ctx.dialect;
  const cols = new Set(["campaign", "placement"]);
  for (const dim of ctx.query.dimensions) {
    const c = isTimeGrain(dim) ? null : dimensionColumn(dim);
    if (c) cols.add(c);
  }
  const keys = [...cols];
  const inner = rollup
    ? // Already summed per bucket (a key has a row per load): the outer GROUP BY adds them up.
      assemble([...keys, "ts AS qts", "impressions AS n_imp", "clicks AS n_clk"], ROLLUP_TABLE, where, [])
    : assemble([...keys, `${d.quarterHour("ts")} AS qts`, ...counts], "events", where, [...keys, d.quarterHour("ts")]);
  const carried = counts.map((c) => c.slice(c.lastIndexOf(" AS ") + 4));
  return `(SELECT ${[...keys, "qts AS ts", ...carried].join(", ")} FROM (\n${inner}\n) AS q) AS b`;
}

/** The rollup table: valid events counted per 15-minute UTC bucket (`ts`) × campaign × placement × creative. */
export const ROLLUP_TABLE = "event_rollup";

/** Dimensions the rollup has a column for (or needs none: the source, the contract's currency), besides time grains. */
const ROLLUP_DIMENSIONS: ReadonlySet<string> = new Set(["source", "campaign", "placement", "ad", "currency"]);

/**
 * Whether the rollup answers a query's event sums: its dimensions and filters are within the rollup's
 * columns and no viewability count is asked (measured impressions need each impression's id). The
 * caller also needs the quarter-hour condition (contract edges and the zone's midnights).
 * @example rollupAnswers({ metrics: ["cpi"], dimensions: ["campaign", "day"], filters: [] }, false) // true
 */
export function rollupAnswers(query: MetricQuery, viewability: boolean): boolean {
  if (viewability) return false;
  return query.dimensions.every((dim) => isTimeGrain(dim) || ROLLUP_DIMENSIONS.has(dim)) && query.filters.every((f) => ROLLUP_DIMENSIONS.has(f.dimension));
}

/**
 * Counted events by the query's dimensions and by pricing contract (and by local day when amounts
 * are converted at each day's rate): impressions, clicks, viewable and measurable impressions (zero
 * unless `viewability`). With `quarterHours` the events are first summed per 15-minute bucket, read
 * from the rollup with `rollup` too (only where `rollupAnswers`).
 * @example compileEventSums({ dialect: duckdbDialect, query, timezone: "UTC", contracts: [] }, false)
 */
export function compileEventSums(ctx: EventQueryContext, byFxDate: boolean, opts: { viewability?: boolean; quarterHours?: boolean; rollup?: boolean } = {}): string {
  const d = ctx.dialect;
  const viewability = opts.viewability ?? true;
  const select = dimensionSelects(ctx);
  const groupBy = ctx.query.dimensions.map((_, i) => `d${i}`);
  select.push(`${contractIdExpr(d, ctx.contracts)} AS contract`);
  groupBy.push("contract");
  if (byFxDate) {
    select.push(`${d.dateToText(localDay(ctx))} AS fx_date`);
    groupBy.push("fx_date");
  }
  const counts = eventCounts(ctx, viewability);
  const sums = ["impressions", "clicks", ...(viewability ? ["viewable_events", "measured"] : [])];
  let from = "events";
  let where = conditions(ctx);
  if (opts.quarterHours) {
    // Filters on the contract's currency need the bucket's contract: they apply to the buckets.
    const bucketCtx = { ...ctx, query: { ...ctx.query, filters: ctx.query.filters.filter((f) => f.dimension !== "currency") } };
    const rollup = opts.rollup === true && rollupAnswers(ctx.query, viewability);
    from = quarterHourSums(ctx, counts, conditions(bucketCtx), rollup);
    where = ctx.query.filters.filter((f) => f.dimension === "currency").map((f) => filterExpr(ctx, f));
    select.push(...counts.map((c, i) => `SUM(${c.slice(c.lastIndexOf(" AS ") + 4)}) AS ${sums[i]}`));
  } else {
    select.push(...counts.map((c, i) => `${c.slice(0, c.lastIndexOf(" AS "))} AS ${sums[i]}`));
  }
  const measurable = "(CASE WHEN measured < impressions THEN measured ELSE impressions END)";
  const outer = viewability
    ? [
        ...groupBy,
        "impressions",
        "clicks",
        `(CASE WHEN viewable_events < ${measurable} THEN viewable_events ELSE ${measurable} END) AS viewable_impressions`,
        `${measurable} AS measurable_impressions`,
      ]
    : [...groupBy, "impressions", "clicks", "0 AS viewable_impressions", "0 AS measurable_impressions"];
  return `SELECT ${outer.join(", ")} FROM (\n${assembleGroups(select, from, where, groupBy)}\n) AS sums`;
}

/** Invalid impression requests by the query's dimensions. */
export function compileInvalidSums(events: EventQueryContext): string {
  const ctx: EventQueryContext = { ...events, table: "invalid_counts" };
  const select = [...dimensionSelects(ctx), "SUM(n) AS invalid_impressions"];
  return assembleGroups(select, "invalid_counts", ["type = 'impression'", ...conditions(ctx)], ctx.query.dimensions.map((_, i) => `d${i}`));
}

/** Dimension expressions aliased r0, r1, … with time grains left as DATEs (grouping on a date beats grouping on its text). */
function rawDimensionSelects(ctx: EventQueryContext): string[] {
  return ctx.query.dimensions.map((dim, i) => `${isTimeGrain(dim) ? ctx.dialect.bucketStart(dim, localDay(ctx)) : dimensionExpr(ctx, dim)} AS r${i}`);
}

/** Selects d0, d1, … (time grains as "YYYY-MM-DD" text) and `carried` over a query giving r0, r1, …. */
function withDimensionText(ctx: EventQueryContext, inner: string, carried: string[]): string {
  const dims = ctx.query.dimensions.map((dim, i) => `${isTimeGrain(dim) ? ctx.dialect.dateToText(`r${i}`) : `r${i}`} AS d${i}`);
  return `SELECT ${[...dims, ...carried].join(", ")} FROM (\n${inner}\n) AS r`;
}

/** The stored hash sample of visitors (1/64 of visitor keys, per 15-minute UTC bucket `ts` × campaign × placement × creative). */
export const REACH_SAMPLE_TABLE = "reach_sample";

/** Where reach is counted from: every impression's visitor, or (with `sample`) the sampled visitors, whose distinct count × 64 estimates it. */
function reachSource(ctx: EventQueryContext, sample: boolean): { table: string; where: string[] } {
  return sample ? { table: REACH_SAMPLE_TABLE, where: conditions(ctx) } : { table: "events", where: ["type = 'impression'", ...conditions(ctx)] };
}

/**
 * Unique visitors by the query's dimensions (a distinct count: never summed across rows). With `sample`
 * the distinct sampled visitors (the caller multiplies by 64; only where the rollup answers the query).
 */
export function compileReach(ctx: EventQueryContext, withDimensions = true, sample = false): string {
  const { table, where } = reachSource(ctx, sample);
  const reach = `${ctx.dialect.distinctCount("visitor")} AS reach`;
  if (!withDimensions || ctx.query.dimensions.length === 0) return assemble([reach], table, where, []);
  const keys = ctx.query.dimensions.map((_, i) => `r${i}`);
  return withDimensionText(ctx, assemble([...rawDimensionSelects(ctx), reach], table, where, keys), ["reach"]);
}

/**
 * Reach by the query's dimensions and overall in one scan (engines with GROUPING SETS): the overall
 * row has `total` = 1; `sample` as in `compileReach`. @example compileReachWithTotal(ctx) // … GROUP BY GROUPING SETS ((r0, r1), ())
 */
export function compileReachWithTotal(ctx: EventQueryContext, sample = false): string {
  const { table, where } = reachSource(ctx, sample);
  const keys = ctx.query.dimensions.map((_, i) => `r${i}`);
  const select = [...rawDimensionSelects(ctx), `${ctx.dialect.distinctCount("visitor")} AS reach`, `GROUPING(${keys.join(", ")}) = ${2 ** keys.length - 1} AS total`];
  const inner = [`SELECT ${select.join(", ")}`, `FROM ${table}`, `WHERE ${where.length ? where.join(" AND ") : "TRUE"}`, `GROUP BY GROUPING SETS ((${keys.join(", ")}), ())`].join("\n");
  return withDimensionText(ctx, inner, ["reach", "total"]);
}

/** How many valid events match the query's filters and period (to point a report of reported data at them). */
export function compileEventCount(ctx: EventQueryContext): string {
  return assemble(["COUNT(*) AS n"], "events", conditions(ctx), []);
}

/**
 * Each contract's whole-flight delivery (what a flat fee is spread over), whatever the query's filters.
 * With `quarterHours` (every flight edge on a quarter hour) contracts are matched per 15-minute bucket,
 * read from the rollup with `rollup`.
 */
export function compileFlightDelivery(d: Dialect, contracts: readonly ContractMatch[], quarterHours = false, rollup = false): string {
  const id = contractIdExpr(d, contracts);
  if (!quarterHours) {
    return `SELECT ${id} AS contract, SUM(CASE WHEN type = 'impression' THEN 1 ELSE 0 END) AS impressions, SUM(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS clicks FROM events WHERE ${id} <> 0 GROUP BY contract`;
  }
  const campaigns = [...new Set(contracts.map((c) => d.quoteString(c.campaign)))].join(", ");
  const inner = rollup
    ? `SELECT campaign, placement, ts AS qts, SUM(impressions) AS n_imp, SUM(clicks) AS n_clk FROM ${ROLLUP_TABLE} WHERE campaign IN (${campaigns}) GROUP BY campaign, placement, ts`
    : `SELECT campaign, placement, ${d.quarterHour("ts")} AS qts, SUM(CASE WHEN type = 'impression' THEN 1 ELSE 0 END) AS n_imp, SUM(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS n_clk FROM events WHERE campaign IN (${campaigns}) GROUP BY campaign, placement, ${d.quarterHour("ts")}`;
  const buckets = `(SELECT campaign, placement, qts AS ts, n_imp, n_clk FROM (${inner}) AS q) AS b`;
  return `SELECT contract, SUM(n_imp) AS impressions, SUM(n_clk) AS clicks FROM (SELECT ${id} AS contract, n_imp, n_clk FROM ${buckets}) AS m WHERE contract <> 0 GROUP BY contract`;
}

/** Whether every contract's flight starts and ends on a quarter hour (so buckets match contracts exactly). */
export function quarterHourContracts(contracts: readonly ContractMatch[]): boolean {
  return contracts.every((c) => c.start % 900_000 === 0 && c.end % 900_000 === 0);
}

/**
 * Whether a query reads tracked events: only when a source filter names "tracked" explicitly and no
 * source filter excludes it (first-party counts measure the same deliveries the platforms report,
 * so they are never silently added to them).
 * @example includesTracked([{ dimension: "source", op: "eq", values: ["tracked"] }]) // true
 */
export function includesTracked(filters: readonly Filter[]): boolean {
  const source = filters.filter((f) => f.dimension === "source");
  const named = source.some((f) => f.op === "eq" && f.values.includes(TRACKED_SOURCE));
  const excluded = source.some(
    (f) =>
      (f.op === "eq" && !f.values.includes(TRACKED_SOURCE)) ||
      (f.op === "neq" && f.values.includes(TRACKED_SOURCE)) ||
      (f.op === "contains" && !f.values.some((v) => TRACKED_SOURCE.includes(v.toLowerCase()))),
  );
  return named && !excluded;
}

/** Impression ids seen since an instant, newest first (to remember them across a restart). */
export function compileRecentImpressionIds(d: Dialect, sinceMs: number, limit: number): string {
  return `SELECT type, impression_id FROM events WHERE impression_id <> '' AND ts >= ${d.timestampLiteral(sinceMs)} ORDER BY ts DESC LIMIT ${Math.max(0, Math.trunc(limit))}`;
}
