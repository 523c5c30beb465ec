import type { DateRange } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { addTotals } from "../../domain/measures.js";
import type { SpendRow } from "../../domain/spend.js";
import { type AliasTable, aliasNames, headerSet, resolveColumns } from "../columns.js";
import { parseDateRangeText, parseLocaleDate } from "../locale-date.js";
import { inferDecimalMark } from "../locale-number.js";
import { withMicrosNames } from "../money-unit.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, missingColumns, type RowPlan } from "../platform-rows.js";
import { currencyOfMoneyCells, reportTimezone } from "../report-currency.js";
import { type SegmentKind, segmentRange } from "../segment-period.js";
import { headerOf, recordAt } from "../table-records.js";
import { firstFilled, preambleOf, sampleCells } from "../table-samples.js";
import { timeZoneFromLabel } from "../time-zone.js";
import { aliasesOf, hasEveryRole } from "../ui-names.js";
import { MICROSOFT_NAMES } from "./names/microsoft-names.js";

/**
 * Microsoft Advertising (Bing Ads): the UI grid download (UTF-8 BOM, ids as "[123]", "Search total"
 * rows, no currency and no dates in the file) and the report download / Reporting API file
 * (quoted "Report Name: …" preamble, "Time Zone:", a copyright footer, FormatVersion 1.0 with
 * thousands separators or 2.0 without, TimePeriod per aggregation; hourly rows are summed to days).
 */
const ALIASES: AliasTable = withMicrosNames(aliasesOf(MICROSOFT_NAMES));

/** Columns that only Microsoft Advertising files have. */
const SIGNATURE = [
  "timeperiod",
  "currencycode",
  "accountid",
  "campaignname",
  "campaignid",
  "adgroupname",
  "devicetype",
  "bid strategy type",
  "budget type",
  "delivery",
  "conv.",
  "top impr. rate",
  "abs. top impr. rate",
  "optimization score",
];
const FOOTER = /^[©@]\s?\d{4}\s+microsoft corporation/i;
const AGGREGATION: Record<string, SegmentKind | "day" | "hour" | "none"> = {
  summary: "none",
  hourly: "hour",
  daily: "day",
  weekly: "week",
  weeklystartingmonday: "week",
  monthly: "month",
  yearly: "year",
  dayofweek: "none",
  hourofday: "none",
};

function readPreamble(preamble: readonly (readonly string[])[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of preamble) {
    const m = /^([^:]+):\s*(.*)$/.exec(firstFilled(record));
    if (m) out.set((m[1] as string).trim().toLowerCase(), (m[2] as string).trim());
  }
  return out;
}

function match(header: readonly string[], preamble: readonly (readonly string[])[], forced = false): PlatformMatch {
  const names = headerSet(header);
  const hits = SIGNATURE.filter((h) => names.has(h)).length + (readPreamble(preamble).has("report name") ? 3 : 0);
  const measures = hasEveryRole(MICROSOFT_NAMES, names, ["cost", "impressions"]);
  if (hits >= 3 || (hits > 0 && measures)) return { score: 4 + hits };
  // A UI grid in another language has none of the English-only columns above: named with --source,
  // its spend and impressions in that language are enough.
  if (forced && measures) return { score: 1 };
  if (!hasEveryRole(MICROSOFT_NAMES, names, ["cost"])) return { reason: "no 'Spend' column (nor its translation) and no 'Report Name:' preamble" };
  return {
    reason: "none of its columns (TimePeriod, CampaignName, Bid Strategy Type…) and no 'Report Name:' preamble",
  };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const head = headerOf(table);
  const header = head.record;
  const columns = resolveColumns(header, ALIASES);
  const { index } = columns;
  const names = headerSet(header);
  const preamble = readPreamble(preambleOf(table));
  const report = preamble.has("report name") || names.has("timeperiod") || names.has("campaignname") || names.has("accountid");
  const headerLine = head.line;
  const missing = missingColumns(columns, ctx, headerLine, {
    cost: "Spend",
    impressions: "Impressions",
  });
  if (missing)
    return {
      format: report ? "microsoft-ads:report" : "microsoft-ads:grid",
      ...missing,
    };
  const decimal = inferDecimalMark(sampleCells(table, [index.cost, index.revenue, index.conversions]), ".");
  const fileCurrency = currencyOfMoneyCells(table, [index.cost, index.revenue], null, index.currency !== undefined, ctx);
  const reportTime = preamble.get("report time");
  const reportRange = reportTime ? parseDateRangeText(reportTime, "mdy") : null;
  const aggregation = AGGREGATION[(preamble.get("report aggregation") ?? "").toLowerCase().replace(/\s+/g, "")];
  const fallback: DateRange | null = reportRange ?? ctx.opts.period ?? null;
  if (index.date === undefined && !fallback) {
    throw new UserError(
      "report_without_dates",
      report
        ? "this Microsoft Advertising report has no TimePeriod column and no 'Report Time:' line, so its dates are unknown: pass --period"
        : "a Microsoft Advertising grid download does not state the dates it covers: pass the period you downloaded (--period 2026-01-01..2026-01-31)",
    );
  }
  const zoneLabel = preamble.get("time zone");
  const zone = zoneLabel ? timeZoneFromLabel(zoneLabel) : null;
  const dateCol = index.date;
  const plan: RowPlan = {
    source: "microsoft-ads",
    columns,
    decimal,
    dateOrder: "mdy",
    fileCurrency,
    timezone: reportTimezone(zone, ctx),
    accountId: ctx.opts.account ?? "",
    accountName: "",
    fallbackRange: fallback,
    totalsLabel: (record) => {
      const first = firstFilled(record);
      return /^total$|\btotal$/i.test(first) ? first : null;
    },
    // Grid totals cover the whole account's campaigns of a type, not the rows shown: not checked
    // (nor a row of "-" told by its shape).
    checkShapeTotals: false,
    endOfData: (record) => FOOTER.test(firstFilled(record)),
    cleanText: (v) => /^\[(\d+)\]$/.exec(v)?.[1] ?? v,
  };
  if (dateCol !== undefined) {
    plan.rowRange = (cell) => {
      const raw = cell(dateCol).trim();
      const [day] = raw.split("|");
      const kind = aggregation && aggregation !== "none" && aggregation !== "day" && aggregation !== "hour" ? aggregation : null;
      const range = kind ? segmentRange(kind, day ?? "", "mdy", reportRange) : dayRange(day ?? "");
      if (range) return range;
      if (aggregation === "none" && fallback) return fallback;
      return raw === "" ? "TimePeriod is empty" : `'${raw}' is not a date`;
    };
  }
  // Hourly rows are summed to days once all are read; any other report streams its rows.
  const hourly = aggregation === "hour" || (dateCol !== undefined && hasHours(table, dateCol));
  plan.streams = !hourly;
  const built = buildPlatformRows(table, plan, ctx);
  const merged = hourly ? sumToDays(built.rows, built.rowLines) : built;
  return {
    format: report ? "microsoft-ads:report" : "microsoft-ads:grid",
    rows: merged.rows,
    rowLines: merged.rowLines,
    reach: [],
  };
}

function dayRange(text: string): DateRange | null {
  const iso = parseLocaleDate(text, "mdy");
  return iso ? { from: iso, to: iso } : null;
}

function hasHours(table: Table, col: number): boolean {
  const first = recordAt(table, table.headerIndex + 1)?.record[col] ?? "";
  return first.includes("|");
}

const MEASURES = ["cost", "impressions", "clicks", "conversions", "revenue", "viewable_impressions", "measurable_impressions"] as const;

/**
 * Sums rows that differ only by hour (same day and same dimensions) into one row per day; the
 * day's row keeps the line of its first hour.
 * @example sumToDays(hourRows, lines).rows.length // one per day and entity
 */
export function sumToDays(rows: readonly SpendRow[], rowLines: readonly number[]): { rows: SpendRow[]; rowLines: number[] } {
  const byKey = new Map<string, number>();
  const out: SpendRow[] = [];
  const lines: number[] = [];
  rows.forEach((row, i) => {
    const key = JSON.stringify(Object.entries(row).filter(([k]) => !(MEASURES as readonly string[]).includes(k)));
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, out.length);
      out.push({ ...row });
      lines.push(rowLines[i] as number);
      return;
    }
    addTotals(out[at] as SpendRow, row);
  });
  return { rows: out, rowLines: lines };
}

export const microsoftAds: PlatformParser = {
  id: "microsoft-ads",
  label: "Microsoft Advertising",
  aliases: ["microsoft", "bing", "bing-ads", "msads", "microsoft-advertising"],
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  match,
  parse,
};
