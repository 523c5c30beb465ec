import { type AliasTable, aliasNames, headerSet } from "../columns.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";
import { aliasesOf, hasEveryRole } from "../ui-names.js";
import { AMAZON_NAMES } from "./names/amazon-names.js";

/**
 * Amazon Ads (Sponsored Products / Brands / Display) report downloads, CSV or XLSX. Headers carry
 * trailing spaces ("7 Day Total Sales ") and vary in case (ACOS/ACoS); both are normalised away.
 * Rows cover Start Date..End Date (or a Date for daily reports). Conversions are orders and revenue
 * is sales within the report's attribution window (7 days for SP/SD, 14 for SB). The advertised ASIN
 * (or SKU) is the ad. Column names in the console's languages: names/amazon-names.ts. Money cells
 * may carry a sign ("$1,234.56", "Rs.201.68" in India): it gives the currency when the report has
 * no Currency column.
 */
const ALIASES: AliasTable = aliasesOf(AMAZON_NAMES);

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

function match(header: readonly string[], _preamble: readonly (readonly string[])[], forced = false): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length;
  const measures = hasEveryRole(AMAZON_NAMES, names, ["cost", "impressions"]);
  // A report in another console language may have none of the English-only columns above: named
  // with --source, its spend and impressions in that language are enough.
  if (hits === 0 && forced && measures) return { score: 1 };
  if (hits === 0)
    return {
      reason: "none of its columns ('Portfolio name', '7 Day Total Sales', 'Advertised ASIN'…)",
    };
  if (!hasEveryRole(AMAZON_NAMES, names, ["impressions"])) return { reason: "no 'Impressions' column (nor its translation)" };
  return { score: 6 + hits };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const plan = standardPlan(table, ctx, {
    source: "amazon-ads",
    aliases: ALIASES,
    names: AMAZON_NAMES,
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
