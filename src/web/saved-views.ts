// Named saved views: a name and the address of a view (its whole hash: period, grouping, metrics,
// filters, sort), kept in this browser's localStorage under "cpi.views". Nothing is stored on the server.
import { h } from "./dom.js";

const KEY = "cpi.views";

export interface SavedView {
  name: string;
  hash: string;
}

export function loadViews(): SavedView[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? "[]") as unknown;
    return Array.isArray(v) ? v.filter((x): x is SavedView => typeof x?.name === "string" && typeof x?.hash === "string" && x.hash.startsWith("#/")) : [];
  } catch {
    return [];
  }
}

function store(views: SavedView[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(views));
  } catch {
    // storage disabled or full: the list lasts until reload
  }
}

/** Saves (or replaces, by name) a view. */
export function saveView(name: string, hash: string): SavedView[] {
  const views = [...loadViews().filter((v) => v.name !== name), { name, hash }].sort((a, b) => a.name.localeCompare(b.name));
  store(views);
  return views;
}

export function deleteView(name: string): SavedView[] {
  const views = loadViews().filter((v) => v.name !== name);
  store(views);
  return views;
}

/** The saved views as links, a delete button each, and a form to save the current address under a name. */
export function savedViewsPanel(currentHash: () => string, onChange: () => void): HTMLElement {
  const name = h("input", { attrs: { name: "view-name", placeholder: "Name this view", maxlength: 80, "aria-label": "View name" } });
  const views = loadViews();
  return h(
    "section",
    { class: "saved-views", attrs: { "aria-label": "Saved views" } },
    h(
      "form",
      { class: "form-row", on: { submit: (e) => {
            e.preventDefault();
            const n = name.value.trim();
            if (!n) return;
            saveView(n, currentHash());
            onChange();
          }, } },
      name,
      h("button", { attrs: { type: "submit" } }, "Save view"),
    ),
    views.length
      ? h(
          "ul",
          { class: "views", data: { testid: "saved-views" } },
          views.map((v) =>
            h("li", null, h("a", { attrs: { href: v.hash } }, v.name), h("button", { attrs: { type: "button", "aria-label": `Delete saved view ${v.name}` }, on: { click: () => {
                    deleteView(v.name);
                    onChange();
                  }, } }, "×")),
          ),
        )
      : h("p", { class: "hint" }, "Saved views are kept in this browser."),
  );
}
