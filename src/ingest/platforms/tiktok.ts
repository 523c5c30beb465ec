import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, headerSet, resolveColumns } from "../columns.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns } from "../platform-rows.js";
import { standardPlan } from "../standard-plan.js";
import { headerOf } from "../table-records.js";
import { aliasesOf, tierNames } from "../ui-names.js";
import { TIKTOK_NAMES, TIKTOK_SIGNATURE } from "./names/tiktok-names.js";

/**
 * TikTok Ads Manager exports (XLSX, or CSV with one header row) and API reports flattened to CSV,
 * with the columns of names/tiktok-names.ts. Low-volume breakdown rows show masked counts such as
 * "<5" impressions. Such a cell is a range, not a number: cpi keeps the row (its cost was really
 * spent), counts the masked measure as 0 and reports a warning on that line and column, so the
 * undercount (at most 4 per masked cell) is visible instead of silently invented; the file's
 * totals may exceed the rows by that much. A totals row ("Total of N campaigns", or "-" where the
 * ids and the time belong) is told by its shape, left out and checked.
 */
const ALIASES: AliasTable = aliasesOf(TIKTOK_NAMES);

const SIGNATURE = [...TIKTOK_SIGNATURE, ...tierNames(TIKTOK_NAMES, "clicks", 0)];

function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  // "Ad group name" is TikTok's, but Amazon's and others' too: it counts half.
  const hits = SIGNATURE.filter((h) => names.has(h)).length - (names.has("ad group name") ? 0.5 : 0);
  if (hits <= 0)
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
    names: TIKTOK_NAMES,
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
  aliases: SOURCE_ALIASES.tiktok,
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
