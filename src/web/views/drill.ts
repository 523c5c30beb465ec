// Drill-down: source → account → campaign → ad group → ad → placement, the same metrics at every level.
// The chosen path is in the URL (#/drill?source=meta&campaign=…); a campaign alone may start it.
import { h, replace } from "../dom.js";
import { metricText } from "../format.js";
import { eq, numberOf, report } from "../query.js";
import { type AppState, hashOf, metricInfo, type Route } from "../state.js";
import { dataTable } from "../table.js";
import type { Filter, Row } from "../types.js";

export const LEVELS = ["source", "account", "campaign", "ad_group", "ad", "placement"] as const;
const LEVEL_LABEL: Record<string, string> = { source: "Source", account: "Account", campaign: "Campaign", ad_group: "Ad group", ad: "Ad", placement: "Placement" };
const METRICS = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "conversions", "cpa"];

export async function drillView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const chosen = LEVELS.filter((l) => route.params.has(l)).map((l) => [l, route.params.get(l) ?? ""] as const);
  const deepest = Math.max(-1, ...chosen.map(([l]) => LEVELS.indexOf(l)));
  const level = LEVELS[Math.min(deepest + 1, LEVELS.length - 1)] as string;
  const atBottom = deepest === LEVELS.length - 1;
  const filters: Filter[] = chosen.map(([l, v]) => eq(l, v));
  const r = await report(s, { metrics: METRICS, dimensions: [level], filters });
  const cur = r.currency;
  const path = (upTo: number) => Object.fromEntries(chosen.filter(([l]) => LEVELS.indexOf(l) <= upTo));
  const crumbs = h(
    "nav",
    { class: "crumbs", attrs: { "aria-label": "Drill-down path" } },
    h("a", { attrs: { href: hashOf("drill", s) } }, "All sources"),
    chosen.map(([l, v]) => [" › ", h("a", { attrs: { href: hashOf("drill", s, path(LEVELS.indexOf(l))) }, data: { level: l } }, h("span", { class: "crumb-level" }, `${LEVEL_LABEL[l]}: `), v || "(none)")]),
  );
  const col = (key: string) => ({ key, label: metricInfo(s, key)?.label ?? key, numeric: true, value: (x: Row) => numberOf(x[key]), render: (x: Row) => metricText(metricInfo(s, key), numberOf(x[key]), cur) });
  const total = r.total;
  const table = dataTable<Row>({
    testId: "drill",
    columns: [{ key: level, label: LEVEL_LABEL[level] ?? level, value: (x) => String(x[level] ?? ""), render: (x) => h("span", { class: "name" }, String(x[level] || "(none)")) }, ...METRICS.map(col)],
    rows: r.rows,
    sort: { key: "cost", desc: true },
    filterKeys: [level],
    ...(atBottom ? {} : { onRowClick: (x: Row) => (location.hash = hashOf("drill", s, { ...path(deepest), [level]: String(x[level] ?? "") })) }),
    ...(total ? { footer: [h("td", null, "Total"), ...METRICS.map((m) => h("td", { class: "num" }, metricText(metricInfo(s, m), numberOf(total[m]), cur)))] } : {}),
  });
  replace(
    root,
    h("h1", null, "Drill-down"),
    crumbs,
    h("p", { class: "sub" }, `By ${LEVEL_LABEL[level]?.toLowerCase()} · ${s.from} – ${s.to}${cur ? ` · ${cur}` : ""}${atBottom ? "" : " · click a row to go down a level"}`),
    table,
    r.warnings.length ? h("ul", { class: "warnings" }, r.warnings.map((w) => h("li", null, w))) : null,
  );
}
