// Pacing: a flight's spend to date against its elapsed days, the projected end spend, the daily spend
// that lands on budget.
import { get } from "../api.js";
import { errorBox, field, h, loading, replace, select } from "../dom.js";
import { money, percent } from "../format.js";
import { numberOf, report } from "../query.js";
import { type AppState, hashOf, type Route } from "../state.js";

interface Pacing {
  as_of: string;
  elapsed_days: number;
  total_days: number;
  elapsed_share: number;
  spent_share: number;
  spend_to_date: number;
  expected_spend_to_date: number;
  daily_rate: number;
  projected_end_spend: number;
  projected_over_budget: number;
  required_daily_spend: number | null;
  remaining_days: number;
  message: string;
  status: string;
  currency: string | null;
  budget: number;
}

/**
 * The verdict in words, amounts formatted for the browser's locale and the currency (the API's
 * `message` is the CLI's plain-number text). Every amount is in currency units; `m` formats one.
 */
export function pacingHeadline(x: Pacing, m: (amount: number) => string, flightStart: string): string {
  const budget = m(x.budget);
  const land = x.required_daily_spend === null ? "the flight is over" : `spend ${m(x.required_daily_spend)} a day to land on it`;
  switch (x.status) {
    case "not-started":
      return `The flight starts on ${flightStart}`;
    case "overspent":
      return `Already ${m(x.spend_to_date - x.budget)} over the budget of ${budget}`;
    case "overspending":
      return `On course to spend ${m(x.projected_end_spend)}, ${m(x.projected_over_budget)} over the budget of ${budget}; ${land}`;
    case "underspending":
      return x.remaining_days === 0
        ? `The flight ended with ${m(x.budget - x.spend_to_date)} of the budget of ${budget} unspent`
        : `On course to spend ${m(x.projected_end_spend)}, ${m(-x.projected_over_budget)} under the budget of ${budget}; ${land}`;
    case "on-track":
      return `On course to spend ${m(x.projected_end_spend)} of ${budget}`;
    default:
      return x.message;
  }
}

export async function pacingView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const p = route.params;
  const campaigns = (await report(s, { metrics: ["cost"], dimensions: ["campaign"] })).rows.sort((a, b) => (numberOf(b.cost) ?? 0) - (numberOf(a.cost) ?? 0)).map((r) => String(r.campaign));
  const v = { campaign: p.get("campaign") ?? campaigns[0] ?? "", budget: p.get("budget") ?? "5000", fl_from: p.get("fl_from") ?? s.from, fl_to: p.get("fl_to") ?? s.to };
  const out = h("div");
  const input = (name: keyof typeof v, type: string) => h("input", { attrs: { name, type, value: v[name] }, on: { change: (e) => (v[name] = (e.target as HTMLInputElement).value) } });
  replace(
    root,
    h("h1", null, "Pacing"),
    h(
      "form",
      { class: "form-row", on: { submit: (e) => {
          e.preventDefault();
          location.hash = hashOf("pacing", s, v);
        }, } },
      field("Campaign", select(campaigns, v.campaign, (x) => (v.campaign = x), { name: "campaign" })),
      field("Budget", input("budget", "number")),
      field("Flight from", input("fl_from", "date")),
      field("to", input("fl_to", "date")),
      h("button", { attrs: { type: "submit" } }, "Check"),
    ),
    out,
  );
  if (!v.campaign) return;
  replace(out, loading());
  try {
    const x = await get<Pacing>("/api/pacing", { campaign: v.campaign, budget: v.budget, from: v.fl_from, to: v.fl_to, currency: s.currency });
    const m = (amount: number | null) => money(amount, x.currency, 2);
    const bar = (label: string, share: number) => h("div", { class: "bar-row" }, h("span", null, label), h("div", { class: "bar" }, h("div", { class: "fill", style: { width: `${Math.min(100, Math.max(0, share * 100)).toFixed(1)}%` } })), h("span", { class: "num" }, percent(share, 0)));
    replace(
      out,
      h("p", { class: `verdict ${x.status}`, data: { testid: "pacing-verdict", status: x.status } }, pacingHeadline(x, m, v.fl_from)),
      bar("Flight elapsed", x.elapsed_share),
      bar("Budget spent", x.spent_share),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "As of"), h("dd", null, `${x.as_of} (day ${x.elapsed_days} of ${x.total_days})`),
        h("dt", null, "Spent to date"), h("dd", null, `${m(x.spend_to_date)} (even pacing: ${m(x.expected_spend_to_date)})`),
        h("dt", null, "Daily rate"), h("dd", null, `${m(x.daily_rate)} (mean of the last 7 days)`),
        h("dt", null, "Projected end spend"), h("dd", null, m(x.projected_end_spend)),
        h("dt", null, "To land on budget"), h("dd", null, x.required_daily_spend === null ? "—" : `${m(x.required_daily_spend)} a day for ${x.remaining_days} days`),
      ),
    );
  } catch (e) {
    replace(out, errorBox(e));
  }
}
