// Compare: two campaigns or two periods side by side, the verdict, what the budget buys, and the
// mix/rate decomposition of the CPI change as a chart.
import { get } from "../api.js";
import { decompositionChart } from "../charts.js";
import { errorBox, field, h, loading, replace, select } from "../dom.js";
import { count, metricText, money, percent } from "../format.js";
import { numberOf, report } from "../query.js";
import { type AppState, hashOf, metricInfo, previousPeriod, type Route } from "../state.js";
import type { Row } from "../types.js";

interface Side extends Row {
  label: string;
}
interface Comparison {
  currency: string | null;
  a: Side;
  b: Side;
  cpi_change: number | null;
  verdict: string;
  budget: { amount: number; impressions_at_a: number | null; impressions_at_b: number | null; extra_impressions: number | null };
  decomposition: { by: string; total_change: number | null; mix: number; rate: number; segments: { segment: string; share_a: number; share_b: number; cpi_a: number | null; cpi_b: number | null; mix: number; rate: number }[] };
  warnings: string[];
}

const SIDE_METRICS = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr"];

export async function compareView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const p = route.params;
  const mode = p.get("mode") === "periods" ? "periods" : "campaigns";
  const campaigns = (await report(s, { metrics: ["impressions"], dimensions: ["campaign"], from: s.extent.first_day ?? s.from, to: s.extent.last_day ?? s.to })).rows
    .sort((x, y) => (numberOf(y.impressions) ?? 0) - (numberOf(x.impressions) ?? 0))
    .map((r) => String(r.campaign));
  const prev = previousPeriod(s.from, s.to);
  const v = {
    a: p.get("a") ?? campaigns[0] ?? "",
    b: p.get("b") ?? campaigns[1] ?? campaigns[0] ?? "",
    vs_from: p.get("vs_from") ?? prev.from,
    vs_to: p.get("vs_to") ?? prev.to,
    by: p.get("by") ?? (mode === "campaigns" ? "source" : "campaign"),
  };
  const go = (extra: Record<string, string>) => {
    location.hash = hashOf("compare", s, { mode, a: v.a, b: v.b, vs_from: v.vs_from, vs_to: v.vs_to, by: v.by, run: "1", ...extra });
  };
  const form = h(
    "form",
    { class: "form-row", on: { submit: (e) => {
        e.preventDefault();
        go({});
      }, } },
    field("Compare", select([["campaigns", "two campaigns"], ["periods", "two periods"]], mode, (m) => go({ mode: m, by: m === "campaigns" ? "source" : "campaign" }), { name: "mode" })),
    mode === "campaigns"
      ? [field("Campaign A", select(campaigns, v.a, (x) => (v.a = x), { name: "a" })), field("vs campaign B", select(campaigns, v.b, (x) => (v.b = x), { name: "b" }))]
      : [
          h("div", { class: "field" }, h("span", { class: "label" }, "Period A"), h("span", { class: "static" }, `${s.from} – ${s.to}`), h("small", null, "the period picked above")),
          field("vs from", h("input", { attrs: { type: "date", name: "vs_from", value: v.vs_from }, on: { change: (e) => (v.vs_from = (e.target as HTMLInputElement).value) } })),
          field("vs to", h("input", { attrs: { type: "date", name: "vs_to", value: v.vs_to }, on: { change: (e) => (v.vs_to = (e.target as HTMLInputElement).value) } })),
        ],
    field("Explain by", select(["source", "account", "campaign", "ad_group", "ad", "placement", "country", "device"], v.by, (x) => (v.by = x), { name: "by" })),
    h("button", { attrs: { type: "submit" } }, "Compare"),
  );
  const out = h("div", { class: "compare-result" });
  replace(root, h("h1", null, "Compare"), h("p", { class: "sub" }, "Is A more cost-efficient than B, and why did CPI move: impressions shifting between segments (mix) or each segment's own CPI (rate)?"), form, out);
  if (p.get("run") !== "1") return;
  replace(out, loading("Comparing…"));
  try {
    const c = await get<Comparison>("/api/compare", {
      ...(mode === "campaigns" ? { campaign: v.a, vs: v.b, from: s.from, to: s.to } : { from: s.from, to: s.to, vs_from: v.vs_from, vs_to: v.vs_to }),
      explain_by: v.by,
      currency: s.currency,
    });
    renderComparison(out, s, c);
  } catch (e) {
    replace(out, errorBox(e));
  }
}

function renderComparison(out: HTMLElement, s: AppState, c: Comparison): void {
  const cur = c.currency;
  const side = (x: Side) => h("tr", null, h("th", { attrs: { scope: "row" } }, x.label), SIDE_METRICS.map((m) => h("td", { class: "num", data: { metric: m } }, metricText(metricInfo(s, m), numberOf(x[m]), cur))));
  const sides = h("table", { class: "data", data: { testid: "sides" } }, h("thead", null, h("tr", null, h("th", null, ""), SIDE_METRICS.map((m) => h("th", { class: "num" }, metricInfo(s, m)?.label ?? m)))), h("tbody", null, side(c.a), side(c.b)));
  const b = c.budget;
  const buys =
    b.impressions_at_a !== null && b.impressions_at_b !== null
      ? `${money(b.amount, cur, 2)} buys ${count(b.impressions_at_a)} impressions at ${c.a.label}'s CPI and ${count(b.impressions_at_b)} at ${c.b.label}'s${b.extra_impressions !== null ? ` (${count(Math.abs(b.extra_impressions))} ${b.extra_impressions >= 0 ? "more" : "fewer"})` : ""}.`
      : "";
  const d = c.decomposition;
  const chartBox = h("div", { class: "chart", data: { chart: "decomposition" } });
  const m5 = (v: number | null) => money(v, cur, 5);
  replace(
    out,
    sides,
    h("p", { class: "verdict", data: { testid: "verdict" } }, `${c.a.label} vs ${c.b.label}: ${c.verdict}`),
    buys ? h("p", null, buys) : "",
    d.total_change === null
      ? h("p", { class: "hint" }, "No decomposition: one side has no impressions.")
      : [
          h("h2", null, `Why CPI moved by ${m5(d.total_change)}: mix ${m5(d.mix)} + rate ${m5(d.rate)} (by ${d.by})`),
          chartBox,
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "data", data: { testid: "decomposition" } },
              h("thead", null, h("tr", null, [d.by, "share A", "share B", "CPI A", "CPI B", "mix", "rate"].map((x, i) => h("th", i ? { class: "num" } : null, x)))),
              h(
                "tbody",
                null,
                d.segments.map((g) => h("tr", null, h("td", null, g.segment || "(none)"), h("td", { class: "num" }, percent(g.share_a, 1)), h("td", { class: "num" }, percent(g.share_b, 1)), h("td", { class: "num" }, money(g.cpi_a, cur, 4)), h("td", { class: "num" }, money(g.cpi_b, cur, 4)), h("td", { class: "num" }, m5(g.mix)), h("td", { class: "num" }, m5(g.rate)))),
              ),
            ),
          ),
        ],
    c.warnings.length ? h("ul", { class: "warnings" }, c.warnings.map((w) => h("li", null, w))) : "",
  );
  if (d.total_change !== null) chartBox.replaceChildren(decompositionChart(chartBox, d.segments, m5));
}
