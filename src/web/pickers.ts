// Controls that shape a table: an ordered list of chosen items (group-by dimensions, metrics) with
// move and remove buttons and an "add" menu; filter chips with a multi-select list of values and their
// counts. Each reports the new choice; the caller puts it in the URL.
import { h } from "./dom.js";

/** Chosen items in order, each movable left/right and removable, plus a menu to add one more. */
export function orderedPicker(o: { name: string; label: string; chosen: readonly string[]; options: readonly string[]; labelOf: (v: string) => string; min?: number; onChange: (next: string[]) => void }): HTMLElement {
  const chosen = [...o.chosen];
  const move = (i: number, d: number) => {
    const next = [...chosen];
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x as string);
    o.onChange(next);
  };
  const left = o.options.filter((x) => !chosen.includes(x));
  const add = h(
    "select",
    { attrs: { name: `add-${o.name}`, "aria-label": `Add to ${o.label.toLowerCase()}` }, on: { change: () => add.value && o.onChange([...chosen, add.value]) } },
    h("option", { attrs: { value: "" } }, "+ add"),
    left.map((x) => h("option", { attrs: { value: x } }, o.labelOf(x))),
  );
  return h(
    "div",
    { class: "picker", data: { picker: o.name } },
    h("span", { class: "picker-label" }, o.label),
    h(
      "ol",
      { class: "picked" },
      chosen.map((x, i) =>
        h(
          "li",
          { class: "pick", data: { value: x } },
          h("button", { attrs: { type: "button", "aria-label": `Move ${o.labelOf(x)} left`, disabled: i === 0 }, data: { act: "left" }, on: { click: () => move(i, -1) } }, "‹"),
          h("span", null, o.labelOf(x)),
          h("button", { attrs: { type: "button", "aria-label": `Move ${o.labelOf(x)} right`, disabled: i === chosen.length - 1 }, data: { act: "right" }, on: { click: () => move(i, 1) } }, "›"),
          h("button", { attrs: { type: "button", "aria-label": `Remove ${o.labelOf(x)}`, disabled: chosen.length <= (o.min ?? 0) }, data: { act: "remove" }, on: { click: () => o.onChange(chosen.filter((_, j) => j !== i)) } }, "×"),
        ),
      ),
    ),
    left.length ? add : null,
  );
}

/**
 * Filter chips for one dimension: the selected values as chips (× removes one), and a list of every
 * value with its count to tick several at once.
 */
export function filterChips(o: { dimension: string; label: string; selected: readonly string[]; values: readonly { value: string; count: number }[]; countText: (n: number) => string; onChange: (next: string[]) => void }): HTMLElement {
  const selected = new Set(o.selected);
  const known = new Map(o.values.map((v) => [v.value, v.count]));
  const all = [...o.values, ...o.selected.filter((v) => !known.has(v)).map((value) => ({ value, count: 0 }))];
  const boxes = all.map((v) =>
    h(
      "label",
      { class: "chip-option" },
      h("input", { attrs: { type: "checkbox", value: v.value, checked: selected.has(v.value) }, on: { change: (e) => {
            const on = (e.target as HTMLInputElement).checked;
            o.onChange(on ? [...o.selected, v.value] : o.selected.filter((x) => x !== v.value));
          }, } }),
      h("span", { class: "chip-value" }, v.value || "(none)"),
      h("span", { class: "count" }, o.countText(v.count)),
    ),
  );
  return h(
    "div",
    { class: "chips", data: { chips: o.dimension } },
    h(
      "details",
      { class: "chip-menu" },
      h("summary", null, `${o.label}${selected.size ? ` (${selected.size})` : ""}`),
      h("div", { class: "chip-list", attrs: { role: "group", "aria-label": `${o.label} values` } }, boxes.length ? boxes : h("span", { class: "hint" }, "none in this period")),
    ),
    o.selected.map((v) =>
      h("span", { class: "chip", data: { value: v } }, v || "(none)", h("button", { attrs: { type: "button", "aria-label": `Remove ${o.label} ${v}` }, on: { click: () => o.onChange(o.selected.filter((x) => x !== v)) } }, "×")),
    ),
  );
}
