import { addDays, type DateRange } from "../../domain/dates.js";
import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, headerSet } from "../columns.js";
import { parseDateRangeText } from "../locale-date.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";

/**
 * X (Twitter) Ads: API / Fivetran reports (`billed_charge_local_micro` in micros of the account
 * currency, `date` as a UTC timestamp of the account's local midnight) and UI campaign exports
 * ("Spend" in currency units; header names [UNVERIFIED] beyond the legacy layout). Campaign → line
 * item (ad group) → promoted tweet (ad).
 */
const ALIASES: AliasTable = {
  date: ["date", "day", "time", "time period"],
  account_id: ["account_id", "account id"],
  account_name: ["account name", "account_name"],
  campaign: ["campaign name", "campaign_name", "campaign"],
  campaign_id: ["campaign_id", "campaign id", "id"],
  ad_group: ["line item name", "line_item_name", "ad group name", "ad group"],
  ad_group_id: ["line_item_id", "line item id", "ad group id"],
  ad: ["ad name", "tweet text", "promoted tweet"],
  ad_id: ["promoted_tweet_id", "tweet_id", "tweet id", "ad id"],
  placement: ["placement"],
  currency: ["currency"],
  cost: ["spend", "billed charge", "spend (local currency)"],
  cost_micros: ["billed_charge_local_micro"],
  impressions: ["impressions"],
  clicks: ["clicks", "url_clicks", "link clicks"],
  conversions: ["conversions", "conversion_purchases_metric"],
};

const SIGNATURE = [
  "billed_charge_local_micro",
  "billed engagements",
  "billed_engagements",
  "funding instrument name",
  "funding instrument id",
  "promoted_tweet_id",
  "line_item_id",
  "url_clicks",
  "retweets",
  "engagements",
];
const UTC_STAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):\d{2}(?::\d{2})?(?:\s*(?:utc|z|\+00:?00))?$/i;

function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length;
  if (hits === 0)
    return {
      reason: "no 'billed_charge_local_micro', 'Billed engagements' or 'Funding instrument' column",
    };
  if (!names.has("impressions")) return { reason: "no 'Impressions' column" };
  return { score: 5 + hits };
}

/**
 * The local date of an X timestamp marking an account's local midnight in UTC: with the zone known
 * the instant is converted; without it, a time past noon UTC is the next day's midnight of a zone
 * east of UTC (UTC+1…+12 give 23:00…12:00), one before noon the same day's of a zone west of it.
 * @example xLocalDate("2022-05-20 07:00:00 UTC", null) // "2022-05-20"
 */
export function xLocalDate(text: string, zone: string | null): string | null {
  const m = UTC_STAMP.exec(text.trim());
  if (!m) return null;
  const day = m[1] as string;
  if (zone) {
    const at = new Date(`${day}T${m[2]}:00:00Z`);
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(at);
    return parts;
  }
  return Number(m[2]) >= 12 ? addDays(day, 1) : day;
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const plan = standardPlan(table, ctx, { source: "x-ads", aliases: ALIASES });
  const { index } = plan.columns;
  const missing = missingColumns(plan.columns, ctx, headerOf(table).line, { cost: "Spend", impressions: "Impressions" });
  if (missing) return { format: "x-ads", ...missing };
  const dateCol = index.date;
  if (dateCol !== undefined) {
    const zone = ctx.timezone;
    plan.rowRange = (cell): DateRange | string => {
      const raw = cell(dateCol).trim();
      const local = xLocalDate(raw, zone);
      if (local) return { from: local, to: local };
      return parseDateRangeText(raw, plan.dateOrder) ?? (raw === "" ? "the date is empty" : `'${raw}' is not a date`);
    };
  }
  const api = headerSet(headerOf(table).record).has("billed_charge_local_micro");
  return {
    format: api ? "x-ads:api" : "x-ads:ui",
    ...buildPlatformRows(table, plan, ctx),
  };
}

export const xAds: PlatformParser = {
  id: "x-ads",
  label: "X Ads",
  aliases: SOURCE_ALIASES["x-ads"],
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
