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

/** Campaigns by impressions, largest first, over a period. */
async function campaignsOver(s: AppState, from: string, to: string): Promise<string[]> {
  return (await report(s, { metrics: ["impressions"], dimensions: ["campaign"], from, to })).rows
    .filter((r) => (numberOf(r.impressions) ?? 0) > 0)
    .sort((x, y) => (numberOf(y.impressions) ?? 0) - (numberOf(x.impressions) ?? 0))
    .map((r) => String(r.campaign));
}

/** The days from the first to the last on which any of the campaigns had impressions. */
async function spanOf(s: AppState, campaigns: string[]): Promise<{ from: string; to: string } | null> {
  const r = await report(s, { metrics: ["impressions"], dimensions: ["day"], filters: [{ dimension: "campaign", op: "eq", values: campaigns }], from: s.extent.first_day ?? s.from, to: s.extent.last_day ?? s.to });
  const days = r.rows.filter((x) => (numberOf(x.impressions) ?? 0) > 0).flatMap((x) => String(x.day).split(".."));
  if (days.length === 0) return null;
  days.sort();
  return { from: days[0] as string, to: days[days.length - 1] as string };
}

/** A campaign picker: the period's campaigns, then the others (picking one widens the period). */
function campaignSelect(name: string, inPeriod: string[], others: string[], value: string, onChange: (v: string) => void): HTMLSelectElement {
  const opt = (c: string) => h("option", { attrs: { value: c, selected: c === value } }, c);
  const el = h(
    "select",
    { attrs: { name }, on: { change: () => onChange(el.value) } },
    h("optgroup", { attrs: { label: "In this period" } }, inPeriod.map(opt)),
    others.length ? h("optgroup", { attrs: { label: "Not in this period (widens it)" } }, others.map(opt)) : null,
  );
  el.value = value;
  return el;
}

export async function compareView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const p = route.params;
  const mode = p.get("mode") === "periods" ? "periods" : "campaigns";
  // The campaigns the period holds come first: those are the ones a comparison over it can use.
  const [campaigns, all] = await Promise.all([campaignsOver(s, s.from, s.to), campaignsOver(s, s.extent.first_day ?? s.from, s.extent.last_day ?? s.to)]);
  const others = all.filter((c) => !campaigns.includes(c));
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
      ? [field("Campaign A", campaignSelect("a", campaigns, others, v.a, (x) => (v.a = x))), field("vs campaign B", campaignSelect("b", campaigns, others, v.b, (x) => (v.b = x)))]
      : [
          h("div", { class: "field" }, h("span", { class: "label" }, "Period A"), h("span", { class: "static" }, `${s.from} – ${s.to}`), h("small", null, "the period picked above")),
          field("vs from", h("input", { attrs: { type: "date", name: "vs_from", value: v.vs_from }, on: { change: (e) => (v.vs_from = (e.target as HTMLInputElement).value) } })),
          field("vs to", h("input", { attrs: { type: "date", name: "vs_to", value: v.vs_to }, on: { change: (e) => (v.vs_to = (e.target as HTMLInputElement).value) } })),
        ],
    field("Explain by", select(["source", "account", "campaign", "ad_group", "ad", "placement", "country", "device"], v.by, (x) => (v.by = x), { name: "by" })),
    h("button", { attrs: { type: "submit" } }, "Compare"),
  );
  const out = h("div", { class: "compare-result" });
  const widened = p.get("widened");
  replace(
    root,
    h("h1", null, "Compare"),
    h("p", { class: "sub" }, "Is A more cost-efficient than B, and why did CPI move: impressions shifting between segments (mix) or each segment's own CPI (rate)?"),
    form,
    widened ? h("p", { class: "note", data: { testid: "widened" } }, `${widened} had no impressions in the period picked: it now covers ${s.from} – ${s.to}, the days both campaigns ran.`) : null,
    mode === "campaigns" && campaigns.length < 2 ? h("p", { class: "hint" }, `This period holds ${campaigns.length === 0 ? "no campaign" : "one campaign"} with impressions; pick another period or a campaign from the list to widen it.`) : null,
    out,
  );
  if (p.get("run") !== "1") return;
  if (mode === "campaigns") {
    // A campaign the period does not hold: widen the period to the days both campaigns ran.
    const missing = [v.a, v.b].filter((c) => c && !campaigns.includes(c));
    if (missing.length && !widened) {
      const span = await spanOf(s, [v.a, v.b]);
      if (span && (span.from < s.from || span.to > s.to)) {
        const wide = { from: [span.from, s.from].sort()[0] as string, to: [span.to, s.to].sort()[1] as string };
        location.hash = hashOf("compare", { ...s, ...wide }, { mode, a: v.a, b: v.b, by: v.by, run: "1", widened: missing.join(" and ") });
        return;
      }
    }
  }
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
  const sides = h("div", { class: "table-wrap" }, h("table", { class: "data", data: { testid: "sides" } }, h("thead", null, h("tr", null, h("th", null, ""), SIDE_METRICS.map((m) => h("th", { class: "num" }, metricInfo(s, m)?.label ?? m)))), h("tbody", null, side(c.a), side(c.b))));
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
