// Overview: spend, impressions, CPI, CPM, CTR for the period against the previous one; CPI and spend
// over time; every campaign with a sparkline, sortable and filterable.
import { lineChart, sparkline } from "../charts.js";
import { h, replace } from "../dom.js";
import { change, compact, metricText, money } from "../format.js";
import { dayOf, numberOf, report } from "../query.js";
import { type AppState, daysBetween, hashOf, metricInfo, previousPeriod } from "../state.js";
import { dataTable } from "../table.js";
import type { Row } from "../types.js";

const KPIS = ["cost", "impressions", "cpi", "cpm", "ctr"] as const;
const KPI_LABEL: Record<string, string> = { cost: "Spend", impressions: "Impressions", cpi: "CPI", cpm: "CPM", ctr: "CTR" };
const TABLE_METRICS = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "conversions", "cpa"];

function kpiCard(s: AppState, name: string, now: number | null, before: number | null): HTMLElement {
  const m = metricInfo(s, name);
  const rel = now !== null && before !== null && before !== 0 ? now / before - 1 : null;
  const good = rel === null || m?.direction === "none" ? "" : (rel < 0) === (m?.direction === "lower") ? "good" : "bad";
  return h(
    "div",
    { class: "kpi", data: { metric: name, value: now === null ? "" : String(now) } },
    h("div", { class: "kpi-label" }, KPI_LABEL[name] ?? name),
    h("div", { class: "kpi-value" }, metricText(m, now, s.currency)),
    h("div", { class: `kpi-change ${good}`, attrs: { title: `previous period: ${metricText(m, before, s.currency)}` } }, rel === null ? "no previous data" : `${change(rel)} vs previous`),
  );
}

export async function overviewView(root: HTMLElement, s: AppState): Promise<void> {
  const prev = previousPeriod(s.from, s.to);
  const [now, before, daily, prevDaily, campaigns, campaignDays] = await Promise.all([
    report(s, { metrics: [...KPIS, "clicks"] }),
    report(s, { metrics: [...KPIS, "clicks"], from: prev.from, to: prev.to }),
    report(s, { metrics: ["cost", "impressions", "cpi"], dimensions: ["day"] }),
    report(s, { metrics: ["cost", "impressions", "cpi"], dimensions: ["day"], from: prev.from, to: prev.to }),
    report(s, { metrics: TABLE_METRICS, dimensions: ["campaign"] }),
    report(s, { metrics: ["cost", "cpi"], dimensions: ["campaign", "day"] }),
  ]);
  const cur = now.currency;
  const kpis = h("section", { class: "kpis", attrs: { "aria-label": "Headline numbers" } }, KPIS.map((k) => kpiCard(s, k, numberOf(now.total?.[k]), numberOf(before.total?.[k]))));
  const days = daily.rows.map((r) => ({ date: dayOf(r.day), r })).filter((x): x is { date: Date; r: Row } => x.date !== null);
  const cpiBox = h("div", { class: "chart", data: { chart: "cpi" } });
  const spendBox = h("div", { class: "chart", data: { chart: "spend" } });
  const spark = new Map<string, (number | null)[]>();
  const dayIndex = new Map(days.map((d, i) => [d.r.day as string, i]));
  for (const r of campaignDays.rows) {
    const i = dayIndex.get(String(r.day));
    if (i === undefined) continue;
    const name = String(r.campaign);
    const arr = spark.get(name) ?? Array.from({ length: days.length }, () => null);
    arr[i] = numberOf(r.cpi);
    spark.set(name, arr);
  }
  const col = (key: string) => ({
    key,
    label: metricInfo(s, key)?.label ?? key,
    numeric: true,
    value: (r: Row) => numberOf(r[key]),
    render: (r: Row) => metricText(metricInfo(s, key), numberOf(r[key]), cur),
  });
  const table = dataTable<Row>({
    testId: "campaigns",
    columns: [
      { key: "campaign", label: "Campaign", value: (r) => String(r.campaign ?? ""), render: (r) => h("span", { class: "name" }, String(r.campaign || "(none)")) },
      ...TABLE_METRICS.map(col),
      { key: "trend", label: "CPI trend", value: () => null, csv: false, render: (r) => sparkline(spark.get(String(r.campaign)) ?? [], `CPI per day of ${String(r.campaign)}`) },
    ],
    rows: campaigns.rows,
    sort: { key: "cost", desc: true },
    filterKeys: ["campaign"],
    total: campaigns.total,
    csv: `cpi-campaigns-${s.from}-${s.to}${cur ? `-${cur}` : ""}.csv`,
    onRowClick: (r) => {
      location.hash = hashOf("drill", s, { campaign: String(r.campaign ?? "") });
    },
  });
  replace(
    root,
    h("h1", null, "Overview"),
    h("p", { class: "sub" }, `${s.from} – ${s.to} vs ${prev.from} – ${prev.to}${cur ? ` · amounts in ${cur}` : ""}`),
    kpis,
    h("section", { class: "charts two" }, h("div", null, h("h2", null, "CPI per day"), cpiBox), h("div", null, h("h2", null, "Spend per day"), spendBox)),
    h("section", null, h("h2", null, "Campaigns"), h("p", { class: "hint" }, "Click a campaign to drill down; click a header to sort."), table),
    [...now.warnings, ...daily.warnings].length ? h("ul", { class: "warnings" }, [...new Set([...now.warnings, ...daily.warnings])].map((w) => h("li", null, w))) : null,
  );
  const fmtMoney = (d: number) => (v: number) => money(v, cur, d);
  // The previous period drawn under this one: its day i at this period's day i.
  const shift = daysBetween(s.from, s.to);
  const series = (pick: (r: Row) => number) => [
    ...prevDaily.rows.flatMap((r) => {
      const d = dayOf(r.day);
      return d ? [{ date: new Date(d.getTime() + shift * 86_400_000), actual: d, value: pick(r), series: "previous period" }] : [];
    }),
    ...days.map((d) => ({ date: d.date, value: pick(d.r), series: "this period" })),
  ];
  const draw = (box: HTMLElement, label: string, pick: (r: Row) => number, format: (v: number) => string) =>
    replace(box, days.length ? lineChart(box, series(pick), { label, format, dashed: "previous period" }) : h("p", { class: "empty" }, "No daily rows in this period"));
  draw(cpiBox, "CPI", (r) => numberOf(r.cpi) ?? Number.NaN, fmtMoney(4));
  draw(spendBox, "Spend", (r) => numberOf(r.cost) ?? 0, (v) => (cur ? money(v, cur, 0) : compact(v)));
}
