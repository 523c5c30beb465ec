import type { DateRange } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, headerSet, resolveColumns } from "../columns.js";
import { normaliseHeader } from "../header.js";
import { type DateOrder, parseDateRangeText } from "../locale-date.js";
import { inferDecimalMark } from "../locale-number.js";
import { costInMicros, withMicrosNames } from "../money-unit.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, type RowPlan } from "../platform-rows.js";
import { currencyOfMoneyCells, reportTimezone } from "../report-currency.js";
import { type SegmentKind, segmentRange } from "../segment-period.js";
import { recordAt } from "../table-records.js";
import { firstFilled, preambleOf, sampleCells } from "../table-samples.js";
import { addWarning } from "../types.js";
import { aliasesOf, headerLanguage, localeHints, tierNames } from "../ui-names.js";
import { GOOGLE_ADS_NAMES, GOOGLE_ADS_PARTIAL_TOTALS, GOOGLE_ADS_SEGMENTS, GOOGLE_ADS_TOTALS } from "./names/google-ads-names.js";

/**
 * Google Ads: the UI's downloads (.csv UTF-8 with a two-line preamble, "Excel .csv" UTF-16LE + tab,
 * .tsv, .xlsx) of every report type in every UI language of names/google-ads-names.ts, API / Scripts
 * output (GAQL field names, cost in micros), and the AdWords API's report downloads (one title line
 * "CAMPAIGN_PERFORMANCE_REPORT (May 1, 2013-May 10, 2013)", display names, money in micros).
 */
const ALIASES: AliasTable = withMicrosNames(aliasesOf(GOOGLE_ADS_NAMES));
const SEGMENTS: Record<SegmentKind, readonly string[]> = GOOGLE_ADS_SEGMENTS;
/** The UI's short names for impressions, which tell its downloads from other platforms' files. */
const ABBREVIATED_IMPRESSIONS = new Set(["impr.", "verton.", "vert.", "wyśw."]);
const PARTIAL_TOTALS = new Set(GOOGLE_ADS_PARTIAL_TOTALS);
/** Interactions and their translations: read as clicks only when a report has no Clicks column. */
const INTERACTIONS = new Set(tierNames(GOOGLE_ADS_NAMES, "clicks", 1));
/** The AdWords API's title line: the report's name and, in parentheses, its date range. */
const ADWORDS_TITLE = /^(.+?)\s*\(([^()]+)\)$/;

function isApi(names: Set<string>): boolean {
  return [...names].some((n) => n.startsWith("metrics.") || n.startsWith("segments."));
}

function match(header: readonly string[], preamble: readonly (readonly string[])[]): PlatformMatch {
  const names = headerSet(header);
  const cols = resolveColumns(header, ALIASES);
  if (isApi(names)) {
    if (cols.index.cost_micros !== undefined && cols.index.impressions !== undefined) return { score: 10 };
    return {
      reason: "API output without metrics.cost_micros and metrics.impressions",
    };
  }
  if (cols.index.impressions === undefined) return { reason: "no 'Impr.' column (nor 'Impressions' or its translation)" };
  if (cols.index.cost === undefined) return { reason: "no 'Cost' column (nor its translation)" };
  let score = ABBREVIATED_IMPRESSIONS.has(normaliseHeader(cols.name.impressions ?? "")) ? 5 : 2;
  if (cols.index.currency !== undefined) score += 2;
  if (/report$|relat[óo]rio|informe|rapport|bericht|rapporto|raport|rapor|laporan|レポート/i.test(firstFilled(preamble[0] ?? []))) score += 2;
  if (adwordsTitle(preamble)) score += 2;
  return { score };
}

/**
 * The date range of an AdWords API report download (its one preamble line is the report's name
 * and range in parentheses), "All Time" as null; undefined when the file is not one.
 */
function adwordsTitle(preamble: readonly (readonly string[])[]): { range: DateRange | null } | undefined {
  if (preamble.length !== 1) return undefined;
  const m = ADWORDS_TITLE.exec(firstFilled(preamble[0] ?? []));
  if (!m) return undefined;
  const inner = (m[2] as string).trim();
  if (/^all time$/i.test(inner)) return { range: null };
  const range = parseDateRangeText(inner, "mdy");
  return range ? { range } : undefined;
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const header = recordAt(table, table.headerIndex)?.record ?? [];
  let columns = resolveColumns(header, ALIASES);
  const norm = header.map(normaliseHeader);
  const api = isApi(new Set(norm));
  const preamble = preambleOf(table);
  // The AdWords API wrote display names in English ("Impressions", not "Impr.") and money in micros.
  const adwords = !api && columns.index.cost !== undefined && !ABBREVIATED_IMPRESSIONS.has(normaliseHeader(columns.name.impressions ?? "")) ? adwordsTitle(preamble) : undefined;
  if (adwords) columns = costInMicros(columns);
  const { index, name } = columns;
  const hints = localeHints(api || adwords ? "en" : headerLanguage(GOOGLE_ADS_NAMES, norm));
  const decimal = inferDecimalMark(sampleCells(table, [index.cost, index.conversions, index.revenue, index.impressions]), hints.decimal);
  const dateOrder: DateOrder = hints.dateOrder;
  const headerLine = recordAt(table, table.headerIndex)?.line ?? 1;
  if (index.clicks !== undefined && INTERACTIONS.has(normaliseHeader(name.clicks ?? ""))) {
    addWarning(ctx.sink, headerLine, name.clicks, "the report has no Clicks column: Interactions are read as clicks");
  }
  const fileCurrency = currencyOfMoneyCells(table, [index.cost, index.revenue], null, index.currency !== undefined, ctx);

  // The preamble's second line is the report's date range ("March 27, 2026 - April 23, 2026", "All time").
  const rangeText = adwords ? "" : (preamble.map(firstFilled).find((t, i) => i > 0 && t !== "") ?? "");
  const reportRange = adwords ? adwords.range : parseDateRangeText(rangeText, dateOrder);
  const segment = findSegment(header);
  const fallback: DateRange | null = reportRange ?? ctx.opts.period ?? null;
  if (index.date === undefined && !segment && !fallback) {
    const what = rangeText ? `covers '${rangeText}'` : adwords ? "covers 'All Time'" : "states no date range";
    throw new UserError(
      "report_without_dates",
      `this Google Ads report ${what} and has no Day column, so the dates of its rows are unknown: download it again with a custom date range (or segmented by Day), or pass the period it covers (--period 2026-01-01..2026-01-31)`,
    );
  }
  const firstApiZone = api && index.timezone !== undefined ? (recordAt(table, table.headerIndex + 1)?.record[index.timezone] ?? "").trim() || null : null;
  let totalsSeen = 0;
  // A totals row is told by its first filled cell ("Total: Campaigns", or "Total" in a UI export).
  const totalsOf = (first: string) => (GOOGLE_ADS_TOTALS.test(first) || (!api && /^(total|totale|gesamt|totaal|toplam|合計)$/i.test(first)) ? first : null);
  const plan: RowPlan = {
    source: "google-ads",
    columns,
    decimal,
    dateOrder,
    fileCurrency,
    timezone: reportTimezone(firstApiZone, ctx),
    accountId: ctx.opts.account ?? "",
    accountName: "",
    fallbackRange: fallback,
    totalsLabel: (record) => totalsOf(firstFilled(record)),
    fastTotals: totalsOf,
    // The first totals row under the data sums exactly the rows listed ("Total: Campaigns",
    // "Total: All but removed keywords"); account and channel totals cover other sets.
    checkTotals: (label) => {
      totalsSeen++;
      const kind = label.replace(GOOGLE_ADS_TOTALS, "").trim().toLowerCase();
      return totalsSeen === 1 && !PARTIAL_TOTALS.has(kind);
    },
    rowRange:
      segment && index.date === undefined
        ? (cell) => segmentRange(segment.kind, cell(segment.index), dateOrder, reportRange) ?? `'${cell(segment.index).trim()}' is not a ${segment.kind}`
        : undefined,
    derive: adNameFallback(header),
    streams: true,
  };
  if (plan.rowRange === undefined) delete plan.rowRange;
  const built = buildPlatformRows(table, plan, ctx);
  return { format: api ? "google-ads:api" : adwords ? "google-ads:adwords-api" : "google-ads:ui", ...built };
}

function findSegment(header: readonly string[]): { kind: SegmentKind; index: number } | null {
  const norm = header.map(normaliseHeader);
  for (const kind of ["week", "month", "quarter", "year"] as const) {
    const i = norm.findIndex((h) => SEGMENTS[kind].includes(h));
    if (i >= 0) return { kind, index: i };
  }
  return null;
}

/** Responsive ads have no name: the ad is named by its first headline, so ad-level rows stay apart. */
function adNameFallback(header: readonly string[]): RowPlan["derive"] {
  const norm = header.map(normaliseHeader);
  const candidates = ["ad name", "headline 1", "headline", "long headline", "description"].map((h) => norm.indexOf(h)).filter((i) => i >= 0);
  if (candidates.length === 0) return undefined;
  return (row, cell) => {
    if (row.ad !== "" || row.ad_id !== "") return;
    for (const i of candidates) {
      const v = cell(i).trim();
      if (v !== "" && v !== "--") {
        row.ad = v;
        row.ad_id = v;
        return;
      }
    }
  };
}

export const googleAds: PlatformParser = {
  id: "google-ads",
  label: "Google Ads",
  aliases: SOURCE_ALIASES["google-ads"],
  knownHeaders: [...aliasNames(ALIASES), ...Object.values(SEGMENTS).flat(), "campaign status", "interaction rate", "avg. cpc", "status da campanha", "ctr"],
  match,
  parse,
};
