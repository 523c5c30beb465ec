import type { AlertKind, ThresholdOperator } from "../../domain/anomaly/index.js";
import type { MetricName } from "../../domain/metrics.js";
import { type Micros, parseMicros } from "../../domain/money.js";

/** What a destination receives: cpi's signed JSON, or the native message of a chat tool, or an email. */
export const DESTINATION_FORMATS = ["json", "slack", "teams", "discord", "email"] as const;
export type DestinationFormat = (typeof DESTINATION_FORMATS)[number];

/**
 * Where alerts go (the file calls them webhooks): an http(s) URL that takes a POST (json: cpi's body;
 * slack: Slack's `{"text": …}`, also Mattermost and Rocket.Chat; teams: a Workflows webhook taking an
 * Adaptive Card; discord: Discord's `{"content": …}`), or an `smtp://` / `smtps://` server for email.
 */
export interface WebhookConfig {
  name: string;
  /** The URL (a secret: chat webhooks carry their token in it; SMTP URLs their password). */
  url: string;
  format: DestinationFormat;
  /** HTTP formats: the key bodies are signed with (HMAC-SHA256; a secret, never shown). */
  secret?: string;
  /** Email: the recipients. */
  to?: string[];
  /** Email: the sender (default cpi-alerts@ the SMTP host). */
  from?: string;
}

/** A snooze (until a time) or a mute (until removed) of a rule's alerts, for all of its scopes or those matching `scope`. */
export interface Silence {
  id: string;
  rule: string;
  /** Dimension values the alert's scope must have ({} = every scope of the rule). */
  scope: Record<string, string>;
  /** ISO timestamp the snooze ends; null for a mute. */
  until: string | null;
  created_at: string;
  note?: string;
}

/** How long an alert that could not be delivered stays queued for the next checks. */
export interface DeliverySettings {
  /** An interval like "7d" or "36h" (default "7d"). */
  expire_after?: string;
}

interface RuleBase {
  /** Unique within the file; part of every alert's identity (rule + scope + day). */
  id: string;
  kind: AlertKind;
  /** Filters as written after --where: "campaign=Launch Q4", "source=meta|google", "campaign~brand". */
  where: string[];
  /** Entity dimensions to evaluate separately (one scope per campaign, …); empty = the whole filtered scope. */
  by: string[];
  /** Convert money into this currency (needs rates from `cpi fx import` when the data mixes currencies). */
  currency?: string;
  /** Time zone of the days of tracked events (platform rows keep their account's zone). */
  timezone?: string;
  /** Names of the webhooks to notify; absent = every webhook. */
  webhooks?: string[];
  /** false keeps the rule in the file without checking it. */
  enabled?: boolean;
  description?: string;
}

/**
 * The rule metric that is not a catalogue metric: the relative gap (tracked − reported) ÷ reported
 * between first-party impressions and the reported ones, per scope and day (as `cpi discrepancy`).
 */
export const DISCREPANCY_METRIC = "discrepancy";

/** What an anomaly or threshold rule watches: a catalogue metric, or the tracked-vs-reported discrepancy. */
export type AlertMetric = MetricName | typeof DISCREPANCY_METRIC;

/** The day's value far from what a weekly seasonal model of its past weeks expects (detectAnomaly). */
export interface AnomalyRule extends RuleBase {
  kind: "anomaly";
  metric: AlertMetric;
  direction: "up" | "down" | "both";
  /** Robust standard deviations of a normal day at which the day is anomalous (default 3). */
  score: number;
  /** Weeks of history (default 8). */
  weeks: number;
  /** Fewest past values on the judged day's weekday (default 4). */
  min_history: number;
  /** Skip scopes with fewer impressions (today's for ratios, the usual for counts); default 1000. */
  min_impressions: number;
  /** The least change from the expected value worth an alert, as a share (default 0.25: ±25 %). */
  min_effect: number;
}

/** The day's value beyond a fixed limit. */
export interface ThresholdRule extends RuleBase {
  kind: "threshold";
  metric: AlertMetric;
  operator: ThresholdOperator;
  /** The limit; for the discrepancy, on the size of the gap |tracked − reported| ÷ reported (0.1 = 10 %). */
  value: number;
  /** Ratios (CPM, CTR…; the discrepancy: reported impressions) are skipped below this many impressions today (default 0). */
  min_impressions: number;
}

/** A scope that normally delivers on this weekday delivered nothing. */
export interface ZeroDeliveryRule extends RuleBase {
  kind: "zero-delivery";
  /** impressions (default), cost or clicks. */
  metric: MetricName;
  /** The same-weekday median must be at least this (in the metric's unit) for a zero to matter (default 100). */
  min_expected: number;
  weeks: number;
}

/** A flight projected to overspend or underspend its budget. */
export interface PacingRule extends RuleBase {
  kind: "pacing";
  /** Budget for the whole flight, in `currency` units (decimal string in the file keeps cents exact). */
  budget: string;
  currency: string;
  from: string;
  to: string;
  watch: "overspend" | "underspend" | "both";
  /** Within ± this share of the budget is on track, projected or already spent (default 0.05). */
  tolerance: number;
  /** The flight's first days are not judged (a projection from its first, noisy days is noise), unless already overspent (default 10). */
  grace_days: number;
}

export type AlertRule = AnomalyRule | ThresholdRule | ZeroDeliveryRule | PacingRule;

/**
 * A rule as JSON answers show it: a pacing rule's budget as money (micros, which JSON gives in units)
 * rather than the file's exact decimal text. @example alertRuleJson(pacingRule).budget // 6000000000n
 */
export function alertRuleJson(rule: AlertRule): AlertRule | (Omit<PacingRule, "budget"> & { budget: Micros | null }) {
  return rule.kind === "pacing" ? { ...rule, budget: parseMicros(rule.budget) } : rule;
}

/** The rules file (`cpi.alerts.json` beside the store by default). */
export interface AlertsConfig {
  version: 1;
  webhooks: WebhookConfig[];
  rules: AlertRule[];
  silences: Silence[];
  delivery?: DeliverySettings;
}

/**
 * Metrics a rule may watch: every catalogue metric that is a per-day sum or a ratio of sums (reach is
 * not), and the tracked-vs-reported discrepancy (anomaly and threshold rules only).
 */
export const ALERT_METRICS: readonly AlertMetric[] = [
  "cpi",
  "cpm",
  "ctr",
  "cost",
  "impressions",
  "clicks",
  "cpc",
  "cpa",
  "conversions",
  "cvr",
  "revenue",
  "roas",
  "viewable_impressions",
  "viewable_rate",
  "vcpm",
  "invalid_rate",
  DISCREPANCY_METRIC,
];

/** Metrics that are daily sums: a day without a row delivered 0 of them. */
export const ADDITIVE_METRICS: ReadonlySet<MetricName> = new Set<MetricName>(["cost", "impressions", "clicks", "conversions", "revenue", "viewable_impressions"]);

/** Names users write for metrics that the catalogue calls otherwise. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = { spend: "cost" };

/** Defaults filled in for fields a rule leaves out. */
export const RULE_DEFAULTS = {
  score: 3,
  weeks: 8,
  minHistory: 4,
  anomalyMinImpressions: 1000,
  minEffect: 0.25,
  thresholdMinImpressions: 0,
  minExpected: 100,
  zeroWeeks: 8,
  tolerance: 0.05,
  graceDays: 10,
} as const;

/** An alert not delivered is tried by every check for this long, then given up (`delivery.expire_after`). */
export const DEFAULT_EXPIRE_AFTER = "7d";

/** An empty rules file. @example emptyAlertsConfig().rules // [] */
export function emptyAlertsConfig(): AlertsConfig {
  return { version: 1, webhooks: [], rules: [], silences: [] };
}
