// A sortable, filterable table: click a header to sort (again to reverse), type to filter rows; a
// totals row; the rows as shown exported as CSV.
import { type Cell, csvText } from "./csv.js";
import { type Child, h, replace } from "./dom.js";

export interface Column<R> {
  key: string;
  label: string;
  /** The value sorted on (numbers sort numerically, nulls last). */
  value: (r: R) => string | number | null;
  /** What the cell shows (default: the value as text). */
  render?: (r: R) => Child;
  numeric?: boolean;
  /** What the CSV holds (default: the value); false leaves the column out of it (a sparkline). */
  csv?: ((r: R) => Cell) | false;
}

export interface TableOptions<R> {
  columns: Column<R>[];
  rows: R[];
  /** Initial sort. */
  sort?: { key: string; desc: boolean };
  /** Shows a filter box over the rows' text in these columns. */
  filterKeys?: string[];
  onRowClick?: (r: R) => void;
  /** Called when the user sorts (to keep the sort in the URL). */
  onSort?: (sort: { key: string; desc: boolean }) => void;
  footer?: Child[];
  /** The totals row (the API's ratio of sums), shown under the rows; "Total" goes in the first column. */
  total?: R | null;
  /** Offers the rows as shown (filtered, sorted, with the totals) as a CSV file of this name. */
  csv?: string;
  caption?: string;
  testId?: string;
}

/** Rows sorted on a column: numbers numerically, text by the locale, nulls last either way. */
function sorted<R>(rows: R[], col: Column<R>, desc: boolean): R[] {
  const dir = desc ? -1 : 1;
  return rows.sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
  });
}

/** The table with its controls. */
export function dataTable<R>(o: TableOptions<R>): HTMLElement {
  let sort = o.sort ?? null;
  let filter = "";
  let shown: R[] = [];
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
    o.onSort?.(sort);
  };
  const cellProps = (c: Column<R>) => ({ ...(c.numeric ? { class: "num" } : {}), data: { key: c.key } });
  const draw = () => {
    const f = filter.trim().toLowerCase();
    let rows = f ? o.rows.filter((r) => (o.filterKeys ?? []).some((k) => String(o.columns.find((c) => c.key === k)?.value(r) ?? "").toLowerCase().includes(f))) : [...o.rows];
    const col = sort && o.columns.find((c) => c.key === sort?.key);
    if (sort && col) rows = sorted(rows, col, sort.desc);
    shown = rows;
    for (const th of heads) th.setAttribute("aria-sort", sort && th.dataset.key === sort.key ? (sort.desc ? "descending" : "ascending") : "none");
    replace(
      tbody,
      rows.map((r) =>
        h(
          "tr",
          o.onRowClick ? { class: "clickable", attrs: { tabindex: 0 }, on: { click: () => o.onRowClick?.(r), keydown: (e) => e.key === "Enter" && o.onRowClick?.(r) } } : null,
          o.columns.map((c) => h("td", cellProps(c), c.render ? c.render(r) : String(c.value(r) ?? "—"))),
        ),
      ),
    );
    if (rows.length === 0) replace(tbody, h("tr", null, h("td", { class: "empty", attrs: { colspan: o.columns.length } }, "No rows")));
  };
  draw();
  const total = o.total;
  const footer = total ? o.columns.map((c, i) => h("td", cellProps(c), i === 0 ? "Total" : c.numeric ? (c.render ? c.render(total) : String(c.value(total) ?? "—")) : "")) : o.footer;
  const tfoot = footer ? h("tfoot", null, h("tr", null, footer)) : null;
  const table = h("table", { class: "data", data: o.testId ? { testid: o.testId } : {} }, o.caption ? h("caption", null, o.caption) : null, h("thead", null, h("tr", null, heads)), tbody, tfoot);
  const box = h("input", {
    attrs: { type: "search", placeholder: "Filter…", "aria-label": "Filter rows" },
    on: {
      input: () => {
        filter = box.value;
        draw();
        // The totals are those of every row: hidden while the filter hides some.
        if (tfoot && total) tfoot.hidden = filter.trim() !== "";
      },
    },
  });
  const exportCsv = () => {
    const cols = o.columns.filter((c) => c.csv !== false);
    const cell = (c: Column<R>, r: R) => (c.csv ? c.csv(r) : c.value(r));
    const rows: Cell[][] = shown.map((r) => cols.map((c) => cell(c, r)));
    // The totals are those of every row: left out while the text filter hides some.
    if (total && !filter.trim()) rows.push(cols.map((c, i) => (i === 0 ? "Total" : c.numeric ? cell(c, total) : "")));
    download(o.csv as string, csvText(cols.map((c) => c.label), rows));
  };
  const tools = [o.filterKeys?.length ? box : null, o.csv ? h("button", { attrs: { type: "button" }, data: { testid: "export-csv" }, on: { click: exportCsv } }, "Export CSV") : null].filter((x) => x !== null);
  return h("div", { class: "table-block" }, tools.length ? h("div", { class: "table-tools" }, tools) : null, h("div", { class: "table-wrap" }, table));
}

/** Saves text as a file through a temporary blob: link (nothing leaves the browser). */
export function download(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob(["\ufeff", text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
