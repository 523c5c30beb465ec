import { normaliseHeader } from "./header.js";

/**
 * The generic CSV format's fields, in slot order. Text fields first (slots 0..TEXT_FIELDS-1), then
 * money (cost, revenue), then counts, then conversions. The column of each field is matched by its
 * normalised name ("Ad Group", "ad-group" and "ad_group" are the same column).
 */
export const GENERIC_FIELDS = [
  "date",
  "date_start",
  "date_end",
  "source",
  "account",
  "account_name",
  "campaign",
  "campaign_id",
  "ad_group",
  "ad_group_id",
  "ad",
  "ad_id",
  "placement",
  "currency",
  "timezone",
  "country",
  "device",
  "age",
  "gender",
  "cost",
  "revenue",
  "impressions",
  "clicks",
  "viewable_impressions",
  "measurable_impressions",
  "conversions",
] as const;

export type GenericField = (typeof GENERIC_FIELDS)[number];

export const F_DATE = 0;
export const F_DATE_START = 1;
export const F_DATE_END = 2;
export const F_SOURCE = 3;
export const F_ACCOUNT = 4;
export const F_ACCOUNT_NAME = 5;
export const F_CAMPAIGN = 6;
export const F_CAMPAIGN_ID = 7;
export const F_AD_GROUP = 8;
export const F_AD_GROUP_ID = 9;
export const F_AD = 10;
export const F_AD_ID = 11;
export const F_PLACEMENT = 12;
export const F_CURRENCY = 13;
export const F_TIMEZONE = 14;
export const F_COUNTRY = 15;
export const F_DEVICE = 16;
export const F_AGE = 17;
export const F_GENDER = 18;
/** Number of text slots. */
export const TEXT_FIELDS = 19;
export const F_COST = 19;
export const F_REVENUE = 20;
export const F_IMPRESSIONS = 21;
export const F_CLICKS = 22;
export const F_VIEWABLE = 23;
export const F_MEASURABLE = 24;
export const F_CONVERSIONS = 25;

/** What kind of value a slot holds. @example fieldKind(19) // "money" */
export function fieldKind(slot: number): "text" | "money" | "count" | "decimal" {
  if (slot < TEXT_FIELDS) return "text";
  if (slot <= F_REVENUE) return "money";
  if (slot < F_CONVERSIONS) return "count";
  return "decimal";
}

const BY_NAME = new Map<string, number>(GENERIC_FIELDS.map((f, i) => [f, i]));

/** The generic key of a header name. @example genericKey("Ad Group") // "ad_group" */
export function genericKey(header: string): string {
  return normaliseHeader(header).replace(/[\s-]+/g, "_");
}

/** The slot of a generic column name, or -1. @example genericSlot("Impressions") // 21 */
export function genericSlot(header: string): number {
  return BY_NAME.get(genericKey(header)) ?? -1;
}

/** True when a normalised header is a generic column name. @example isGenericHeader("cost") // true */
export function isGenericHeader(normalised: string): boolean {
  return BY_NAME.has(normalised.replace(/[\s-]+/g, "_"));
}

export interface GenericHeaderMatch {
  /** Slot of each column of the file, -1 for columns cpi does not read. */
  slots: number[];
  /** Header names of the file's columns as written (trimmed). */
  names: string[];
  /** Missing required columns, described for the user. */
  missing: string[];
  /** Fields that appear in more than one column. */
  duplicates: string[];
}

/**
 * Matches a header row to the generic format's fields.
 * @example matchGenericHeader(["date", "campaign", "cost", "impressions"]).missing // []
 */
export function matchGenericHeader(header: readonly string[]): GenericHeaderMatch {
  const slots = header.map(genericSlot);
  const names = header.map((h) => h.replace(/^\ufeff/, "").trim());
  const seen = new Set<number>();
  const duplicates: string[] = [];
  for (const s of slots) {
    if (s < 0) continue;
    if (seen.has(s)) duplicates.push(GENERIC_FIELDS[s] as string);
    seen.add(s);
  }
  const missing: string[] = [];
  const hasRange = seen.has(F_DATE_START) && seen.has(F_DATE_END);
  if (!seen.has(F_DATE) && !hasRange) {
    if (seen.has(F_DATE_START)) missing.push("date_end");
    else if (seen.has(F_DATE_END)) missing.push("date_start");
    else missing.push("date (or date_start and date_end)");
  }
  for (const f of [F_CAMPAIGN, F_COST, F_IMPRESSIONS]) if (!seen.has(f)) missing.push(GENERIC_FIELDS[f] as string);
  return { slots, names, missing, duplicates };
}
