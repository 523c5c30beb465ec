// A/B tests: the arms of a campaign on a metric, lift with its interval as a chart, and the verdict.
import { get } from "../api.js";
import { liftChart } from "../charts.js";
import { errorBox, field, h, loading, replace, select } from "../dom.js";
import { count, money, percent } from "../format.js";
import { numberOf, report } from "../query.js";
import { type AppState, hashOf, metricInfo, type Route } from "../state.js";

interface Analysis {
  metric: string;
  method: string;
  arms: { name: string; units: number; cost: number | null; impressions: number | null; value: number | null }[];
  comparisons: { arm: string; baseline: string; lift: number | null; ci: [number, number] | null; p_value: number | null; chance_to_win: number | null; risk: number | null; verdict: string }[];
  warnings: string[];
}

export async function abtestView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const p = route.params;
  const campaigns = (await report(s, { metrics: ["impressions"], dimensions: ["campaign"] })).rows.sort((a, b) => (numberOf(b.impressions) ?? 0) - (numberOf(a.impressions) ?? 0)).map((r) => String(r.campaign));
  const v = { campaign: p.get("campaign") ?? campaigns[0] ?? "", arms: p.get("arms") ?? "ad", metric: p.get("metric") ?? "cpi", method: p.get("method") ?? "frequentist" };
  const go = () => (location.hash = hashOf("abtest", s, v));
  const out = h("div");
  replace(
    root,
    h("h1", null, "A/B test"),
    h("p", { class: "sub" }, "Is the new creative really cheaper? Arms compared per day with confidence intervals (GrowthBook's engines)."),
    h(
      "form",
      { class: "form-row", on: { submit: (e) => {
          e.preventDefault();
          go();
        }, } },
      field("Campaign", select(campaigns, v.campaign, (x) => (v.campaign = x), { name: "campaign" })),
      field("Arms", select(["ad", "ad_group", "placement", "source"], v.arms, (x) => (v.arms = x), { name: "arms" })),
      field("Metric", select(["cpi", "cpm", "cpc", "cpa", "ctr", "cvr", "roas"], v.metric, (x) => (v.metric = x), { name: "metric" })),
      field("Method", select(["frequentist", "sequential", "bayesian"], v.method, (x) => (v.method = x), { name: "method" })),
      h("button", { attrs: { type: "submit" } }, "Analyse"),
    ),
    out,
  );
  if (!v.campaign) return replace(out, h("p", { class: "empty" }, "No campaign in this period."));
  replace(out, loading());
  try {
    const a = await get<Analysis>("/api/abtest", { campaign: v.campaign, arms: v.arms, metric: v.metric, method: v.method, from: s.from, to: s.to, currency: s.currency });
    const chart = h("div", { class: "chart", data: { chart: "lift" } });
    const isMoney = ["cpi", "cpm", "cpc", "cpa"].includes(a.metric);
    const lowerWins = metricInfo(s, a.metric)?.direction === "lower";
    replace(
      out,
      h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("thead", null, h("tr", null, ["Arm", "Units", "Cost", "Impressions", a.metric.toUpperCase()].map((x, i) => h("th", i ? { class: "num" } : null, x)))), h("tbody", null, a.arms.map((arm) => h("tr", null, h("td", null, arm.name), h("td", { class: "num" }, count(arm.units)), h("td", { class: "num" }, money(arm.cost, s.currency, 2)), h("td", { class: "num" }, count(arm.impressions)), h("td", { class: "num" }, isMoney ? money(arm.value, s.currency, a.metric === "cpi" ? 5 : 2) : percent(arm.value, 2))))))),
      h("h2", null, "Lift against the baseline"),
      h("p", { class: "hint", data: { testid: "lift-direction" } }, lowerWins ? `For ${a.metric.toUpperCase()} a lower value is the win: an arm left of 0 % is cheaper than the baseline.` : `For ${a.metric.toUpperCase()} a higher value is the win: an arm right of 0 % beats the baseline.`),
      chart,
      h("ul", { class: "verdicts" }, a.comparisons.map((c) => h("li", null, c.verdict))),
      a.warnings.length ? h("ul", { class: "warnings" }, a.warnings.map((w) => h("li", null, w))) : null,
    );
    const rows = a.comparisons.filter((c) => c.lift !== null && c.ci).map((c) => ({ arm: c.arm, lift: c.lift as number, low: (c.ci as [number, number])[0], high: (c.ci as [number, number])[1] }));
    if (rows.length) chart.replaceChildren(liftChart(chart, rows, { metric: a.metric.toUpperCase(), lowerWins }));
  } catch (e) {
    replace(out, errorBox(e));
  }
}
