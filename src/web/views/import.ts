// Import: drop report files on the page (or pick them), see what cpi detected — platform, rows, issues —
// from a dry run, then confirm to import them for real (that write needs a token).
import { ApiError, getToken, setToken, upload } from "../api.js";
import { errorBox, field, h, loading, replace } from "../dom.js";
import { count } from "../format.js";
import type { AppState } from "../state.js";

interface FileResult {
  file: string;
  source: string;
  format: string;
  rows: number;
  replaced_rows: number;
  skipped: { line: number; column?: string; message: string }[];
  warnings: string[];
}
interface ImportAnswer {
  dry_run: boolean;
  files: FileResult[];
}

/** The token form: where writes get their bearer token. */
export function tokenForm(onSaved: () => void): HTMLElement {
  const input = h("input", { attrs: { type: "password", name: "token", placeholder: "cpi_…", autocomplete: "off", value: getToken() ?? "" } });
  return h(
    "form",
    { class: "token-form", on: { submit: (e) => {
          e.preventDefault();
          setToken(input.value || null);
          onSaved();
        }, } },
    field("API token", input, "Writes need a token: run 'cpi token create dashboard' and paste what it prints. It is kept in this browser only."),
    h("button", { attrs: { type: "submit" } }, "Save token"),
  );
}

export async function importView(root: HTMLElement, s: AppState): Promise<void> {
  let files: File[] = [];
  const opts = { currency: "", timezone: "", skip: false };
  const preview = h("div", { class: "preview", data: { testid: "preview" } });
  const input = h("input", { attrs: { type: "file", multiple: true, accept: ".csv,.tsv,.txt,.xlsx,.zip", name: "files" }, on: { change: () => choose([...(input.files ?? [])]) } });
  const zone = h(
    "div",
    {
      class: "dropzone",
      attrs: { tabindex: 0, role: "button", "aria-label": "Drop report files here or choose them" },
      on: {
        dragover: (e) => {
          e.preventDefault();
          zone.classList.add("over");
        },
        dragleave: () => zone.classList.remove("over"),
        drop: (e) => {
          e.preventDefault();
          zone.classList.remove("over");
          choose([...(e.dataTransfer?.files ?? [])]);
        },
        click: () => input.click(),
        keydown: (e) => (e.key === "Enter" || e.key === " ") && input.click(),
      },
    },
    h("strong", null, "Drop report files here"),
    h("span", null, " or click to choose them — Google Ads, Meta, LinkedIn, Microsoft Ads exports or a generic CSV"),
  );
  const params = () => ({ ...(opts.currency ? { currency: opts.currency } : {}), ...(opts.timezone ? { timezone: opts.timezone } : {}) });
  const choose = (fs: File[]) => {
    files = fs;
    if (files.length) void check();
  };
  const check = async () => {
    replace(preview, loading("Checking…"));
    try {
      const a = await upload<ImportAnswer>("/api/imports", files, { ...params(), dry_run: true, skip_invalid: true });
      showPreview(a);
    } catch (e) {
      replace(preview, errorBox(e));
    }
  };
  const confirm = async () => {
    replace(preview, loading("Importing…"));
    try {
      const a = await upload<ImportAnswer>("/api/imports", files, { ...params(), ...(opts.skip ? { skip_invalid: true } : {}) });
      const rows = a.files.reduce((n, f) => n + f.rows, 0);
      replace(preview, h("div", { class: "ok", attrs: { role: "status" }, data: { testid: "imported" } }, `Imported ${count(rows)} rows from ${a.files.length} file${a.files.length > 1 ? "s" : ""}`, a.files.some((f) => f.replaced_rows) ? ` (replacing ${count(a.files.reduce((n, f) => n + f.replaced_rows, 0))} rows of the same windows)` : "", "."));
      files = [];
      // Every view (in this tab and the others) reads the store again, without a reload.
      window.dispatchEvent(new Event("cpi:data-changed"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) replace(preview, errorBox(e), tokenForm(() => void confirm()));
      else replace(preview, errorBox(e));
    }
  };
  const showPreview = (a: ImportAnswer) => {
    const issues = a.files.reduce((n, f) => n + f.skipped.length, 0);
    const skipBox = h("input", { attrs: { type: "checkbox", name: "skip_invalid", checked: opts.skip }, on: { change: () => (opts.skip = skipBox.checked) } });
    replace(
      preview,
      h("h2", null, "What cpi found (nothing imported yet)"),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data", data: { testid: "detected" } },
          h("thead", null, h("tr", null, ["File", "Platform", "Format", "Rows", "Issues"].map((x, i) => h("th", i >= 3 ? { class: "num" } : null, x)))),
          h("tbody", null, a.files.map((f) => h("tr", null, h("td", null, f.file), h("td", { data: { field: "source" } }, f.source), h("td", null, f.format), h("td", { class: "num", data: { field: "rows" } }, count(f.rows)), h("td", { class: "num" }, count(f.skipped.length))))),
        ),
      ),
      a.files.flatMap((f) => [
        f.skipped.length ? h("ul", { class: "issues" }, f.skipped.slice(0, 50).map((x) => h("li", null, `${f.file}:${x.line}${x.column ? `, column '${x.column}'` : ""}: ${x.message}`))) : null,
        f.warnings.length ? h("ul", { class: "warnings" }, f.warnings.map((w) => h("li", null, `${f.file}: ${w}`))) : null,
      ]),
      issues ? h("label", { class: "check" }, skipBox, ` Import the good rows and skip the ${count(issues)} bad one${issues > 1 ? "s" : ""} (otherwise nothing is imported)`) : null,
      h("div", { class: "actions" }, h("button", { class: "primary", data: { testid: "confirm-import" }, on: { click: () => void confirm() } }, "Import"), h("button", { on: {
              click: () => {
                replace(preview);
                files = [];
              },
            },
          }, "Cancel")),
    );
  };
  replace(
    root,
    h("h1", null, "Import"),
    h("p", { class: "sub" }, "Re-importing a report replaces what the store held for the same source, account and campaigns over its dates: the same file twice changes nothing."),
    zone,
    input,
    h(
      "div",
      { class: "form-row" },
      field("Currency", h("input", { attrs: { name: "currency", placeholder: "e.g. USD", size: 8 }, on: { change: (e) => (opts.currency = (e.target as HTMLInputElement).value.trim()) } })),
      field("Time zone", h("input", { attrs: { name: "timezone", placeholder: "e.g. Europe/Berlin", size: 16 }, on: { change: (e) => (opts.timezone = (e.target as HTMLInputElement).value.trim()) } })),
    ),
    preview,
    s.session.can_write ? null : h("details", { class: "token-details" }, h("summary", null, "API token"), tokenForm(() => location.reload())),
  );
}
