// Explore: the table a marketer shapes. Group by any dimension the period holds and by day, week or
// month; pick the metrics and their order; filter with chips (source, account, campaign: several
// values each, with their impressions) and a text search; sort by any column; a totals row that is
// the API's ratio of sums; over time, a chart with the previous period under this one. All of it is in
// the URL (#/explore?by=campaign&grain=week&m=cost&m=cpi&source=meta&sort=cpi&desc=1), so a view can
// be bookmarked, shared and saved by name; the table exports as CSV with the same numbers. With reach
// or CPMR chosen, a Reach choice (auto, exact, estimated); an estimated reach is noted with its error.
import type { ReachMode } from "../../domain/tracking/reach-sample.js";
import { lineChart } from "../charts.js";
import { field, h, replace, select } from "../dom.js";
import { compact, metricText, money } from "../format.js";
import { filterChips, orderedPicker } from "../pickers.js";
import { dayOf, numberOf, reachEstimateNote, reachRowTitle, report } from "../query.js";
import { savedViewsPanel } from "../saved-views.js";
import { type AppState, daysBetween, hashOf, metricInfo, previousPeriod, type Route, rememberInUrl } from "../state.js";
import { dataTable } from "../table.js";
import type { Filter, Row } from "../types.js";
import { LEVEL_LABEL } from "./drill.js";

const ALWAYS = ["source", "account", "campaign"];
const PROBED = ["ad_group", "ad", "placement", "country", "device"];
const CHIPS = ["source", "account", "campaign"] as const;
const GRAINS = ["day", "week", "month"];
const DEFAULT_METRICS = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "conversions", "cpa"];
/** How tracked reach is counted: the server's auto (exact up to its threshold of impressions), exact, or estimated from the visitor sample. */
const REACH_CHOICES: [ReachMode, string][] = [
  ["auto", "auto"],
  ["exact", "exact"],
  ["estimate", "estimated (1/64 sample)"],
];
const REACH_METRICS = ["reach", "cpmr"];

export interface ExploreSpec {
  by: string[];
  grain: string;
  metrics: string[];
  chips: Record<string, string[]>;
  q: string;
  sort: string;
  desc: boolean;
  chart: string;
  reach: ReachMode;
}

/** The view's choices from its URL parameters, unknown names dropped, defaults filled in. */
export function exploreSpec(p: URLSearchParams, known: { metrics: string[]; dimensions: string[] }): ExploreSpec {
  const by = [...new Set(p.getAll("by").filter((d) => known.dimensions.includes(d)))];
  const metrics = [...new Set(p.getAll("m").filter((m) => known.metrics.includes(m)))];
  const grain = GRAINS.includes(p.get("grain") ?? "") ? (p.get("grain") as string) : "";
  const m = metrics.length ? metrics : DEFAULT_METRICS.filter((x) => known.metrics.includes(x));
  const sortKey = p.get("sort") ?? "";
  const columns = [...by, ...(grain ? [grain] : []), ...m];
  return {
    by: by.length || grain ? by : ["campaign"],
    grain,
    metrics: m,
    chips: Object.fromEntries(CHIPS.map((d) => [d, [...new Set(p.getAll(d).filter((v) => v !== ""))]])),
    q: p.get("q") ?? "",
    sort: columns.includes(sortKey) || (!by.length && !grain && sortKey === "campaign") ? sortKey : m.includes("cost") ? "cost" : (m[0] as string),
    desc: p.has("desc") ? p.get("desc") === "1" : true,
    chart: m.includes(p.get("chart") ?? "") ? (p.get("chart") as string) : (m.find((x) => x === "cpi") ?? (m[0] as string)),
    reach: REACH_CHOICES.find(([r]) => r === p.get("reach"))?.[0] ?? "auto",
  };
}

/** The URL parameters of a spec (the inverse of exploreSpec). */
function paramsOf(v: ExploreSpec): Record<string, string | string[]> {
  return { by: v.by, grain: v.grain, m: v.metrics, ...v.chips, q: v.q, sort: v.sort, desc: v.desc ? "1" : "0", chart: v.chart, reach: v.reach === "auto" ? "" : v.reach };
}

/** The API filters of the chips (all but `except`) and the text search (on the first grouped dimension). */
function filtersOf(v: ExploreSpec, except?: string): Filter[] {
  const f: Filter[] = CHIPS.filter((d) => d !== except && (v.chips[d]?.length ?? 0) > 0).map((d) => ({ dimension: d, op: "eq" as const, values: v.chips[d] as string[] }));
  if (v.q.trim()) f.push({ dimension: v.by[0] ?? "campaign", op: "contains", values: [v.q.trim()] });
  return f;
}

const label = (d: string) => LEVEL_LABEL[d] ?? (d === "day" ? "Day" : d === "week" ? "Week" : d === "month" ? "Month" : d);

export async function exploreView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const v = exploreSpec(route.params, { metrics: s.catalogue.metrics.map((m) => m.name), dimensions: [...ALWAYS, ...PROBED] });
  const go = (change: Partial<ExploreSpec>) => {
    location.hash = hashOf("explore", s, paramsOf({ ...v, ...change }));
  };
  const dims = [...v.by, ...(v.grain ? [v.grain] : [])];
  const prev = previousPeriod(s.from, s.to);
  const [table, present, counts, chartNow, chartBefore] = await Promise.all([
    report(s, { metrics: v.metrics, dimensions: dims, filters: filtersOf(v), reach: v.reach }),
    Promise.all(PROBED.map(async (d) => ((await report(s, { metrics: ["impressions"], dimensions: [d] })).rows.some((r) => String(r[d] ?? "") !== "") ? d : null))),
    Promise.all(CHIPS.map(async (d) => (await report(s, { metrics: ["impressions"], dimensions: [d], filters: filtersOf(v, d) })).rows)),
    v.grain ? report(s, { metrics: [v.chart], dimensions: [v.grain], filters: filtersOf(v), reach: v.reach }) : null,
    v.grain ? report(s, { metrics: [v.chart], dimensions: [v.grain], filters: filtersOf(v), from: prev.from, to: prev.to, reach: v.reach }) : null,
  ]);
  const cur = table.currency;
  const available = [...ALWAYS, ...present.filter((d): d is string => d !== null)];
  const shape = h(
    "div",
    { class: "shape" },
    orderedPicker({ name: "by", label: "Group by", chosen: v.by, options: available, labelOf: label, onChange: (by) => go({ by, sort: by.includes(v.sort) || v.metrics.includes(v.sort) ? v.sort : "" }) }),
    field("Over time", select([["", "—"], ...GRAINS.map((g) => [g, `by ${g}`] as [string, string])], v.grain, (grain) => go({ grain }), { name: "grain" })),
    orderedPicker({ name: "metrics", label: "Metrics", chosen: v.metrics, options: s.catalogue.metrics.map((m) => m.name), labelOf: (m) => metricInfo(s, m)?.label ?? m, min: 1, onChange: (metrics) => go({ metrics }) }),
    v.metrics.some((m) => REACH_METRICS.includes(m)) ? field("Reach", select(REACH_CHOICES, v.reach, (reach) => go({ reach: reach as ReachMode }), { name: "reach" })) : null,
  );
  const chips = h(
    "div",
    { class: "filters" },
    CHIPS.map((d, i) =>
      filterChips({
        dimension: d,
        label: label(d),
        selected: v.chips[d] ?? [],
        values: (counts[i] ?? []).map((r) => ({ value: String(r[d] ?? ""), count: numberOf(r.impressions) ?? 0 })).filter((x) => x.value !== "").sort((a, b) => b.count - a.count),
        countText: compact,
        onChange: (next) => go({ chips: { ...v.chips, [d]: next } }),
      }),
    ),
    h("input", { attrs: { type: "search", name: "q", value: v.q, placeholder: `Search ${label(v.by[0] ?? "campaign").toLowerCase()}…`, "aria-label": "Search" }, on: { change: (e) => go({ q: (e.target as HTMLInputElement).value }) } }),
  );
  const col = (key: string) => ({
    key,
    label: metricInfo(s, key)?.label ?? key,
    numeric: true,
    value: (x: Row) => numberOf(x[key]),
    // An estimated reach (and CPMR) states its row's error on hover.
    render: (x: Row) => {
      const text = metricText(metricInfo(s, key), numberOf(x[key]), cur);
      const title = REACH_METRICS.includes(key) ? reachRowTitle(x) : undefined;
      return title ? h("span", { attrs: { title } }, text) : text;
    },
  });
  const grid = dataTable<Row>({
    testId: "explore",
    columns: [...dims.map((d) => ({ key: d, label: label(d), value: (x: Row) => String(x[d] ?? ""), render: (x: Row) => h("span", { class: "name" }, String(x[d] || "(none)")) })), ...v.metrics.map(col)],
    rows: table.rows,
    total: table.total,
    sort: { key: v.sort, desc: v.desc },
    onSort: (x) => {
      v.sort = x.key;
      v.desc = x.desc;
      rememberInUrl(hashOf("explore", s, paramsOf(v)));
    },
    csv: `cpi-${s.from}-${s.to}${cur ? `-${cur}` : ""}.csv`,
  });
  const chartBox = h("div", { class: "chart", data: { chart: "explore" } });
  const info = metricInfo(s, v.chart);
  replace(
    root,
    h("h1", null, "Explore"),
    h("p", { class: "sub" }, `${s.from} – ${s.to}${cur ? ` · amounts in ${cur}` : ""} · ${table.rows.length} row${table.rows.length === 1 ? "" : "s"}; the totals row divides the sums (not an average of the rows).`),
    shape,
    chips,
    v.grain
      ? h(
          "section",
          null,
          h("div", { class: "form-row" }, field("Chart", select(v.metrics.map((m) => [m, metricInfo(s, m)?.label ?? m] as [string, string]), v.chart, (chart) => go({ chart }), { name: "chart" }))),
          h("h2", null, `${info?.label ?? v.chart} by ${v.grain}, this period and the one before (${prev.from} – ${prev.to})`),
          chartBox,
          chartNow && REACH_METRICS.includes(v.chart) ? reachEstimateNote(chartNow) : null,
        )
      : null,
    grid,
    reachEstimateNote(table),
    table.warnings.length ? h("ul", { class: "warnings" }, table.warnings.map((w) => h("li", null, w))) : null,
    h("h2", null, "Saved views"),
    // A saved list changed: draw the view again (the address is the same, so no hashchange comes).
    savedViewsPanel(
      () => location.hash,
      () => window.dispatchEvent(new HashChangeEvent("hashchange")),
    ),
  );
  if (chartNow && chartBefore) {
    const shift = daysBetween(s.from, s.to) * 86_400_000;
    const points = (r: Row[], series: string, by: number) =>
      r.flatMap((x) => {
        const d = dayOf(String(x[v.grain] ?? "").split("..")[0]);
        const value = numberOf(x[v.chart]);
        return d && value !== null ? [{ date: new Date(d.getTime() + by), actual: d, value, series }] : [];
      });
    const data = [...points(chartBefore.rows, "previous period", shift), ...points(chartNow.rows, "this period", 0)];
    const format = info?.unit === "money" ? (x: number) => money(x, cur, info.decimals) : (x: number) => metricText(info, x, cur);
    replace(chartBox, data.length ? lineChart(chartBox, data, { label: info?.label ?? v.chart, format, dashed: "previous period" }) : h("p", { class: "empty" }, "No rows in this period"));
  }
}
