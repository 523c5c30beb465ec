// Alerts: what fires on the last checked day (from `cpi alerts check` or `cpi serve --alerts-every`),
// a check on demand that sends nothing, and the rules: enable, disable, delete, draft, preview, create.
import { ApiError, get, post } from "../api.js";
import { errorBox, h, loading, replace } from "../dom.js";
import type { AppState } from "../state.js";
import { type Rule, ruleEditor, rulesTable } from "./alert-rules.js";

interface Alert {
  rule: string;
  scope_label: string;
  since: string;
  message: string;
  deliveries?: { webhook: string; notice?: string; state?: string; status?: string }[];
}

function list(alerts: Alert[], testId: string): HTMLElement {
  if (alerts.length === 0) return h("p", { class: "empty", data: { testid: testId } }, "Nothing fires.");
  return h(
    "ul",
    { class: "alerts", data: { testid: testId } },
    alerts.map((a) =>
      h("li", null, h("strong", null, a.scope_label || "(whole scope)"),
        ` — ${a.message}`,
        h("small", null, ` (rule ${a.rule}, since ${a.since}${a.deliveries?.length ? `; ${a.deliveries.filter((d) => d.notice !== "resolved").map((d) => `${d.webhook}: ${d.state ?? d.status}`).join(", ")}` : ""})`),
      ),
    ),
  );
}

export async function alertsView(root: HTMLElement, s: AppState): Promise<void> {
  const out = h("div");
  const checked = h("div");
  const manage = h("section", { class: "rules", attrs: { "aria-label": "Rules" } });
  replace(
    root,
    h("h1", null, "Alerts"),
    h("p", { class: "sub" }, "Draft a rule below, preview what it would have raised on the period picked above, then create it; 'cpi serve --alerts-every 15m' checks the rules and posts new alerts to your webhooks."),
    out,
    checked,
    manage,
  );
  replace(out, loading());
  try {
    const [active, rules] = await Promise.all([get<{ day: string | null; checked_at: string | null; alerts: Alert[] }>("/api/alerts"), get<{ rules: Rule[] }>("/api/alerts/rules")]);
    const run = async () => {
      replace(checked, loading("Checking…"));
      try {
        const r = await post<{ day: string; fired: Alert[]; errors: { rule: string; message: string }[] }>("/api/alerts/check", {}, { dry_run: true });
        replace(checked, h("h2", null, `A check of ${r.day} now (nothing recorded or sent)`), list(r.fired, "dry-run"), r.errors.length ? h("ul", { class: "warnings" }, r.errors.map((e) => h("li", null, `${e.rule}: ${e.message}`))) : null);
      } catch (e) {
        replace(checked, errorBox(e));
      }
    };
    replace(
      out,
      h("h2", null, active.day ? `Firing on ${active.day} (checked ${active.checked_at ?? ""})` : "No check has run yet"),
      list(active.alerts, "active"),
      h("p", { class: "hint" }, `${rules.rules.length} rule${rules.rules.length === 1 ? "" : "s"}: ${rules.rules.map((r) => `${r.id} (${r.kind}${r.metric ? ` ${r.metric}` : ""})`).join(", ") || "none yet"}`),
      rules.rules.length ? h("button", { on: { click: () => void run() } }, "Check now without sending") : null,
    );
    const status = h("div", { attrs: { "aria-live": "polite" }, data: { testid: "rules-status" } });
    // After a change the whole view is read again (the rules, what fires), keeping the status line.
    const changed = () => {
      const kept = [...status.childNodes];
      void alertsView(root, s).then(() => root.querySelector('[data-testid="rules-status"]')?.replaceChildren(...kept));
    };
    replace(manage, h("h2", null, "Rules"), status, rulesTable(rules.rules, status, changed), h("h2", null, "New rule"), ruleEditor(s, status, changed));
  } catch (e) {
    if (e instanceof ApiError && e.code === "alerts_off") replace(out, h("p", { class: "empty" }, "Alerts are not set up on this server."));
    else replace(out, errorBox(e));
  }
}
