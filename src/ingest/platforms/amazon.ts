import { type AliasTable, aliasNames, headerSet } from "../columns.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";

/**
 * Amazon Ads (Sponsored Products / Brands / Display) report downloads, CSV or XLSX. Headers carry
 * trailing spaces ("7 Day Total Sales ") and vary in case (ACOS/ACoS); both are normalised away.
 * Rows cover Start Date..End Date (or a Date for daily reports). Conversions are orders and revenue
 * is sales within the report's attribution window (7 days for SP/SD, 14 for SB). The advertised ASIN
 * (or SKU) is the ad.
 */
const ALIASES: AliasTable = {
  date: ["date"],
  date_start: ["start date"],
  date_end: ["end date"],
  campaign: ["campaign name", "campaign"],
  campaign_id: ["campaign id"],
  ad_group: ["ad group name", "ad group"],
  ad_group_id: ["ad group id"],
  ad: ["advertised asin", "advertised sku", "ad name"],
  country: ["country"],
  currency: ["currency"],
  cost: ["spend", "total cost", "cost"],
  impressions: ["impressions"],
  clicks: ["clicks"],
  conversions: ["7 day total orders (#)", "14 day total orders (#)", "purchases", "orders"],
  revenue: ["7 day total sales", "14 day total sales", "sales", "total sales"],
};

const SIGNATURE = [
  "portfolio name",
  "program type",
  "retailer",
  "advertised asin",
  "advertised sku",
  "7 day total sales",
  "14 day total sales",
  "7 day total orders (#)",
  "14 day total orders (#)",
  "total advertising cost of sales (acos)",
  "total return on advertising spend (roas)",
  "customer search term",
  "total cost (converted)",
  "campaign budget amount",
  "top-of-search impression share",
];

function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length;
  if (hits === 0)
    return {
      reason: "none of its columns ('Portfolio name', '7 Day Total Sales', 'Advertised ASIN'…)",
    };
  if (!names.has("impressions")) return { reason: "no 'Impressions' column" };
  return { score: 6 + hits };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const plan = standardPlan(table, ctx, {
    source: "amazon-ads",
    aliases: ALIASES,
    dateOrderHint: "mdy",
  });
  const missing = missingColumns(plan.columns, ctx, headerOf(table).line, { cost: "Spend", impressions: "Impressions" });
  if (missing) return { format: "amazon-ads", ...missing };
  return { format: "amazon-ads", ...buildPlatformRows(table, plan, ctx) };
}

export const amazonAds: PlatformParser = {
  id: "amazon-ads",
  label: "Amazon Ads",
  aliases: ["amazon", "amazon-advertising", "sponsored-products"],
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
