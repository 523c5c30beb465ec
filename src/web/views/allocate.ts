// The allocator: move the budget slider, see the recommended split against today's and why money moved.
import { get } from "../api.js";
import { barChart } from "../charts.js";
import { debounce, errorBox, field, h, replace, select } from "../dom.js";
import { count, money, unitCost } from "../format.js";
import { numberOf, report } from "../query.js";
import { type AppState, daysBetween, hashOf, type Route, rememberInUrl } from "../state.js";
import { type Why, whyText } from "./allocate-why.js";

interface Allocation {
  objective: string;
  budget: number;
  days: number;
  currency: string | null;
  result: { status: string; message?: string; gain: number | null };
  per_period: { channel: string; spend: number; today: number | null; value: number; today_value: number | null; why: Why }[];
  skipped: string[];
  /** Channels beyond the spend their curves were fitted on: shown beside the plan. */
  extrapolation: { channel: string; message: string }[];
  warnings: string[];
}

export async function allocateView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const objectives = ["impressions", "clicks", "conversions", "reach"];
  const asked = route.params.get("objective") ?? "";
  const v = { budget: Number(route.params.get("budget") ?? 0), objective: objectives.includes(asked) ? asked : "impressions", days: 30 };
  if (!(v.budget > 0)) {
    // Start from what the period spent, per 30 days.
    const spent = numberOf((await report(s, { metrics: ["cost"] })).total?.cost) ?? 0;
    v.budget = Math.max(1000, Math.round(((spent / daysBetween(s.from, s.to)) * v.days) / 1000) * 1000);
  }
  const out = h("div");
  const label = h("output", { attrs: { for: "budget" }, data: { testid: "budget" } }, money(v.budget, s.currency, 0));
  const slider = h("input", { attrs: { id: "budget", name: "budget", type: "range", min: 1000, max: Math.max(300000, v.budget * 3), step: 1000, value: v.budget }, on: {
      input: () => {
        v.budget = Number(slider.value);
        label.textContent = money(v.budget, s.currency, 0);
        run();
      },
    },
  });
  const run = debounce(async () => {
    // The budget and the objective stay in the address: a reload or a shared link shows the same split.
    if (!rememberInUrl(hashOf("allocate", s, { budget: String(v.budget), objective: v.objective }))) return;
    out.classList.add("busy");
    try {
      const a = await get<Allocation>("/api/allocate", { budget: v.budget, days: v.days, objective: v.objective, from: s.from, to: s.to, currency: s.currency });
      show(a);
    } catch (e) {
      replace(out, errorBox(e));
    } finally {
      out.classList.remove("busy");
    }
  }, 200);
  const show = (a: Allocation) => {
    // The reasons speak of the table's amounts (over the period), as money like the table.
    const currency = a.currency ?? s.currency;
    const fmt = { amount: (x: number) => money(x, currency, 0), unitCost: (x: number) => unitCost(x, currency) };
    const chart = h("div", { class: "chart", data: { chart: "allocation" } });
    replace(
      out,
      h("p", { class: "verdict" }, `${a.result.status}${a.result.message ? ` — ${a.result.message}` : ""}`),
      chart,
      h("div", { class: "table-wrap" }, h("table", { class: "data", data: { testid: "allocation" } }, h("thead", null, h("tr", null, ["Channel", "Today", "Recommended", `${a.objective} today`, `${a.objective} then`].map((x, i) => h("th", i ? { class: "num" } : null, x)))), h("tbody", null, a.per_period.map((p) => h("tr", null, h("td", null, p.channel), h("td", { class: "num" }, money(p.today, s.currency, 0)), h("td", { class: "num" }, money(p.spend, s.currency, 0)), h("td", { class: "num" }, count(p.today_value)), h("td", { class: "num" }, count(p.value))))))),
      h("ul", { class: "reasons", data: { testid: "reasons" } }, a.per_period.map((p) => h("li", null, h("strong", null, p.channel), `: ${whyText(p.why, a.objective, fmt)}`))),
      a.skipped.length ? h("p", { class: "hint" }, `Left out (too little daily history): ${a.skipped.join(", ")}`) : null,
      a.extrapolation.length || a.warnings.length ? h("ul", { class: "warnings", data: { testid: "allocation-warnings" } }, [...a.extrapolation.map((e) => e.message), ...a.warnings].map((w) => h("li", null, w))) : null,
    );
    chart.replaceChildren(barChart(chart, a.per_period.flatMap((p) => [{ key: p.channel, series: "today", value: p.today ?? 0 }, { key: p.channel, series: "recommended", value: p.spend }]), { label: `spend over ${a.days} days`, format: (x) => money(x, s.currency, 0) }));
  };
  replace(
    root,
    h("h1", null, "Budget allocator"),
    h("p", { class: "sub" }, `Split a budget over ${v.days} days across sources on their fitted response curves (history: the period picked above).`),
    h("div", { class: "form-row" }, field("Budget", h("span", { class: "slider" }, slider, label)), field("Objective", select(objectives, v.objective, (x) => {
          v.objective = x;
          run();
        }, { name: "objective" }))),
    out,
  );
  run();
}
