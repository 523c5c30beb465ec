// How `cpi alerts` shows rules, webhooks and a check's results as tables.
import { type AlertRule, type AlertsConfig, activeSilence, alertRuleJson, type CheckOutcome, DISCREPANCY_METRIC, type FiredAlert, type ScopeEvaluation } from "../../app/alerts/index.js";
import { METRICS } from "../../domain/metrics.js";
import { formatCount, formatMetric, formatPercent } from "../render/format.js";
import { renderTable } from "../render/table.js";

/** A webhook URL without its secret part: the origin and "/…". */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    // protocol and host only: the path, query and credentials may be the secret (a Slack token, an SMTP password)
    const origin = `${u.protocol}//${u.host}`;
    return u.pathname.length > 1 || u.search ? `${origin}/…` : origin;
  } catch {
    return "(invalid URL)";
  }
}

/** What a rule watches, in a few words. */
export function ruleCondition(r: AlertRule): string {
  switch (r.kind) {
    case "anomaly":
      return `${r.metric} ${r.direction === "both" ? "up or down" : r.direction} ≥ ${r.score} σ${r.min_effect > 0 ? ` and ≥ ${formatPercent(r.min_effect, 0)}` : ""} vs ${r.weeks} weeks by weekday; ≥ ${formatCount(r.min_impressions)} impr.`;
    case "threshold":
      if (r.metric === DISCREPANCY_METRIC) {
        return `|tracked − reported| ÷ reported ${r.operator} ${formatPercent(r.value)}${r.min_impressions > 0 ? `; ≥ ${formatCount(r.min_impressions)} reported impr.` : ""}`;
      }
      return `${r.metric} ${r.operator} ${r.value}${r.min_impressions > 0 ? `; ≥ ${formatCount(r.min_impressions)} impr.` : ""}`;
    case "zero-delivery":
      return `${r.metric} = 0 where it usually delivers ≥ ${formatCount(r.min_expected)}`;
    case "pacing":
      return `${r.budget} ${r.currency} over ${r.from} … ${r.to}, ${r.watch === "both" ? "over- or underspend" : r.watch} beyond ${formatPercent(r.tolerance, 0)} (from day ${r.grace_days + 1})`;
  }
}

/** The rules file as `cpi alerts list --format json` and the API show it: destinations without their URL's secret parts or signing secret. */
export function rulesJson(config: AlertsConfig) {
  return {
    rules: config.rules.map(alertRuleJson),
    webhooks: config.webhooks.map((w) => ({
      name: w.name,
      format: w.format,
      url: redactUrl(w.url),
      signed: w.format !== "email" && w.secret !== undefined,
      ...(w.to ? { to: w.to } : {}),
      ...(w.from ? { from: w.from } : {}),
    })),
    silences: config.silences,
    delivery: { expire_after: config.delivery?.expire_after ?? "7d" },
  };
}

/** The rules, destinations and silences of a config as tables. */
export function renderRules(config: AlertsConfig, configPath: string, now: Date): string {
  const { rules, webhooks, silences } = config;
  const out: string[] = [`Rules in ${configPath}`, ""];
  if (rules.length === 0) out.push("(none yet: cpi alerts add --kind anomaly --metric cpi --by campaign)\n");
  else {
    out.push(
      renderTable(
        ["Id", "Kind", "Scope", "By", "Condition", "Sent to"],
        rules.map((r) => [
          r.enabled === false ? `${r.id} (off)` : activeSilence(silences, r.id, {}, now) ? `${r.id} (silenced)` : r.id,
          r.kind,
          r.where.join(", ") || "everything",
          r.by.join(",") || "—",
          ruleCondition(r),
          r.webhooks?.join(",") ?? (webhooks.length > 0 ? "all" : "—"),
        ]),
      ),
    );
  }
  out.push("Destinations", "");
  if (webhooks.length === 0) out.push("(none: alerts are printed and recorded only; add one with cpi alerts webhook add URL)\n");
  else {
    out.push(
      renderTable(
        ["Name", "Format", "URL", "Signed"],
        webhooks.map((w) => [w.name, w.format === "email" ? `email to ${(w.to ?? []).join(", ")}` : w.format, redactUrl(w.url), w.format === "email" ? "—" : w.secret ? "yes" : "no (cpi alerts webhook secret)"]),
      ),
    );
  }
  if (silences.length > 0) {
    out.push("Snoozed and muted", "");
    out.push(
      renderTable(
        ["Id", "Rule", "Scope", "Until", "Note"],
        silences.map((x) => [
          x.id,
          x.rule,
          Object.entries(x.scope).map(([d, v]) => `${d}=${v}`).join(", ") || "every scope",
          x.until === null ? "— (muted)" : Date.parse(x.until) <= now.getTime() ? `${x.until} (over)` : x.until,
          x.note ?? "",
        ]),
      ),
    );
  }
  return out.join("\n");
}

/** A discrepancy threshold's limit is on the gap's size, either way. */
function isGapLimit(e: ScopeEvaluation): boolean {
  return e.rule.kind === "threshold" && e.rule.metric === DISCREPANCY_METRIC;
}

function value(e: ScopeEvaluation, v: number | null, baseline = false): string {
  if (v === null) return "—";
  if (e.rule.kind === "pacing") return formatCount(v, 2);
  if (e.rule.metric === DISCREPANCY_METRIC) return baseline && isGapLimit(e) ? `±${formatPercent(v)}` : `${v > 0 ? "+" : ""}${formatPercent(v)}`;
  return formatMetric(METRICS[e.rule.metric], v, null);
}

function unusual(e: ScopeEvaluation): string {
  const v = e.evaluation;
  if (v.score === null) return v.kind === "threshold" ? beyondLimit(e) : "—";
  if (v.kind === "pacing") return `${v.score >= 0 ? "+" : ""}${formatPercent(v.score)} of budget`;
  return `${v.score >= 0 ? "+" : ""}${v.score.toFixed(1)} σ`;
}

/**
 * How far a threshold rule's value is from its limit, relative to the limit: CPM 34.54 against 10 is
 * "+245.4 % vs limit" (the limit itself is in the Baseline column); a discrepancy compares the gap's size.
 */
function beyondLimit(e: ScopeEvaluation): string {
  const { value: v, threshold: limit } = e.evaluation;
  if (limit === null) return "—";
  const x = v === null ? null : isGapLimit(e) ? Math.abs(v) : v;
  if (x === null || limit === 0) return `limit ${value(e, limit, true)}`;
  const rel = (x - limit) / Math.abs(limit);
  return `${rel >= 0 ? "+" : ""}${formatPercent(rel)} vs limit`;
}

function sent(f: FiredAlert): string {
  if (f.deliveries.length === 0) return f.isNew ? "new" : "ongoing";
  const parts = f.deliveries.map((d) => {
    if (d.status === "sent") return `${d.webhook} sent${d.attempts > 1 ? ` (attempt ${d.attempts})` : ""}`;
    if (d.status === "sent-earlier") return `${d.webhook} sent earlier`;
    if (d.status === "failed") return `${d.webhook} FAILED (queued)`;
    if (d.status === "silenced" || d.status === "expired") return `${d.webhook} ${d.status}`;
    return `${d.webhook} not sent`;
  });
  return `${f.isNew ? "new" : "ongoing"}: ${parts.join(", ")}`;
}

/** A check's fired alerts as a table, with each detector's message below it (and every scope with `all`). */
export function renderCheck(out: CheckOutcome, all: boolean): string {
  const lines: string[] = [];
  const fresh = out.fired.filter((f) => f.isNew).length;
  lines.push(`Alerts on ${out.day}: ${out.rules} rule(s), ${out.evaluations.length} scope(s) judged, ${out.fired.length} firing (${fresh} new)`, "");
  if (out.fired.length > 0) {
    lines.push(
      renderTable(
        ["Rule", "Scope", "Kind", "Metric", "Today", "Baseline", "How unusual", "Since", "Status"],
        out.fired.map((f) => {
          const e = f.evaluation;
          return [e.rule.id, e.scopeLabel, e.rule.kind, e.rule.kind === "pacing" ? "cost" : e.rule.metric, value(e, e.evaluation.value), value(e, e.evaluation.baseline, true), unusual(e), f.record.since, sent(f)];
        }),
        new Set([4, 5, 6]),
      ),
    );
    for (const f of out.fired) lines.push(`  ${f.evaluation.rule.id} · ${f.evaluation.scopeLabel}: ${f.evaluation.evaluation.message}`);
    for (const f of out.fired) {
      for (const d of f.deliveries) if (d.status === "failed") lines.push(`  ! ${d.webhook}: ${d.error} after ${d.attempts} attempt(s); the next check retries`);
    }
    lines.push("");
  }
  for (const r of out.resolved) lines.push(`Back to normal: ${r.rule} · ${r.scope_label} (${r.since === r.last_day ? r.since : `${r.since} … ${r.last_day}`}): ${r.message}`);
  for (const d of out.other) {
    const what = d.notice === "resolved" ? "back-to-normal notice" : "queued alert";
    lines.push(`${what} ${d.key} → ${d.webhook}: ${d.status}${d.error ? ` (${d.error})` : ""}`);
  }
  if (out.resolved.length > 0 || out.other.length > 0) lines.push("");
  if (all) {
    const quiet = out.evaluations.filter((e) => !e.evaluation.fired);
    if (quiet.length > 0) {
      lines.push(
        renderTable(
          ["Rule", "Scope", "Today", "Baseline", "How unusual", "Verdict"],
          quiet.map((e) => [e.rule.id, e.scopeLabel, value(e, e.evaluation.value), value(e, e.evaluation.baseline, true), unusual(e), e.evaluation.skipped ? `skipped: ${e.evaluation.message}` : `quiet: ${e.evaluation.message}`]),
          new Set([2, 3, 4]),
        ),
      );
    }
  }
  return `${lines.join("\n")}${lines.at(-1) === "" ? "" : "\n"}`;
}

/** One line counting the quiet and skipped scopes by reason. */
export function skippedSummary(out: CheckOutcome): string {
  const quiet = out.evaluations.filter((e) => !e.evaluation.fired && !e.evaluation.skipped).length;
  const reasons = new Map<string, number>();
  for (const e of out.evaluations) if (e.evaluation.skipped) reasons.set(e.evaluation.skipped, (reasons.get(e.evaluation.skipped) ?? 0) + 1);
  const skipped = [...reasons.values()].reduce((a, b) => a + b, 0);
  const why = [...reasons.entries()].map(([r, n]) => `${r.replace(/-/g, " ")} ${n}`).join(", ");
  return `${quiet} quiet, ${skipped} skipped${skipped > 0 ? ` (${why}; --all shows them)` : ""}`;
}
