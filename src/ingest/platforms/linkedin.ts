import { type DateRange, daysInMonth, type IsoDate, isoToEpochDay } from "../../domain/dates.js";
import { SOURCE_ALIASES } from "../../domain/sources.js";
import { type AliasTable, aliasNames, resolveColumns } from "../columns.js";
import { normaliseHeader } from "../header.js";
import { type DateOrder, inferDateOrder, parseLocaleDate } from "../locale-date.js";
import { inferDecimalMark } from "../locale-number.js";
import { withMicrosNames } from "../money-unit.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, type RowPlan, totalsByFirstCell } from "../platform-rows.js";
import { eachColumnCell } from "../platform-scan.js";
import { currencyOfMoneyCells, reportTimezone } from "../report-currency.js";
import { headerOf } from "../table-records.js";
import { firstFilled, preambleOf, sampleCells } from "../table-samples.js";
import { addWarning } from "../types.js";
import { aliasesOf, headerLanguage, localeHints, namesOf } from "../ui-names.js";
import { LINKEDIN_NAMES, LINKEDIN_SIGNATURE } from "./names/linkedin-names.js";

/**
 * LinkedIn Campaign Manager exports: UTF-16LE, tab-separated, with or without a preamble (title,
 * "Report Start", "Report End", "Date Generated"), headers and numbers in the UI language
 * (pt-BR "454,06" and dd/mm/yyyy are seen in a real file; the other languages of
 * names/linkedin-names.ts are the help pages' translations, marked unconfirmed there).
 *
 * Levels: LinkedIn nests campaign group → campaign → creative. A campaign group is a container
 * of campaigns (budget and schedule, like a portfolio); the campaign is where targeting, bidding
 * and the budget that spends live, and every campaign and creative report names it. So cpi's
 * campaign is the LinkedIn campaign (the same in a campaign and a creative export, so one replaces
 * the other on re-import), ad is the creative, and ad_group stays empty: LinkedIn has no level
 * between campaign and creative. The campaign group is not kept.
 */
const ALIASES: AliasTable = withMicrosNames(aliasesOf(LINKEDIN_NAMES));

/** Columns only LinkedIn has, that tell its exports apart (in every UI language of the names table). */
const SIGNATURE = [
  ...namesOf(LINKEDIN_NAMES, ["cost", "date"]).filter((n) => !["amount spent", "cost in local currency", "cost_in_local_currency", "start date"].includes(n)),
  ...LINKEDIN_SIGNATURE,
];
const START = /^(report start|início do relatório|début du rapport|berichtsbeginn|inicio del informe)\s*:\s*(.+)$/i;
const END = /^(report end|fim do relatório|fin du rapport|berichtsende|fin del informe)\s*:\s*(.+)$/i;

function preambleRange(preamble: readonly (readonly string[])[], order: DateOrder): { from: IsoDate | null; to: IsoDate | null } {
  let from: IsoDate | null = null;
  let to: IsoDate | null = null;
  for (const record of preamble) {
    const text = firstFilled(record);
    const s = START.exec(text);
    const e = END.exec(text);
    if (s) from = parseLocaleDate(s[2] as string, order);
    if (e) to = parseLocaleDate(e[2] as string, order);
  }
  return { from, to };
}

function match(header: readonly string[], preamble: readonly (readonly string[])[]): PlatformMatch {
  const norm = header.map(normaliseHeader);
  const signed = SIGNATURE.some((h) => norm.includes(h));
  const titled = preamble.some((r) => /\((in|em|en) utc\)$/i.test(firstFilled(r)) || START.test(firstFilled(r)));
  if (!signed && !titled)
    return {
      reason: "no 'Total Spent' or 'Start Date (in UTC)' column (nor their translations) and no LinkedIn preamble",
    };
  if (header.length === 0) return { score: 6 };
  const cols = resolveColumns(header, ALIASES);
  if (cols.index.cost === undefined || cols.index.impressions === undefined) return { reason: "no spend or impressions column" };
  return { score: 8 };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  if (table.headerIndex < 0) {
    // A preamble and nothing else: LinkedIn writes this when the report has no rows.
    return {
      format: "linkedin:campaign-manager",
      rows: [],
      rowLines: [],
      reach: [],
    };
  }
  const header = headerOf(table).record;
  const columns = resolveColumns(header, ALIASES);
  const { index } = columns;
  const norm = header.map(normaliseHeader);
  const hints = localeHints(headerLanguage(LINKEDIN_NAMES, norm));
  const decimal = inferDecimalMark(sampleCells(table, [index.cost, index.conversions, index.revenue, index.frequency]), hints.decimal);
  const dateCols = norm.map((h, i) => (/date|data|datum|fecha|tarih|tanggal|日/.test(h) ? i : -1)).filter((i) => i >= 0);
  const dateOrder = inferDateOrder(sampleCells(table, dateCols, 500), hints.dateOrder);
  const fileCurrency = currencyOfMoneyCells(table, [index.cost, index.revenue], null, index.currency !== undefined, ctx);
  const report = preambleRange(preambleOf(table), dateOrder);
  const ranges = rowRanges(table, index.date, dateOrder, report, ctx);
  const plan: RowPlan = {
    source: "linkedin",
    columns,
    decimal,
    dateOrder,
    fileCurrency,
    timezone: reportTimezone("UTC", ctx),
    accountId: ctx.opts.account ?? "",
    accountName: "",
    fallbackRange: report.from && report.to ? { from: report.from, to: report.to } : (ctx.opts.period ?? null),
    noRangeReason: "the export has no start date column and no Report Start/End: pass the period it covers (--period 2026-05-01..2026-05-31)",
    ...totalsByFirstCell(/^total\b/i),
    rowRange: ranges ?? undefined,
    streams: true,
  };
  if (!ranges) delete plan.rowRange;
  return {
    format: "linkedin:campaign-manager",
    ...buildPlatformRows(table, plan, ctx),
  };
}

/**
 * Each row's dates from its start date and the report's granularity: one start date for every row
 * is a whole-report row (up to Report End, or --period), first-of-month dates a month apart are
 * monthly rows, anything else daily rows. Without Report End a single date is taken as one day,
 * with a warning.
 */
function rowRanges(
  table: Table,
  dateCol: number | undefined,
  order: DateOrder,
  report: { from: IsoDate | null; to: IsoDate | null },
  ctx: PlatformContext,
): RowPlan["rowRange"] | null {
  if (dateCol === undefined) return null;
  // A report has few distinct start dates among many rows: each is read once.
  const seen = new Set<string>();
  const starts = new Set<IsoDate>();
  eachColumnCell(table, dateCol, (raw) => {
    if (seen.has(raw)) return;
    seen.add(raw);
    const d = parseLocaleDate(raw, order);
    if (d) starts.add(d);
  });
  const sorted = [...starts].sort();
  const period = ctx.opts.period;
  let end: ((start: IsoDate) => IsoDate) | null = null;
  if (sorted.length === 1) {
    const only = sorted[0] as IsoDate;
    if (report.to && report.to >= only) end = () => report.to as IsoDate;
    else if (period && period.from === only) end = () => period.to;
    else {
      addWarning(
        ctx.sink,
        headerOf(table).line + 1,
        undefined,
        `every row starts on ${only} and the file does not say where the report ends: rows are taken as that one day; pass --period ${only}..END if the export covers more days`,
      );
    }
  } else if (sorted.length > 1 && sorted.every((d) => d.endsWith("-01")) && minGapDays(sorted) >= 28) {
    end = (start) => {
      const y = Number(start.slice(0, 4));
      const m = Number(start.slice(5, 7));
      const monthEnd = `${start.slice(0, 8)}${String(daysInMonth(y, m)).padStart(2, "0")}`;
      return report.to && report.to < monthEnd ? report.to : monthEnd;
    };
  }
  const ranges = new Map<string, DateRange | string>();
  return (cell) => {
    const raw = cell(dateCol).trim();
    let range = ranges.get(raw);
    if (range === undefined) {
      const from = parseLocaleDate(raw, order);
      range = !from ? (raw === "" ? "the start date is empty" : `'${raw}' is not a date`) : { from, to: end ? end(from) : from };
      if (ranges.size >= 4096) ranges.clear();
      ranges.set(raw, range);
    }
    return range;
  };
}

function minGapDays(sorted: readonly IsoDate[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) {
    const days = (isoToEpochDay(sorted[i] as IsoDate) as number) - (isoToEpochDay(sorted[i - 1] as IsoDate) as number);
    min = Math.min(min, days);
  }
  return min;
}

export const linkedin: PlatformParser = {
  id: "linkedin",
  label: "LinkedIn Campaign Manager",
  aliases: SOURCE_ALIASES.linkedin,
  knownHeaders: [...aliasNames(ALIASES), ...SIGNATURE],
  readsHeaderless: true,
  match,
  parse,
};
