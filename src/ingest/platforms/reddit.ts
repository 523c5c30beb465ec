import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, headerSet } from "../columns.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";
import { sampleCells } from "../table-samples.js";

/**
 * Reddit Ads: Ads API / Fivetran reports (snake_case headers, `spend` in micros of the account
 * currency) and UI CSV exports (Title Case headers, spend in currency units). No real UI export
 * was available: its header names are [UNVERIFIED]. A lower-case `spend` column holding whole
 * numbers only is read as micros; anything else as currency units.
 */
const ALIASES: AliasTable = {
  date: ["date", "day"],
  account_id: ["account_id", "account id"],
  account_name: ["account name", "account_name"],
  campaign: ["campaign name", "campaign_name", "campaign"],
  campaign_id: ["campaign_id", "campaign id"],
  ad_group: ["ad group name", "ad_group_name", "ad group"],
  ad_group_id: ["ad_group_id", "ad group id"],
  ad: ["ad name", "ad_name", "ad"],
  ad_id: ["ad_id", "ad id", "post id"],
  currency: ["currency"],
  cost: ["spend", "amount spent", "amount_spent"],
  impressions: ["impressions"],
  clicks: ["clicks"],
  conversions: ["conversions", "conversion_purchase_total_items"],
  revenue: ["conversion value", "conversion_purchase_total_value"],
};

const SIGNATURE = ["ecpm", "e cpm", "amount spent", "conversion_purchase_total_value"];

function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length;
  if (hits === 0) return { reason: "no 'eCPM' column" };
  if (!names.has("impressions") || (!names.has("spend") && !names.has("amount spent") && !names.has("amount_spent"))) {
    return { reason: "no 'Spend' and 'Impressions' columns" };
  }
  // eCPM is Reddit's own name (Meta writes "CPM (cost per 1,000 impressions)"): it outweighs a
  // Meta-like "Amount Spent".
  return { score: 4 + hits + (names.has("ecpm") || names.has("e cpm") ? 3 : 0) };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const plan = standardPlan(table, ctx, { source: "reddit", aliases: ALIASES });
  const { index, name } = plan.columns;
  const missing = missingColumns(plan.columns, ctx, headerOf(table).line, { cost: "Spend", impressions: "Impressions" });
  if (missing) return { format: "reddit", ...missing };
  const apiSpend = name.cost === "spend" && sampleCells(table, [index.cost]).every((v) => /^\d+$/.test(v));
  if (apiSpend && index.cost !== undefined) {
    plan.columns = {
      ...plan.columns,
      index: { ...index, cost_micros: index.cost },
      name: { ...name, cost_micros: name.cost },
    };
    delete plan.columns.index.cost;
  }
  return {
    format: apiSpend ? "reddit:api" : "reddit:ui",
    ...buildPlatformRows(table, plan, ctx),
  };
}

export const reddit: PlatformParser = {
  id: "reddit",
  label: "Reddit Ads",
  aliases: SOURCE_ALIASES.reddit,
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
