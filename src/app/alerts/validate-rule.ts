import { isoToEpochDay } from "../../domain/dates.js";
import { isUserError } from "../../domain/errors.js";
import { METRICS, type MetricName } from "../../domain/metrics.js";
import { parseMicros } from "../../domain/money.js";
import { type Filter, isEntityDimension, parseFilter, requireTimeZone } from "../../domain/query.js";
import { includesTracked, TRACKED_SOURCE } from "../../query/events-sql.js";
import {
  ALERT_METRICS,
  type AlertMetric,
  type AlertRule,
  DESTINATION_FORMATS,
  type DestinationFormat,
  DISCREPANCY_METRIC,
  METRIC_ALIASES,
  RULE_DEFAULTS,
  type WebhookConfig,
} from "./alert-rule.js";
import { DISCREPANCY_DIMENSIONS } from "./discrepancy-rule.js";

/** One problem with a field of a rule or webhook (field relative to it, e.g. "metric"). */
export interface FieldIssue {
  field: string;
  message: string;
}

const KINDS = ["anomaly", "threshold", "zero-delivery", "pacing"] as const;
const COMMON = ["id", "kind", "where", "by", "currency", "timezone", "webhooks", "enabled", "description"];
const FIELDS: Record<(typeof KINDS)[number], string[]> = {
  anomaly: [...COMMON, "metric", "direction", "score", "weeks", "min_history", "min_impressions", "min_effect"],
  threshold: [...COMMON, "metric", "operator", "value", "min_impressions"],
  "zero-delivery": [...COMMON, "metric", "min_expected", "weeks"],
  pacing: [...COMMON, "budget", "from", "to", "watch", "tolerance", "grace_days"],
};
/** The names rules files written before snake_case used: still read, written back in snake_case. */
const OLD_NAMES: Record<string, string> = { minHistory: "min_history", minImpressions: "min_impressions", minExpected: "min_expected", minEffect: "min_effect", graceDays: "grace_days" };
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DISCREPANCY_NOT_FOR = "the tracked-vs-reported discrepancy works with threshold and anomaly rules, not with";

type Raw = Record<string, unknown>;

/**
 * Checks one rule as written in the file (or built from flags) and fills in defaults; every problem is
 * collected with its field. `webhookNames` are the webhooks the file defines.
 * @example validateRule({ id: "cpi-up", kind: "anomaly", metric: "cpi" }, ["ops"]).issues // []
 */
export function validateRule(given: Raw, webhookNames: readonly string[]): { rule: AlertRule | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const raw: Raw = {};
  for (const [key, v] of Object.entries(given)) {
    const name = OLD_NAMES[key] ?? key;
    if (name !== key && given[name] !== undefined) bad(key, `the same field as ${name}: give one`);
    raw[name] = v;
  }
  const kind = raw.kind;
  if (typeof kind !== "string" || !(KINDS as readonly string[]).includes(kind)) {
    bad("kind", `must be one of ${KINDS.join(", ")}${kind === undefined ? "" : `, got ${JSON.stringify(kind)}`}`);
    return { rule: null, issues };
  }
  const k = kind as (typeof KINDS)[number];
  for (const key of Object.keys(raw)) {
    if (!FIELDS[k].includes(key) && !(k === "pacing" && key === "metric")) bad(key, `unknown field for a ${k} rule; known: ${FIELDS[k].join(", ")}`);
  }
  const id = raw.id;
  if (typeof id !== "string" || !NAME.test(id)) bad("id", `must be a name of letters, digits, '-', '_' or '.' (up to 64), got ${JSON.stringify(id)}`);

  const where = stringList(raw.where, "where", bad);
  for (const [i, w] of where.entries()) {
    try {
      parseFilter(w);
    } catch (e) {
      bad(`where[${i}]`, isUserError(e) ? e.message.replace(/^--where /, "") : String(e));
    }
  }
  const by = stringList(raw.by, "by", bad, true);
  for (const [i, d] of by.entries()) {
    if (!isEntityDimension(d)) bad(`by[${i}]`, `'${d}' is not an entity dimension (campaign, source, placement, ad, ad_group, account, country, …)`);
  }
  if (new Set(by).size !== by.length) bad("by", "lists a dimension twice");
  const base: Raw = { id, kind: k, where, by };
  if (raw.currency !== undefined) {
    if (typeof raw.currency !== "string" || !/^[A-Za-z]{3}$/.test(raw.currency)) bad("currency", `must be an ISO-4217 code like USD, got ${JSON.stringify(raw.currency)}`);
    else base.currency = raw.currency.toUpperCase();
  }
  if (raw.timezone !== undefined) {
    try {
      base.timezone = requireTimeZone(String(raw.timezone));
      if (typeof raw.timezone !== "string") throw new Error();
    } catch {
      bad("timezone", `must be an IANA time zone like Europe/Berlin, got ${JSON.stringify(raw.timezone)}`);
    }
  }
  if (raw.webhooks !== undefined) {
    const hooks = stringList(raw.webhooks, "webhooks", bad);
    for (const [i, h] of hooks.entries()) if (!webhookNames.includes(h)) bad(`webhooks[${i}]`, `no webhook named '${h}' (defined: ${webhookNames.join(", ") || "none"})`);
    base.webhooks = hooks;
  }
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled !== "boolean") bad("enabled", "must be true or false");
    else base.enabled = raw.enabled;
  }
  if (raw.description !== undefined) {
    if (typeof raw.description !== "string") bad("description", "must be a string");
    else base.description = raw.description;
  }

  let metric: AlertMetric | null = null;
  if (k === "anomaly" || k === "threshold" || k === "zero-delivery") {
    metric = metricField(raw.metric, k === "zero-delivery" ? "impressions" : null, bad);
    if (k === "zero-delivery" && metric === DISCREPANCY_METRIC) {
      bad("metric", `${DISCREPANCY_NOT_FOR} a zero-delivery rule (it watches a count: impressions, cost, clicks or viewable_impressions)`);
    } else if (k === "zero-delivery" && metric && !["impressions", "cost", "clicks", "viewable_impressions"].includes(metric)) {
      bad("metric", "zero delivery watches a count: impressions, cost, clicks or viewable_impressions");
    }
    if (metric === DISCREPANCY_METRIC && k !== "zero-delivery") discrepancyScope(base, raw, bad);
    if (metric === "invalid_rate") invalidRateScope(where, bad);
    base.metric = metric;
  } else if (raw.metric !== undefined) {
    // A pacing rule has no metric (it watches spend); name the kinds that take this one.
    const m = typeof raw.metric === "string" ? raw.metric.trim().toLowerCase() : "";
    bad("metric", m === DISCREPANCY_METRIC ? `${DISCREPANCY_NOT_FOR} a pacing rule (it watches spend against a budget)` : "a pacing rule watches spend against its budget and takes no metric");
  }
  if (k === "anomaly") {
    base.direction = oneOf(raw.direction, "direction", ["up", "down", "both"], "both", bad);
    base.score = num(raw.score, "score", RULE_DEFAULTS.score, bad, { min: 0.5, max: 100 });
    base.weeks = num(raw.weeks, "weeks", RULE_DEFAULTS.weeks, bad, { min: 3, max: 52, integer: true });
    base.min_history = num(raw.min_history, "min_history", RULE_DEFAULTS.minHistory, bad, { min: 2, max: 52, integer: true });
    if ((base.min_history as number) > (base.weeks as number)) bad("min_history", `cannot exceed weeks (${base.weeks})`);
    base.min_impressions = num(raw.min_impressions, "min_impressions", RULE_DEFAULTS.anomalyMinImpressions, bad, { min: 0 });
    base.min_effect = num(raw.min_effect, "min_effect", metric === DISCREPANCY_METRIC ? 0 : RULE_DEFAULTS.minEffect, bad, { min: 0, max: 10 });
  } else if (k === "threshold") {
    base.operator = oneOf(raw.operator, "operator", [">", ">=", "<", "<="], null, bad);
    base.value = num(raw.value, "value", null, bad, {});
    base.min_impressions = num(raw.min_impressions, "min_impressions", RULE_DEFAULTS.thresholdMinImpressions, bad, { min: 0 });
  } else if (k === "zero-delivery") {
    base.min_expected = num(raw.min_expected, "min_expected", RULE_DEFAULTS.minExpected, bad, { min: 0 });
    base.weeks = num(raw.weeks, "weeks", RULE_DEFAULTS.zeroWeeks, bad, { min: 3, max: 52, integer: true });
  } else {
    const budget = typeof raw.budget === "number" ? String(raw.budget) : raw.budget;
    const micros = typeof budget === "string" ? parseMicros(budget) : null;
    if (micros === null || micros <= 0n) bad("budget", `must be a positive amount like 5000 or "5000.00", got ${JSON.stringify(raw.budget)}`);
    else base.budget = budget;
    if (base.currency === undefined && !issues.some((i) => i.field === "currency")) bad("currency", "a pacing rule needs the budget's currency (e.g. USD)");
    for (const f of ["from", "to"] as const) {
      const v = raw[f];
      if (typeof v !== "string" || isoToEpochDay(v) === null) bad(f, `must be a date as YYYY-MM-DD, got ${JSON.stringify(v)}`);
      else base[f] = v;
    }
    if (typeof base.from === "string" && typeof base.to === "string" && base.from > base.to) bad("to", `the flight ends (${base.to}) before it starts (${base.from})`);
    base.watch = oneOf(raw.watch, "watch", ["overspend", "underspend", "both"], "both", bad);
    base.tolerance = num(raw.tolerance, "tolerance", RULE_DEFAULTS.tolerance, bad, { min: 0, max: 1 });
    base.grace_days = num(raw.grace_days, "grace_days", RULE_DEFAULTS.graceDays, bad, { min: 0, max: 365, integer: true });
  }
  return { rule: issues.length === 0 ? (base as unknown as AlertRule) : null, issues };
}

const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+$/;

/**
 * Checks one destination (a webhook entry): an http(s) URL for the HTTP formats, an smtp:// or
 * smtps:// URL with recipients for email; a secret (HTTP formats) must be 16 characters at least.
 * @example validateWebhook({ name: "ops", url: "https://hooks.slack.com/services/T/B/X", format: "slack" }).issues // []
 */
export function validateWebhook(raw: Raw): { webhook: WebhookConfig | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const known = ["name", "url", "format", "secret", "to", "from"];
  for (const key of Object.keys(raw)) if (!known.includes(key)) bad(key, `unknown field; known: ${known.join(", ")}`);
  if (typeof raw.name !== "string" || !NAME.test(raw.name)) bad("name", `must be a name of letters, digits, '-', '_' or '.', got ${JSON.stringify(raw.name)}`);
  const format = oneOf(raw.format, "format", [...DESTINATION_FORMATS], "json", bad) as DestinationFormat | null;
  let url: URL | null = null;
  try {
    url = new URL(String(raw.url));
  } catch {
    url = null;
  }
  const schemes = format === "email" ? ["smtp:", "smtps:"] : ["http:", "https:"];
  // The URL may hold a token or password: never repeat it in a message.
  if (typeof raw.url !== "string" || !url || !schemes.includes(url.protocol)) {
    bad("url", format === "email" ? "must be an smtp:// or smtps:// URL (smtp://user:password@host:587)" : "must be an http:// or https:// URL");
  }
  const out: WebhookConfig = { name: raw.name as string, url: raw.url as string, format: format ?? "json" };
  if (raw.secret !== undefined) {
    if (typeof raw.secret !== "string" || raw.secret.length < 16 || /\s/.test(raw.secret)) bad("secret", "must be a string of at least 16 characters without spaces");
    else if (format === "email") bad("secret", "email is not signed: a secret is for HTTP destinations");
    else out.secret = raw.secret;
  }
  if (format === "email") {
    const to = raw.to === undefined ? [] : typeof raw.to === "string" ? [raw.to] : Array.isArray(raw.to) ? raw.to : null;
    if (!to || to.length === 0) bad("to", "email needs at least one recipient");
    else {
      for (const [i, a] of to.entries()) if (typeof a !== "string" || !EMAIL.test(a)) bad(`to[${i}]`, `must be an email address, got ${JSON.stringify(a)}`);
      out.to = to as string[];
    }
    if (raw.from !== undefined) {
      if (typeof raw.from !== "string" || !EMAIL.test(raw.from)) bad("from", `must be an email address, got ${JSON.stringify(raw.from)}`);
      else out.from = raw.from;
    }
  } else {
    if (raw.to !== undefined) bad("to", "recipients are for email destinations");
    if (raw.from !== undefined) bad("from", "a sender is for email destinations");
  }
  if (issues.length > 0) return { webhook: null, issues };
  return { webhook: out, issues };
}

/** Invalid traffic is measured on tracked events only: a source filter that leaves them out would judge nothing, silently. */
function invalidRateScope(where: readonly string[], bad: (f: string, m: string) => void): void {
  const tracked: Filter = { dimension: "source", op: "eq", values: [TRACKED_SOURCE] };
  for (const [i, w] of where.entries()) {
    let f: Filter;
    try {
      f = parseFilter(w);
    } catch {
      continue; // reported with the other where problems
    }
    if (f.dimension === "source" && !includesTracked([tracked, f])) {
      bad(`where[${i}]`, `invalid_rate is counted on tracked events (source=${TRACKED_SOURCE}) only: the platforms report no invalid traffic, so '${w}' would leave nothing to judge`);
    }
  }
}

/** A discrepancy rule's scope: `by` campaign and/or placement, no currency, and `where` on the reported side. */
function discrepancyScope(base: Raw, raw: Raw, bad: (f: string, m: string) => void): void {
  for (const [i, d] of (base.by as string[]).entries()) {
    if (!DISCREPANCY_DIMENSIONS.includes(d)) bad(`by[${i}]`, `the discrepancy is compared per ${DISCREPANCY_DIMENSIONS.join(" and ")} (as 'cpi discrepancy'), not per ${d}`);
  }
  if (raw.currency !== undefined) bad("currency", "the discrepancy compares impressions: it needs no currency");
  for (const [i, w] of (base.where as string[]).entries()) {
    try {
      const f = parseFilter(w);
      if (f.dimension === "source" && f.op !== "neq" && f.values.includes(TRACKED_SOURCE)) {
        bad(`where[${i}]`, `filters the reported side, which cannot be the ${TRACKED_SOURCE} source itself: filter on the publisher's source, e.g. source=direct`);
      }
    } catch {
      // reported with the other filters
    }
  }
}

function stringList(v: unknown, field: string, bad: (f: string, m: string) => void, commaSplit = false): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return commaSplit ? v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean) : [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return commaSplit ? v.map((s) => s.trim().toLowerCase()) : [...v];
  bad(field, `must be a string or a list of strings, got ${JSON.stringify(v)}`);
  return [];
}

function metricField(v: unknown, fallback: MetricName | null, bad: (f: string, m: string) => void): AlertMetric | null {
  if (v === undefined && fallback) return fallback;
  const name = typeof v === "string" ? (METRIC_ALIASES[v.trim().toLowerCase()] ?? v.trim().toLowerCase()) : "";
  if (!(ALERT_METRICS as readonly string[]).includes(name)) {
    const hint = name in METRICS ? `'${name}' is not a daily sum or ratio of sums; ` : "";
    bad("metric", `${hint}must be one of ${ALERT_METRICS.join(", ")} (or spend)${v === undefined ? "" : `, got ${JSON.stringify(v)}`}`);
    return null;
  }
  return name as AlertMetric;
}

function oneOf(v: unknown, field: string, allowed: string[], fallback: string | null, bad: (f: string, m: string) => void): string | null {
  if (v === undefined && fallback !== null) return fallback;
  if (typeof v === "string" && allowed.includes(v)) return v;
  bad(field, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}${v === undefined ? "" : `, got ${JSON.stringify(v)}`}`);
  return null;
}

function num(
  v: unknown,
  field: string,
  fallback: number | null,
  bad: (f: string, m: string) => void,
  o: { min?: number; max?: number; integer?: boolean },
): number | null {
  if (v === undefined && fallback !== null) return fallback;
  const ok = typeof v === "number" && Number.isFinite(v) && (!o.integer || Number.isInteger(v)) && (o.min === undefined || v >= o.min) && (o.max === undefined || v <= o.max);
  if (!ok) {
    const range = o.min !== undefined && o.max !== undefined ? ` from ${o.min} to ${o.max}` : o.min !== undefined ? ` ≥ ${o.min}` : "";
    bad(field, `must be a${o.integer ? " whole" : ""} number${range}${v === undefined ? "" : `, got ${JSON.stringify(v)}`}`);
    return null;
  }
  return v as number;
}
