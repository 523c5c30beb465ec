// The header controls every view shares: a date range with presets and the reporting currency.
import { field, h, replace, select } from "./dom.js";
import { type AppState, presets } from "./state.js";

export function renderControls(el: HTMLElement, s: AppState, apply: (p: { from: string; to: string; currency: string }) => void): void {
  const first = s.extent.first_day ?? s.from;
  const last = s.extent.last_day ?? s.to;
  const ps = presets(last, first);
  const current = ps.find((p) => p.from === s.from && p.to === s.to)?.id ?? "custom";
  const from = h("input", { attrs: { type: "date", name: "from", value: s.from, min: first, max: last, "aria-label": "From" } });
  const to = h("input", { attrs: { type: "date", name: "to", value: s.to, min: first, max: last, "aria-label": "To" } });
  const change = () => {
    if (from.value && to.value && from.value <= to.value) apply({ from: from.value, to: to.value, currency: s.currency });
  };
  from.addEventListener("change", change);
  to.addEventListener("change", change);
  const preset = select(
    [...ps.map((p) => [p.id, p.label] as [string, string]), ["custom", "Custom"]],
    current,
    (id) => {
      const p = ps.find((x) => x.id === id);
      if (p) apply({ from: p.from, to: p.to, currency: s.currency });
    },
    { name: "preset", "aria-label": "Period" },
  );
  const currencies = [...new Set([...s.extent.currencies, ...s.extent.fx.map((f) => f.currency), ...s.extent.fx.map((f) => f.base)])].sort();
  const cur = select(currencies.length ? currencies : [s.currency], s.currency, (c) => apply({ from: s.from, to: s.to, currency: c }), { name: "currency", "aria-label": "Reporting currency" });
  replace(el, field("Period", preset), h("span", { class: "range" }, from, h("span", { class: "dash" }, "–"), to), field("Currency", cur));
}
