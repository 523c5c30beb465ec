import { type AliasTable, aliasNames, headerSet, resolveColumns } from "../columns.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";

/**
 * TikTok Ads Manager exports (XLSX, or CSV with one header row) and API reports flattened to CSV.
 * Low-volume breakdown rows show masked counts such as "<5" impressions. Such a cell is a range,
 * not a number: cpi keeps the row (its cost was really spent), counts the masked measure as 0 and
 * reports a warning on that line and column, so the undercount (at most 4 per masked cell) is
 * visible instead of silently invented. A "Total of N …" row is dropped and checked.
 */
const ALIASES: AliasTable = {
  date: ["by day", "date", "day", "stat_time_day", "time"],
  account_name: ["advertiser name", "advertiser_name", "account name"],
  account_id: ["advertiser id", "advertiser_id", "account id"],
  campaign: ["campaign name", "campaign_name"],
  campaign_id: ["campaign id", "campaign_id"],
  ad_group: ["ad group name", "adgroup_name", "ad group"],
  ad_group_id: ["ad group id", "adgroup_id"],
  ad: ["ad name", "ad_name"],
  ad_id: ["ad id", "ad_id"],
  age: ["age"],
  gender: ["gender"],
  country: ["country/region", "country", "country_code", "location"],
  placement: ["placement", "placement_type"],
  currency: ["currency"],
  cost: ["cost", "spend", "total cost"],
  impressions: ["impressions"],
  clicks: ["clicks (destination)", "clicks", "clicks (all)"],
  conversions: ["conversions", "conversion"],
  reach: ["reach"],
  frequency: ["frequency"],
};

const SIGNATURE = [
  "clicks (destination)",
  "ctr (destination)",
  "cpc (destination)",
  "by day",
  "primary status",
  "ad group name",
  "adgroup_name",
  "adgroup_id",
  "stat_time_day",
  "cost per 1,000 people reached",
  "net cost",
  "gross impressions (includes invalid impressions)",
  "website url (ad level)",
  "advertiser_id",
];

function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length;
  if (hits === 0)
    return {
      reason: "none of its columns ('Clicks (destination)', 'Ad group name', 'By Day'…)",
    };
  const cols = resolveColumns(header, ALIASES);
  if (cols.index.cost === undefined || cols.index.impressions === undefined) return { reason: "no 'Cost' and 'Impressions' columns" };
  return { score: 6 + hits };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const plan = standardPlan(table, ctx, {
    source: "tiktok",
    aliases: ALIASES,
    dateOrderHint: "mdy",
    noRangeReason: "the export has no date column ('By Day'): pass the period it covers (--period 2026-05-01..2026-05-31)",
  });
  const missing = missingColumns(plan.columns, ctx, headerOf(table).line, { cost: "Cost", impressions: "Impressions" });
  if (missing) return { format: "tiktok", ...missing };
  const api = headerSet(headerOf(table).record).has("stat_time_day");
  return {
    format: api ? "tiktok:api" : "tiktok:ads-manager",
    ...buildPlatformRows(table, plan, ctx),
  };
}

export const tiktok: PlatformParser = {
  id: "tiktok",
  label: "TikTok Ads",
  aliases: ["tiktok-ads", "tik-tok"],
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
