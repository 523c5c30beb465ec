// Reach and frequency: first-party unique reach per campaign, the frequency distribution, platform reach.
import { ApiError, get } from "../api.js";
import { barChart } from "../charts.js";
import { errorBox, h, loading, replace } from "../dom.js";
import { count, money } from "../format.js";
import type { AppState } from "../state.js";

interface ReachAnswer {
  dimensions: string[];
  tracked: { keys: string[]; impressions: number; reach: number | null; average_frequency: number | null; cost: number; cost_per_thousand_reached: number | null; frequency: { label?: string; frequency?: number; people?: number; share?: number }[]; k_plus: Record<string, number | null> }[];
  error_bound: { note: string };
  platform: { source: string; level: string; campaign: string; from: string; to: string; reach: number; impressions: number; frequency: number | null }[];
  warnings: string[];
}

export async function reachView(root: HTMLElement, s: AppState): Promise<void> {
  const out = h("div");
  replace(root, h("h1", null, "Reach & frequency"), h("p", { class: "sub" }, "Unique people from first-party tracking (visitor keys rotate daily); platform-reported reach at its own level, never summed."), out);
  replace(out, loading());
  try {
    const r = await get<ReachAnswer>("/api/reach", { by: "campaign", from: s.from, to: s.to, currency: s.currency });
    const chart = h("div", { class: "chart", data: { chart: "frequency" } });
    replace(
      out,
      r.tracked.length
        ? [
            h("p", { class: "hint" }, r.error_bound.note),
            h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("thead", null, h("tr", null, ["Campaign", "Impressions", "Reach", "Avg frequency", "3+", "Cost / 1000 reached"].map((x, i) => h("th", i ? { class: "num" } : null, x)))), h("tbody", null, r.tracked.map((t) => h("tr", null, h("td", null, t.keys.join(" · ") || "(none)"), h("td", { class: "num" }, count(t.impressions)), h("td", { class: "num" }, count(t.reach)), h("td", { class: "num" }, count(t.average_frequency, 2)), h("td", { class: "num" }, count(t.k_plus["3+"] ?? null)), h("td", { class: "num" }, money(t.cost_per_thousand_reached, s.currency, 2))))))),
            h("h2", null, `Frequency distribution: ${r.tracked[0]?.keys.join(" · ") ?? ""}`),
            chart,
          ]
        : null,
      r.platform.length ? [h("h2", null, "Platform-reported reach"), h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("tbody", null, r.platform.map((x) => h("tr", null, h("td", null, x.source), h("td", null, x.campaign), h("td", null, `${x.from} – ${x.to}`), h("td", { class: "num" }, count(x.reach)), h("td", { class: "num" }, count(x.frequency, 2)))))))] : null,
      r.warnings.length ? h("ul", { class: "warnings" }, r.warnings.map((w) => h("li", null, w))) : null,
    );
    const f = r.tracked[0]?.frequency ?? [];
    if (f.length) chart.replaceChildren(barChart(chart, f.map((b, i) => ({ key: String(b.label ?? b.frequency ?? i + 1), value: Number(b.people ?? 0) })), { label: "people" }));
  } catch (e) {
    if (e instanceof ApiError && e.code === "no_data") replace(out, h("p", { class: "empty" }, "No reach data in this period: track impressions with 'cpi serve' (see 'cpi snippet'), or import reports that carry reach."));
    else replace(out, errorBox(e));
  }
}
