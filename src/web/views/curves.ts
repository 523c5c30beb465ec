// Response curves: impressions against daily spend per channel, the fitted curve and today's spend.
import { get } from "../api.js";
import { curveChart } from "../charts.js";
import { errorBox, field, h, loading, replace, select } from "../dom.js";
import { count, money } from "../format.js";
import { type AppState, hashOf, type Route } from "../state.js";

export interface ChannelCurve {
  channel: string;
  days: number;
  impressions_curve: { model: string; formula: string; r2: number } | null;
  spend_range: { min: number; max: number } | null;
  today_spend: number;
  today: { cpm: number; marginal_cpm: number } | null;
  observed: { spend: number; impressions: number }[];
  curve: { spend: number; impressions: number; low: number; high: number }[];
  warnings: string[];
}

export async function curvesView(root: HTMLElement, s: AppState, route: Route): Promise<void> {
  const by = route.params.get("by") ?? "source";
  const out = h("div", { class: "grid-cards" });
  replace(
    root,
    h("h1", null, "Response curves"),
    h("p", { class: "sub" }, "How impressions respond to daily spend, with diminishing returns; the dashed line is today's spend (mean of the last 7 days). History: the period picked above."),
    h("div", { class: "form-row" }, field("Channel", select(["source", "campaign", "placement"], by, (x) => (location.hash = hashOf("curves", s, { by: x })), { name: "by" }))),
    out,
  );
  replace(out, loading("Fitting…"));
  try {
    const r = await get<{ channels: ChannelCurve[] }>("/api/curves", { by, from: s.from, to: s.to, currency: s.currency });
    const fmt = (v: number) => money(v, s.currency, 0);
    replace(
      out,
      r.channels.map((c) => {
        const box = h("div", { class: "chart", data: { chart: "curve" } });
        const card = h(
          "article",
          { class: "card" },
          h("h2", null, c.channel || "(none)"),
          box,
          c.impressions_curve
            ? h("p", { class: "hint" }, `${c.impressions_curve.model}, R² ${count(c.impressions_curve.r2, 2)} · today ${money(c.today_spend, s.currency, 2)}/day · CPM ${money(c.today?.cpm ?? null, s.currency, 2)} · next 1,000 impressions ${money(c.today?.marginal_cpm ?? null, s.currency, 2)}`)
            : h("p", { class: "empty" }, `Too little daily history (${c.days} days)`),
          c.warnings.length ? h("ul", { class: "warnings" }, c.warnings.map((w) => h("li", null, w))) : null,
        );
        if (c.curve.length) requestAnimationFrame(() => box.replaceChildren(curveChart(box, c, fmt)));
        return card;
      }),
    );
  } catch (e) {
    replace(out, errorBox(e));
  }
}
