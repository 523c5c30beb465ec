import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, headerSet } from "../columns.js";
import { parseDateRangeText } from "../locale-date.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns, totalsByFirstCell } from "../platform-rows.js";
import { requireCurrency } from "../report-currency.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";
import { firstFilled, preambleOf } from "../table-samples.js";
import { timeZoneFromLabel } from "../time-zone.js";
import { addWarning } from "../types.js";

/**
 * Campaign Manager 360 (DCM) report files: a preamble of "key,value" lines (Report Time Zone, Date
 * Range, filters…) down to a "Report Fields" line, the header, the data, and a "Grand Total:" row.
 * CM360 is an ad server: cost ("Media Cost") is often not in the report (direct buys get their cost
 * from contracts). Without a cost column the rows carry cost 0 in --currency, or in "XXX" (the
 * ISO code for "no currency") when none is given, with a warning. Active View viewable and
 * measurable impressions are read. Campaign → placement → creative map to campaign, placement, ad.
 */
const ALIASES: AliasTable = {
  date: ["date"],
  account_name: ["advertiser"],
  account_id: ["advertiser id"],
  campaign: ["campaign"],
  campaign_id: ["campaign id"],
  placement: ["placement"],
  ad: ["creative", "ad"],
  ad_id: ["creative id", "ad id"],
  country: ["country"],
  currency: ["currency"],
  cost: ["media cost", "total media cost", "dbm cost (account currency)"],
  impressions: ["impressions"],
  clicks: ["clicks"],
  conversions: ["total conversions"],
  revenue: ["total revenue"],
  viewable_impressions: ["active view: viewable impressions"],
  measurable_impressions: ["active view: measurable impressions"],
};

const SIGNATURE = [
  "site (cm360)",
  "site (dcm)",
  "placement id",
  "active view: viewable impressions",
  "designated market area (dma)",
  "click-through url",
  "creative id",
  "total conversions",
];

function preambleValues(preamble: readonly (readonly string[])[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of preamble) if ((r[0] ?? "").trim() !== "") out.set((r[0] as string).trim().toLowerCase(), (r[1] ?? "").trim());
  return out;
}

function match(header: readonly string[], preamble: readonly (readonly string[])[]): PlatformMatch {
  const names = headerSet(header);
  const pre = preambleValues(preamble);
  const hits = SIGNATURE.filter((h) => names.has(h)).length + (pre.has("report fields") ? 3 : 0) + (pre.has("report time zone") ? 2 : 0);
  if (names.has("insertion order") || names.has("line item")) return { reason: "it has Display & Video 360 columns" };
  if (hits === 0)
    return {
      reason: "no 'Report Fields' preamble and none of its columns ('Site (CM360)', 'Placement ID'…)",
    };
  if (!names.has("impressions")) return { reason: "no 'Impressions' column" };
  return { score: 5 + hits };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const pre = preambleValues(preambleOf(table));
  const zone = pre.get("report time zone");
  const range = pre.get("date range");
  const headerLine = headerOf(table).line;
  const plan = standardPlan(table, ctx, {
    source: "cm360",
    aliases: ALIASES,
    fileZone: zone ? timeZoneFromLabel(zone) : null,
    reportRange: range ? parseDateRangeText(range, "mdy") : null,
    needsCurrency: false,
  });
  const missing = missingColumns(plan.columns, ctx, headerLine, {
    impressions: "Impressions",
  });
  if (missing) return { format: "cm360", ...missing };
  if (plan.columns.index.cost === undefined) {
    plan.fileCurrency ??= ctx.currency ?? "XXX";
    addWarning(
      ctx.sink,
      headerLine,
      undefined,
      `the report has no cost column ('Media Cost'): rows are imported with cost 0 in ${plan.fileCurrency}; give direct buys a contract for their cost`,
    );
  } else requireCurrency(plan.fileCurrency, plan.columns.index.currency !== undefined, ctx);
  Object.assign(plan, totalsByFirstCell(/^grand total/i));
  plan.checkTotals = () => true;
  plan.endOfData = (record) => /^no data returned/i.test(firstFilled(record));
  return { format: "cm360", ...buildPlatformRows(table, plan, ctx) };
}

export const cm360: PlatformParser = {
  id: "cm360",
  label: "Campaign Manager 360",
  aliases: SOURCE_ALIASES.cm360,
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
