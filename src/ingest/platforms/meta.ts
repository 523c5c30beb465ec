import { SOURCE_ALIASES } from "../../domain/sources.js";
import { aliasNames, aliasPatternsMatch, headerSet, resolveColumns } from "../columns.js";
import { normaliseHeader } from "../header.js";
import { inferDateOrder, parseLocaleDate } from "../locale-date.js";
import { inferDecimalMark, plainToWhole, readLocaleNumber } from "../locale-number.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, type RowPlan } from "../platform-rows.js";
import { isPlaceholderText } from "../record-reader.js";
import { checkFileCurrency, currencyOfMoneyCells, reportTimezone } from "../report-currency.js";
import { recordAt } from "../table-records.js";
import { sampleCells } from "../table-samples.js";
import { headerLanguage, localeHints } from "../ui-names.js";
import { META_ALIASES, META_EXTRA_DIMENSIONS, META_PLATFORM_HEADERS } from "./meta-headers.js";
import { META_NAMES } from "./names/meta-names.js";

/**
 * Meta Ads Manager "Export table data" (CSV with a UTF-8 BOM, or XLSX) and Marketing API insights
 * flattened to CSV. The optional summary row right under the header (every name and breakdown cell
 * empty) is not a row: its figures go to fileTotals and its reach to an account-level reach row.
 * Reach and frequency of every row go to reach rows at the row's level (campaign, ad set, ad) and
 * window, never into a sum; rows split by a breakdown (age, gender, country…) keep no reach, since
 * reach by breakdown has no level to be stored at. Clicks are link clicks when the export has them
 * (else all clicks); conversions are purchases (the "Results" column counts whatever each
 * campaign's objective is, so it is not read).
 */
function match(header: readonly string[]): PlatformMatch {
  const names = headerSet(header);
  const cols = resolveColumns(header, META_ALIASES);
  const costName = normaliseHeader(cols.name.cost ?? "");
  const api = names.has("date_stop") && names.has("spend");
  const namedCost = cols.index.cost !== undefined && !/^spend$/.test(costName);
  if (!namedCost && !api && cols.index.date_start === undefined) return { reason: "no 'Amount spent' or 'Reporting starts' column" };
  if (cols.index.cost === undefined) return { reason: "no 'Amount spent' column" };
  if (cols.index.impressions === undefined) return { reason: "no 'Impressions' column" };
  let score = 4;
  if (namedCost) score += 4;
  if (cols.index.date_start !== undefined) score += 3;
  if (cols.index.ad_group !== undefined) score += 1;
  if (cols.index.reach !== undefined) score += 1;
  return { score };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const header = recordAt(table, table.headerIndex)?.record ?? [];
  const columns = resolveColumns(header, META_ALIASES);
  const { index, name } = columns;
  const norm = header.map(normaliseHeader);
  // The UI language (the currency after a money header aside) says how numbers and dates are written.
  const hints = localeHints(headerLanguage(META_NAMES, norm.map((h) => h.replace(/( \(\w{3}\))+$/, ""))));
  const decimal = inferDecimalMark(sampleCells(table, [index.cost, index.frequency, index.revenue, index.conversions]), hints.decimal);
  const scheduleCols = ["starts", "ends", "début", "fin"].map((h) => norm.indexOf(h)).filter((i) => i >= 0);
  const dateOrder = inferDateOrder(sampleCells(table, [index.date, index.date_start, index.date_end, ...scheduleCols], 500), hints.dateOrder);
  const stated = checkFileCurrency(columns.headerCurrency, `the header '${name.cost}'`, ctx);
  const currency = currencyOfMoneyCells(table, [index.cost, index.revenue], stated, index.currency !== undefined, ctx);
  const zoneCell = index.timezone !== undefined ? (recordAt(table, table.headerIndex + 1)?.record[index.timezone] ?? "").trim() : "";

  const dimensionCols = [
    ...(["campaign", "ad_group", "ad", "date", "age", "gender", "country", "placement", "device"] as const).map((r) => index[r]),
    ...META_EXTRA_DIMENSIONS.map((h) => norm.indexOf(h)),
  ].filter((i): i is number => i !== undefined && i >= 0);
  const isSummary = (record: readonly string[], nth: number) =>
    nth === 0 && dimensionCols.length > 0 && dimensionCols.every((i) => (record[i] ?? "").trim() === "");

  const plan: RowPlan = {
    source: "meta",
    columns,
    decimal,
    dateOrder,
    fileCurrency: currency,
    timezone: reportTimezone(zoneCell || null, ctx),
    accountId: ctx.opts.account ?? "",
    accountName: "",
    fallbackRange: ctx.opts.period ?? null,
    noRangeReason: "the export has no 'Reporting starts'/'Reporting ends' or 'Day' column: pass the period it covers (--period 2026-05-01..2026-05-31)",
    totalsLabel: (record, nth) => (isSummary(record, nth) ? "summary row" : null),
    fastTotals: "first",
    checkTotals: () => true,
    identityColumns: dimensionCols,
    streams: true,
    // The summary row's reach is everything the export covers: the account's, unless it was filtered.
    totalsReach: (_label, record) => {
      if (index.reach === undefined || dimensionCols.length === 0) return null;
      const cell = (i: number | undefined) => (i === undefined ? "" : (record[i] ?? ""));
      const reach = readLocaleNumber(cell(index.reach), decimal);
      const impressions = readLocaleNumber(cell(index.impressions), decimal);
      const frequency = readLocaleNumber(cell(index.frequency), decimal);
      const from = parseLocaleDate(cell(index.date_start), dateOrder) ?? ctx.opts.period?.from;
      const to = parseLocaleDate(cell(index.date_end), dateOrder) ?? ctx.opts.period?.to;
      if (reach.kind !== "number" || !from || !to) return null;
      return {
        source: "meta",
        account_id: ctx.opts.account ?? "",
        level: "account",
        campaign: "",
        ad_group: "",
        ad: "",
        date_start: from,
        date_end: to,
        reach: plainToWhole(reach.text) ?? 0,
        impressions: impressions.kind === "number" ? (plainToWhole(impressions.text) ?? 0) : 0,
        frequency: frequency.kind === "number" ? Number(frequency.text) : null,
      };
    },
  };
  // The placement breakdown exports Platform and Placement side by side ("Instagram", "Feed"): the
  // placement is both, or Facebook's and Instagram's feeds would read as one.
  const platformCol = norm.findIndex((h) => META_PLATFORM_HEADERS.includes(h));
  if (platformCol >= 0 && index.placement !== undefined && index.placement !== platformCol) {
    plan.derive = (row, cell) => {
      row.placement = placementOnPlatform(cell(platformCol), row.placement);
    };
  }
  const api = headerSet(header).has("date_stop");
  return {
    format: api ? "meta:api" : "meta:ads-manager",
    ...buildPlatformRows(table, plan, ctx),
  };
}

/**
 * A placement named with its platform (a raw cell: trimmed, a placeholder such as "--" or
 * "(not set)" is no platform), unless the placement already starts with that name as a word.
 * @example placementOnPlatform("Instagram", "Feed") // "Instagram Feed"; placementOnPlatform("Instagram", "Instagram Stories") // "Instagram Stories"
 */
export function placementOnPlatform(platformCell: string, placement: string): string {
  const platform = platformCell.trim();
  if (platform === "" || isPlaceholderText(platform)) return placement;
  if (placement === "") return platform;
  const p = placement.toLowerCase();
  const named = platform.toLowerCase();
  return p === named || p.startsWith(`${named} `) ? placement : `${platform} ${placement}`;
}

export const meta: PlatformParser = {
  id: "meta",
  label: "Meta Ads Manager",
  aliases: SOURCE_ALIASES.meta,
  knownHeaders: [...aliasNames(META_ALIASES), "delivery status", "delivery level", "cpm (cost per 1,000 impressions)", "ctr (all)", "result type", "results"],
  knowsHeader: (h) => aliasPatternsMatch(h, META_ALIASES),
  match,
  parse,
};
