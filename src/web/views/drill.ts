// Drill-down: source → account → campaign → ad group → ad → placement (or country, device), the same
// metrics at every level. The path is in the URL in the order it was taken
// (#/drill?source=meta&campaign=…&next=placement); a campaign alone may start it. A level that holds
// only "(none)" (a campaign without ad groups) is passed through to the next one, and `next` lets the
// user pick which level comes next. A "(none)" row is kept in the path as an empty value, and matched
// as "none of its siblings" (the API takes no empty filter value).
import { field, h, replace, select } from "../dom.js";
import { metricText } from "../format.js";
import { eq, numberOf, report } from "../query.js";
import { type AppState, hashOf, metricInfo, type Route } from "../state.js";
import { dataTable } from "../table.js";
import type { Filter, Row } from "../types.js";

export const LEVELS = ["source", "account", "campaign", "ad_group", "ad", "placement"] as const;
/** Every level a path may hold: the hierarchy, then the breakdowns. */
const DIMS = [...LEVELS, "country", "device"] as const;
export const LEVEL_LABEL: Record<string, string> = { source: "Source", account: "Account", campaign: "Campaign", ad_group: "Ad group", ad: "Ad", placement: "Placement", country: "Country", device: "Device" };
const METRICS = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "conversions", "cpa"];
/** The most sibling values a "(none)" row can be told apart from (the API's filter limit). */
const MAX_SIBLINGS = 100;

type Step = readonly [string, string];

/** The filter for one step of the path: an exact value, or "(none)" as none of the level's other values. */
async function stepFilter(s: AppState, before: Filter[], [level, value]: Step): Promise<Filter | null> {
  if (value !== "") return eq(level, value);
  const others = (await report(s, { metrics: ["impressions"], dimensions: [level], filters: before })).rows.map((r) => String(r[level] ?? "")).filter((v) => v !== "");
  if (others.length === 0) return null; // only "(none)" here: no filter needed
  if (others.length > MAX_SIBLINGS) throw new Error(`"(none)" at ${LEVEL_LABEL[level]} cannot be told apart from its ${others.length} siblings: pick a narrower path`);
  return { dimension: level, op: "neq", values: others };
}

export async function drillView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const chosen: Step[] = [...route.params.entries()].filter(([k]) => (DIMS as readonly string[]).includes(k)).map(([k, v]) => [k, v] as const);
  const used = new Set(chosen.map(([l]) => l));
  const filters: Filter[] = [];
  for (const step of chosen) {
    const f = await stepFilter(s, filters, step);
    if (f) filters.push(f);
  }
  const deepest = Math.max(-1, ...chosen.map(([l]) => LEVELS.indexOf(l as (typeof LEVELS)[number])));
  const remaining = DIMS.filter((d) => !used.has(d) && (LEVELS.indexOf(d as (typeof LEVELS)[number]) > deepest || !(LEVELS as readonly string[]).includes(d)));
  const picked = route.params.get("next");
  // Pass through levels that hold only "(none)" unless the user picked the level.
  let level: string = picked && remaining.includes(picked as (typeof DIMS)[number]) ? picked : (remaining[0] ?? "placement");
  const skipped: string[] = [];
  let r = await report(s, { metrics: METRICS, dimensions: [level], filters });
  while (!picked && r.rows.length === 1 && (r.rows[0]?.[level] ?? "") === "") {
    const after = remaining[remaining.indexOf(level as (typeof DIMS)[number]) + 1];
    if (!after) break;
    skipped.push(level);
    level = after;
    r = await report(s, { metrics: METRICS, dimensions: [level], filters });
  }
  const below = remaining.filter((d) => d !== level && !skipped.includes(d));
  const atBottom = below.length === 0;
  const cur = r.currency;
  const pathTo = (n: number) => Object.fromEntries(chosen.slice(0, n));
  const crumbs = h(
    "nav",
    { class: "crumbs", attrs: { "aria-label": "Drill-down path" } },
    h("a", { attrs: { href: hashOf("drill", s) } }, "All sources"),
    chosen.map(([l, v], i) => [" › ", h("a", { attrs: { href: hashOf("drill", s, pathTo(i + 1), true) }, data: { level: l } }, h("span", { class: "crumb-level" }, `${LEVEL_LABEL[l]}: `), v || "(none)")]),
    skipped.map((l) => [" › ", h("span", { data: { skipped: l }, attrs: { title: "only (none) at this level: passed through" } }, h("span", { class: "crumb-level" }, `${LEVEL_LABEL[l]}: `), "(none)")]),
  );
  const col = (key: string) => ({ key, label: metricInfo(s, key)?.label ?? key, numeric: true, value: (x: Row) => numberOf(x[key]), render: (x: Row) => metricText(metricInfo(s, key), numberOf(x[key]), cur) });
  const total = r.total;
  const table = dataTable<Row>({
    testId: "drill",
    columns: [{ key: level, label: LEVEL_LABEL[level] ?? level, value: (x) => String(x[level] ?? ""), render: (x) => h("span", { class: "name" }, String(x[level] || "(none)")) }, ...METRICS.map(col)],
    rows: r.rows,
    sort: { key: "cost", desc: true },
    filterKeys: [level],
    ...(atBottom ? {} : { onRowClick: (x: Row) => (location.hash = hashOf("drill", s, { ...pathTo(chosen.length), [level]: String(x[level] ?? "") }, true)) }),
    total,
    csv: `cpi-${level}-${s.from}-${s.to}${cur ? `-${cur}` : ""}.csv`,
  });
  const options = [level, ...below].map((d) => [d, LEVEL_LABEL[d] ?? d] as [string, string]);
  const pick = field(
    "Break down by",
    select(options, level, (d) => (location.hash = hashOf("drill", s, { ...pathTo(chosen.length), next: d }, true)), { name: "next" }),
  );
  replace(
    root,
    h("h1", null, "Drill-down"),
    crumbs,
    h("div", { class: "form-row" }, pick),
    h("p", { class: "sub" }, `By ${LEVEL_LABEL[level]?.toLowerCase()} · ${s.from} – ${s.to}${cur ? ` · ${cur}` : ""}${atBottom ? "" : " · click a row to go down a level"}`),
    table,
    r.warnings.length ? h("ul", { class: "warnings" }, r.warnings.map((w) => h("li", null, w))) : null,
  );
}
