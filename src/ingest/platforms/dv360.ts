import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, headerSet } from "../columns.js";
import { isBlankRecord } from "../delimited.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";

/**
 * Display & Video 360 (DBM) report files: header on line 1, the data, a blank row, a totals row
 * (dimension cells empty), then ~15 footer lines of report metadata. Dates are YYYY/MM/DD.
 * Insertion order → line item → creative map to campaign, ad group, ad (the insertion order is
 * where the budget lives; a report with only the Campaign dimension uses it instead). Cost is what
 * the advertiser is billed: "Revenue (Adv Currency)", else total media cost, else media cost.
 */
const ALIASES: AliasTable = {
  date: ["date"],
  account_name: ["advertiser"],
  account_id: ["advertiser id"],
  campaign: ["insertion order", "campaign"],
  campaign_id: ["insertion order id", "campaign id"],
  ad_group: ["line item"],
  ad_group_id: ["line item id"],
  ad: ["creative"],
  ad_id: ["creative id"],
  country: ["country"],
  device: ["device type"],
  currency: ["advertiser currency"],
  cost: ["revenue (adv currency)", "total media cost (advertiser currency)", "media cost (advertiser currency)"],
  impressions: ["impressions"],
  clicks: ["clicks"],
  conversions: ["total conversions"],
  viewable_impressions: ["active view: viewable impressions"],
  measurable_impressions: ["active view: measurable impressions"],
};

const SIGNATURE = [
  "insertion order",
  "line item",
  "line item id",
  "insertion order id",
  "advertiser currency",
  "revenue (adv currency)",
  "media cost (advertiser currency)",
];

function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length;
  if (hits === 0)
    return {
      reason: "no 'Insertion Order', 'Line Item' or 'Advertiser Currency' column",
    };
  if (!names.has("impressions")) return { reason: "no 'Impressions' column" };
  return { score: 6 + hits };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const plan = standardPlan(table, ctx, {
    source: "dv360",
    aliases: ALIASES,
    dateOrderHint: "mdy",
  });
  const missing = missingColumns(plan.columns, ctx, headerOf(table).line, { cost: "Revenue (Adv Currency)", impressions: "Impressions" });
  if (missing) return { format: "dv360", ...missing };
  // The data ends at the first blank row; the record after it holds the totals (its dimension cells
  // empty), then the footer. All in the one pass that builds the rows (blank records are skipped).
  const dims = [plan.columns.index.date, plan.columns.index.campaign, plan.columns.index.ad_group].filter((i): i is number => i !== undefined);
  const base = plan.totalsLabel;
  let afterBlank = false;
  let totalsRead = false;
  plan.endOfData = (record) => {
    if (totalsRead) return true;
    if (isBlankRecord(record)) afterBlank = true;
    return false;
  };
  plan.totalsLabel = (record, nth) => {
    if (!afterBlank) return base(record, nth);
    totalsRead = true;
    return dims.every((i) => (record[i] ?? "").trim() === "") ? "totals row" : "footer";
  };
  plan.checkTotals = (label) => afterBlank && label === "totals row";
  const built = buildPlatformRows(table, plan, ctx);
  return { format: "dv360", ...built };
}

export const dv360: PlatformParser = {
  id: "dv360",
  label: "Display & Video 360",
  aliases: SOURCE_ALIASES.dv360,
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
