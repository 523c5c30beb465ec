// What an alert says, in plain text (each destination escapes it its own way: destination-body.ts).
import type { AlertRecord, ResolvedRecord } from "./alert-log.js";
import { DISCREPANCY_METRIC } from "./alert-rule.js";

const KIND_TITLE: Record<AlertRecord["kind"], string> = {
  anomaly: "unusual",
  threshold: "past its limit",
  "zero-delivery": "stopped delivering",
  pacing: "off budget pace",
};

/**
 * What moved, in a few words: "CPI unusually high", "stopped delivering".
 * @example alertTitle(record) // "CPI unusually high"
 */
export function alertTitle(a: Pick<AlertRecord, "kind" | "metric" | "direction">): string {
  const metric = a.metric === DISCREPANCY_METRIC ? "tracked-vs-reported gap" : (a.metric ?? "").toUpperCase();
  if (a.kind === "pacing" || a.kind === "zero-delivery") return KIND_TITLE[a.kind];
  return `${metric} ${a.kind === "anomaly" ? (a.direction === "down" ? "unusually low" : "unusually high") : KIND_TITLE[a.kind]}`;
}

/**
 * One line a person reads: what moved, where, on which day, and the numbers behind it.
 * @example alertText(record) // "cpi alert: CPI unusually high for campaign=Launch Q4 on 2026-10-14 — 0.015 vs a usual 0.01 (+50.0 %): 8.1 robust standard deviations above [rule cpi-up]"
 */
export function alertText(a: AlertRecord): string {
  const since = a.since !== a.day ? ` (since ${a.since})` : "";
  return `cpi alert: ${alertTitle(a)} for ${a.scope_label} on ${a.day}${since} — ${a.message} [rule ${a.rule}]`;
}

/**
 * The line that says an alert is over.
 * @example resolvedText(r, alert) // "cpi: back to normal — CPI unusually high for campaign=Launch Q4 (2026-10-14 … 2026-10-15), normal again on 2026-10-16: 0.0101 vs a usual 0.01 (+1.0 %) [rule cpi-up]"
 */
export function resolvedText(r: ResolvedRecord, a: AlertRecord): string {
  const span = r.since === r.last_day ? r.since : `${r.since} … ${r.last_day}`;
  return `cpi: back to normal — ${alertTitle(a)} for ${r.scope_label} (${span}), normal again on ${r.day}: ${r.message} [rule ${r.rule}]`;
}
