// A sortable, filterable table: click a header to sort (again to reverse), type to filter rows.
import { type Child, h, replace } from "./dom.js";

export interface Column<R> {
  key: string;
  label: string;
  /** The value sorted on (numbers sort numerically, nulls last). */
  value: (r: R) => string | number | null;
  /** What the cell shows (default: the value as text). */
  render?: (r: R) => Child;
  numeric?: boolean;
}

export interface TableOptions<R> {
  columns: Column<R>[];
  rows: R[];
  /** Initial sort. */
  sort?: { key: string; desc: boolean };
  /** Shows a filter box over the rows' text in these columns. */
  filterKeys?: string[];
  onRowClick?: (r: R) => void;
  footer?: Child[];
  caption?: string;
  testId?: string;
}

/** The table with its controls. */
export function dataTable<R>(o: TableOptions<R>): HTMLElement {
  let sort = o.sort ?? null;
  let filter = "";
  const tbody = h("tbody");
  const heads = o.columns.map((c) =>
    h(
      "th",
      { class: c.numeric ? "num sortable" : "sortable", attrs: { scope: "col", tabindex: 0, "aria-sort": "none" }, data: { key: c.key }, on: { click: () => sortBy(c.key), keydown: (e) => e.key === "Enter" && sortBy(c.key) } },
      c.label,
    ),
  );
  const sortBy = (key: string) => {
    sort = sort && sort.key === key ? { key, desc: !sort.desc } : { key, desc: o.columns.find((c) => c.key === key)?.numeric ?? false };
    draw();
  };
  const draw = () => {
    const f = filter.trim().toLowerCase();
    let rows = f ? o.rows.filter((r) => (o.filterKeys ?? []).some((k) => String(o.columns.find((c) => c.key === k)?.value(r) ?? "").toLowerCase().includes(f))) : [...o.rows];
    if (sort) {
      const col = o.columns.find((c) => c.key === sort?.key);
      if (col) {
        const dir = sort.desc ? -1 : 1;
        rows = rows.sort((a, b) => {
          const x = col.value(a);
          const y = col.value(b);
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
        });
      }
    }
    for (const th of heads) th.setAttribute("aria-sort", sort && th.dataset.key === sort.key ? (sort.desc ? "descending" : "ascending") : "none");
    replace(
      tbody,
      rows.map((r) =>
        h(
          "tr",
          o.onRowClick ? { class: "clickable", attrs: { tabindex: 0 }, on: { click: () => o.onRowClick?.(r), keydown: (e) => e.key === "Enter" && o.onRowClick?.(r) } } : null,
          o.columns.map((c) => h("td", c.numeric ? { class: "num" } : null, c.render ? c.render(r) : String(c.value(r) ?? "—"))),
        ),
      ),
    );
    if (rows.length === 0) replace(tbody, h("tr", null, h("td", { class: "empty", attrs: { colspan: o.columns.length } }, "No rows")));
  };
  draw();
  const table = h("table", { class: "data", data: o.testId ? { testid: o.testId } : {} }, o.caption ? h("caption", null, o.caption) : null, h("thead", null, h("tr", null, heads)), tbody, o.footer ? h("tfoot", null, h("tr", null, o.footer)) : null);
  const box = h("input", {
    attrs: { type: "search", placeholder: "Filter…", "aria-label": "Filter rows" },
    on: {
      input: () => {
        filter = box.value;
        draw();
      },
    },
  });
  return h("div", { class: "table-block" }, o.filterKeys?.length ? h("div", { class: "table-tools" }, box) : null, h("div", { class: "table-wrap" }, table));
}
