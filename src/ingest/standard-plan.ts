import type { DateRange } from "../domain/dates.js";
import { type AliasTable, resolveColumns } from "./columns.js";
import { normaliseHeader } from "./header.js";
import { type DateOrder, inferDateOrder } from "./locale-date.js";
import { type DecimalMark, inferDecimalMark } from "./locale-number.js";
import { withMicrosNames } from "./money-unit.js";
import type { PlatformContext, Table } from "./platform.js";
import { type RowPlan, totalsByFirstCell } from "./platform-rows.js";
import { checkFileCurrency, currencyOfMoneyCells, reportTimezone } from "./report-currency.js";
import { recordAt } from "./table-records.js";
import { sampleCells } from "./table-samples.js";
import { TOTALS_LABEL } from "./totals-shape.js";
import { headerLanguage, localeHints, type UiNameTable } from "./ui-names.js";

export interface StandardPlanInput {
  source: string;
  aliases: AliasTable;
  /** Decimal mark and date order to assume when the data does not tell (else the header's UI language's). */
  decimalHint?: DecimalMark;
  dateOrderHint?: DateOrder;
  /** The platform's UI names, which tell the header's language (and so its number and date formats). */
  names?: UiNameTable;
  /** A currency the file states for every row (preamble), or null. */
  fileCurrency?: string | null;
  /** A time zone the file states (preamble), or null. */
  fileZone?: string | null;
  /** The dates rows without a date column cover (preamble), before --period. */
  reportRange?: DateRange | null;
  noRangeReason?: string;
  /** When false, a file without cost column and currency is allowed (ad-server reports). */
  needsCurrency?: boolean;
}

/**
 * The plan most platforms need: columns by alias, decimal mark and date order guessed from the
 * data, currency (stated, or read from the money cells' signs) and time zone checked against the
 * options, totals rows ("Total", "Grand Total", or told by their shape) left out and checked.
 * @example standardPlan(table, ctx, { source: "tiktok", aliases }).columns.index.cost // 4
 */
export function standardPlan(table: Table, ctx: PlatformContext, input: StandardPlanInput): RowPlan {
  const header = recordAt(table, table.headerIndex)?.record ?? [];
  const columns = resolveColumns(header, withMicrosNames(input.aliases));
  const { index } = columns;
  const hints = localeHints(input.names ? headerLanguage(input.names, header.map(normaliseHeader)) : null);
  const decimal = inferDecimalMark(sampleCells(table, [index.cost, index.revenue, index.conversions, index.frequency]), input.decimalHint ?? hints.decimal);
  const dateOrder = inferDateOrder(sampleCells(table, [index.date, index.date_start, index.date_end], 500), input.dateOrderHint ?? hints.dateOrder);
  const stated = checkFileCurrency(input.fileCurrency ?? columns.headerCurrency, "the file", ctx);
  const fileCurrency =
    input.needsCurrency === false && index.cost === undefined ? stated : currencyOfMoneyCells(table, [index.cost, index.revenue], stated, index.currency !== undefined, ctx);
  const plan: RowPlan = {
    source: input.source,
    columns,
    decimal,
    dateOrder,
    fileCurrency,
    timezone: reportTimezone(input.fileZone ?? null, ctx),
    accountId: ctx.opts.account ?? "",
    accountName: "",
    fallbackRange: input.reportRange ?? ctx.opts.period ?? null,
    ...totalsByFirstCell(TOTALS_LABEL),
    checkTotals: () => true,
    // Rows go out in batches as they are made: a platform that needs its rows again after
    // buildPlatformRows (Microsoft's hourly rows summed to days) turns this off.
    streams: true,
  };
  if (input.noRangeReason) plan.noRangeReason = input.noRangeReason;
  return plan;
}
