// Alert rules from the page: the rules with their state and Enable / Disable / Delete, and a form that
// drafts a rule, previews it on past data (POST /api/alerts/backtest with the draft: nothing saved,
// recorded or sent) and creates it (POST /api/alerts/rules, which needs a token, as every change here).
import { ApiError, del, post } from "../api.js";
import { errorBox, field, h, loading, replace, select } from "../dom.js";
import { count } from "../format.js";
import type { AppState } from "../state.js";
import { tokenForm } from "./import.js";

export interface Rule {
  id: string;
  kind: string;
  metric?: string | null;
  enabled?: boolean;
  operator?: string;
  value?: number;
  direction?: string;
  score?: number;
  by?: string | string[];
  where?: string | string[];
}

interface Backtest {
  from: string;
  to: string;
  days: number;
  rules: { rule: string; scopes: number; alerts: number; days_firing: number }[];
  alerts: { scope_label: string; since: string; until: string; days: number; message: string }[];
}

const KINDS: [string, string][] = [
  ["threshold", "threshold: a metric crosses a value"],
  ["anomaly", "anomaly: unusual against its own history"],
  ["zero-delivery", "zero delivery: stops delivering"],
];
const EXTRA_METRICS = ["invalid_rate", "discrepancy"];
const DIMENSIONS = ["", "source", "account", "campaign", "ad_group", "ad", "placement", "country", "device"];

/** What a rule watches, in words. */
export function ruleSummary(r: Rule): string {
  const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : (v ?? ""));
  const what =
    r.kind === "threshold" ? `${r.metric} ${r.operator ?? ">"} ${r.value}` : r.kind === "anomaly" ? `${r.metric} unusual (${r.direction ?? "both"} ways, score ${r.score ?? 3})` : r.kind === "zero-delivery" ? "stops delivering" : r.kind;
  const by = list(r.by);
  const where = list(r.where);
  return `${what}${by ? ` per ${by}` : ""}${where ? ` where ${where}` : ""}`;
}

/** Runs a write; on a missing or refused token shows the token form under `out` and retries once it is saved. */
async function write(out: HTMLElement, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) replace(out, errorBox(e), tokenForm(() => void write(out, run)));
    else replace(out, errorBox(e));
  }
}

/** The rules table with a button per action (before the description: in view on a phone). `changed` redraws the panel. */
export function rulesTable(rules: Rule[], out: HTMLElement, changed: () => void): HTMLElement {
  if (rules.length === 0) return h("p", { class: "empty", data: { testid: "rules" } }, "No rule yet: draft one below.");
  const act = (label: string, testid: string, run: () => Promise<unknown>) =>
    h("button", { attrs: { type: "button" }, data: { act: testid }, on: { click: () => void write(out, async () => {
            await run();
            changed();
          }), } }, label);
  const row = (r: Rule) => {
    const on = r.enabled !== false;
    const path = `/api/alerts/rules/${encodeURIComponent(r.id)}`;
    const remove = h("button", { attrs: { type: "button" }, data: { act: "delete" } }, "Delete");
    // Deleting asks once more in place (no browser dialog): a second click confirms.
    remove.addEventListener("click", () => {
      if (remove.dataset.armed) void write(out, async () => {
          await del(path);
          changed();
        });
      else {
        remove.dataset.armed = "1";
        remove.textContent = "Really delete?";
        remove.classList.add("danger");
      }
    });
    return h(
      "tr",
      { data: { rule: r.id } },
      h("td", null, h("span", { class: "name" }, r.id)),
      h("td", { data: { field: "state" } }, on ? "on" : "off"),
      h("td", { class: "actions-cell" }, on ? act("Disable", "disable", () => post(`${path}/disable`, {})) : act("Enable", "enable", () => post(`${path}/enable`, {})), remove),
      h("td", null, ruleSummary(r)),
    );
  };
  return h("div", { class: "table-wrap" }, h("table", { class: "data", data: { testid: "rules" } }, h("thead", null, h("tr", null, ["Rule", "State", "", "Watches"].map((x) => h("th", null, x)))), h("tbody", null, rules.map(row))));
}

/** The draft form: preview on the period picked above, then create. */
export function ruleEditor(s: AppState, out: HTMLElement, created: () => void): HTMLElement {
  const d = { kind: "threshold", metric: "cpi", operator: ">", value: "", direction: "up", score: "3", by: "campaign", where: "", id: "" };
  const preview = h("div", { data: { testid: "preview" } });
  const metrics = [...s.catalogue.metrics.map((m) => m.name), ...EXTRA_METRICS];
  const input = (name: keyof typeof d, attrs: Record<string, string> = {}) =>
    h("input", { attrs: { name: `rule-${name}`, value: d[name], ...attrs }, on: { input: (e) => (d[name] = (e.target as HTMLInputElement).value) } });
  const kindFields = h("span", { class: "form-row inline" });
  const drawKind = () =>
    replace(
      kindFields,
      d.kind === "threshold" ? [field("Is", select([">", ">=", "<", "<="], d.operator, (x) => (d.operator = x), { name: "rule-operator" })), field("Value", input("value", { inputmode: "decimal", size: "8", placeholder: "0.05" }), "a rate as a share: 0.1 = 10 %")] : null,
      d.kind === "anomaly" ? [field("Direction", select(["up", "down", "both"], d.direction, (x) => (d.direction = x), { name: "rule-direction" })), field("Score", input("score", { inputmode: "decimal", size: "4" }))] : null,
    );
  drawKind();
  /** The rule as the API takes it; empty fields left out so the server's defaults apply. */
  const body = (): Record<string, unknown> => {
    const num = (v: string) => (v.trim() === "" ? undefined : Number(v));
    return Object.fromEntries(
      Object.entries({
        kind: d.kind,
        metric: d.kind === "zero-delivery" ? undefined : d.metric,
        operator: d.kind === "threshold" ? d.operator : undefined,
        value: d.kind === "threshold" ? num(d.value) : undefined,
        direction: d.kind === "anomaly" ? d.direction : undefined,
        score: d.kind === "anomaly" ? num(d.score) : undefined,
        by: d.by || undefined,
        where: d.where.trim() ? d.where.split(";").map((x) => x.trim()).filter(Boolean) : undefined,
        id: d.id.trim() || undefined,
      }).filter(([, v]) => v !== undefined),
    );
  };
  const runPreview = async () => {
    replace(preview, loading("Judging every day of the period…"));
    try {
      const rule = body();
      delete rule.id;
      const b = await post<Backtest>("/api/alerts/backtest", { from: s.from, to: s.to, rule });
      const sum = b.rules[0];
      replace(
        preview,
        h("h3", null, `On ${b.from} – ${b.to} (${b.days} days) this rule would have raised ${count(sum?.alerts ?? 0)} alert${sum?.alerts === 1 ? "" : "s"}, firing on ${count(sum?.days_firing ?? 0)} scope-days of ${count(sum?.scopes ?? 0)} scope${sum?.scopes === 1 ? "" : "s"}. Nothing was saved or sent.`),
        b.alerts.length ? h("ul", { class: "alerts" }, b.alerts.slice(0, 100).map((a) => h("li", null, h("strong", null, a.scope_label || "(whole scope)"), ` — ${a.message}`, h("small", null, ` (${a.since}${a.until !== a.since ? ` – ${a.until}` : ""}, ${a.days} day${a.days === 1 ? "" : "s"})`)))) : null,
      );
    } catch (e) {
      replace(preview, errorBox(e));
    }
  };
  const create = () =>
    write(out, async () => {
      const r = await post<Rule>("/api/alerts/rules", body());
      replace(out, h("div", { class: "ok", attrs: { role: "status" }, data: { testid: "rule-saved" } }, `Rule ${r.id} created: ${ruleSummary(r)}.`));
      created();
    });
  return h(
    "form",
    { class: "rule-editor", on: { submit: (e) => {
          e.preventDefault();
          void runPreview();
        }, } },
    h(
      "div",
      { class: "form-row" },
      field("Kind", select(KINDS, d.kind, (x) => {
          d.kind = x;
          drawKind();
        }, { name: "rule-kind" })),
      field("Metric", select(metrics, d.metric, (x) => (d.metric = x), { name: "rule-metric" })),
      kindFields,
      field("Per", select(DIMENSIONS.map((x) => [x, x || "(whole scope)"] as [string, string]), d.by, (x) => (d.by = x), { name: "rule-by" })),
      field("Where", input("where", { placeholder: "source=meta; campaign~launch", size: "22" }), "filters as for cpi report, ';' between them"),
      field("Name", input("id", { placeholder: "(default: kind-metric)", size: "16", maxlength: "64" })),
    ),
    h("div", { class: "actions" }, h("button", { attrs: { type: "submit" }, data: { testid: "preview-rule" } }, "Preview on past data"), h("button", { attrs: { type: "button" }, class: "primary", data: { testid: "create-rule" }, on: { click: () => void create() } }, "Create rule")),
    preview,
  );
}
