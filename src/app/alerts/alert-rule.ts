import type { AlertKind, ThresholdOperator } from "../../domain/anomaly/index.js";
import type { MetricName } from "../../domain/metrics.js";

/** Where fired alerts are posted: a JSON body, or Slack's `{"text": …}` (also what Mattermost, Rocket.Chat… accept). */
export interface WebhookConfig {
  name: string;
  url: string;
  format: "json" | "slack";
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

/** The day's value far from the median of the same weekday over past weeks (robust z-score). */
export interface AnomalyRule extends RuleBase {
  kind: "anomaly";
  metric: AlertMetric;
  direction: "up" | "down" | "both";
  /** Robust z-score at which the day is anomalous (default 4). */
  score: number;
  /** Weeks of same-weekday history (default 8). */
  weeks: number;
  /** Fewest same-weekday values needed (default 4). */
  minHistory: number;
  /** Skip scopes with fewer impressions (today's for ratios, the usual for counts); default 1000. */
  minImpressions: number;
}

/** The day's value beyond a fixed limit. */
export interface ThresholdRule extends RuleBase {
  kind: "threshold";
  metric: AlertMetric;
  operator: ThresholdOperator;
  /** The limit; for the discrepancy, on the size of the gap |tracked − reported| ÷ reported (0.1 = 10 %). */
  value: number;
  /** Ratios (CPM, CTR…; the discrepancy: reported impressions) are skipped below this many impressions today (default 0). */
  minImpressions: number;
}

/** A scope that normally delivers on this weekday delivered nothing. */
export interface ZeroDeliveryRule extends RuleBase {
  kind: "zero-delivery";
  /** impressions (default), cost or clicks. */
  metric: MetricName;
  /** The same-weekday median must be at least this (in the metric's unit) for a zero to matter (default 100). */
  minExpected: number;
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
  /** Projected end spend within ± this share of the budget is on track (default 0.05). */
  tolerance: number;
}

export type AlertRule = AnomalyRule | ThresholdRule | ZeroDeliveryRule | PacingRule;

/** The rules file (`cpi.alerts.json` beside the store by default). */
export interface AlertsConfig {
  version: 1;
  webhooks: WebhookConfig[];
  rules: AlertRule[];
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
  score: 4,
  weeks: 8,
  minHistory: 4,
  anomalyMinImpressions: 1000,
  thresholdMinImpressions: 0,
  minExpected: 100,
  zeroWeeks: 8,
  tolerance: 0.05,
} as const;

/** An empty rules file. @example emptyAlertsConfig().rules // [] */
export function emptyAlertsConfig(): AlertsConfig {
  return { version: 1, webhooks: [], rules: [] };
}
