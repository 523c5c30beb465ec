import type { CampaignStatus } from "./campaign-status.js";
import type { IsoDate } from "./dates.js";
import type { Micros } from "./money.js";

/**
 * One spend row as stored: a source × account × date range × entity, with additive measures only.
 * Rows keep their date range (DESIGN rule 4): a monthly figure stays monthly. Empty strings mean
 * "not at this level" (a campaign-level row has ad_group = "").
 */
export interface SpendRow {
  date_start: IsoDate;
  date_end: IsoDate;
  source: string;
  account_id: string;
  account_name: string;
  account_timezone: string;
  currency: string;
  campaign_id: string;
  campaign: string;
  ad_group_id: string;
  ad_group: string;
  ad_id: string;
  ad: string;
  placement: string;
  country: string;
  device: string;
  age: string;
  gender: string;
  cost: Micros;
  impressions: number;
  clicks: number;
  conversions: number;
  revenue: Micros;
  viewable_impressions: number;
  measurable_impressions: number;
}

/** Reach and frequency as a platform reported them, at its own level and window; never summed. */
export interface PlatformReachRow {
  source: string;
  account_id: string;
  level: "account" | "campaign" | "ad_group" | "ad";
  campaign: string;
  ad_group: string;
  ad: string;
  date_start: IsoDate;
  date_end: IsoDate;
  reach: number;
  impressions: number;
  frequency: number | null;
}

/** A problem found while parsing a report: rows with errors are rejected, warnings are reported. */
export interface ParseIssue {
  severity: "error" | "warning";
  line: number;
  column?: string;
  message: string;
}

/** A totals row found in a file, used to cross-check what was imported. */
export interface FileTotalsCheck {
  label: string;
  /** The line of the totals row (1-based), when known. */
  line?: number;
  measure: "cost" | "impressions" | "clicks";
  expected: number;
  /** Another reading of the same cell that also agrees (a micros column's total written in units). */
  expectedOr?: number;
  /** How far the rows may fall short of it: masked counts ("<5") read as 0 in this measure. */
  slack?: number;
}

/** What every report parser returns: rows, every problem found, and the detected format. */
export interface ParsedReport {
  format: string;
  source: string;
  rows: SpendRow[];
  reach: PlatformReachRow[];
  issues: ParseIssue[];
  /** Line number of each row (1-based, as a text editor shows it), parallel to rows. */
  rowLines: number[];
  fileTotals: FileTotalsCheck[];
  /** Campaign states the export gives ("Campaign status", "Delivery status"), the latest per campaign. */
  statuses?: CampaignStatus[];
  /** True when the data ended before the file did (a footer follows). */
  dataEnded?: boolean;
  /** How much masked cells ("<5" read as 0) may have left out of each measure's sum (each totals row's `slack`). */
  bucketSlack?: Partial<Record<FileTotalsCheck["measure"], number>>;
}

/** A SpendRow with every optional field empty and every measure zero, for parsers to fill. @example blankSpendRow().impressions // 0 */
export function blankSpendRow(): SpendRow {
  return {
    date_start: "",
    date_end: "",
    source: "",
    account_id: "",
    account_name: "",
    account_timezone: "",
    currency: "",
    campaign_id: "",
    campaign: "",
    ad_group_id: "",
    ad_group: "",
    ad_id: "",
    ad: "",
    placement: "",
    country: "",
    device: "",
    age: "",
    gender: "",
    cost: 0n,
    impressions: 0,
    clicks: 0,
    conversions: 0,
    revenue: 0n,
    viewable_impressions: 0,
    measurable_impressions: 0,
  };
}
