import type { DateRange } from "../domain/dates.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import { blankSpendRow } from "../domain/spend.js";
import { SpendColumnsBuilder } from "../domain/spend-columns.js";
import type { Columns, Role } from "./columns.js";
import { isBlankRecord } from "./delimited.js";
import { ROW_BATCH } from "./generic-row.js";
import type { DateOrder } from "./locale-date.js";
import { type DecimalMark, readLocaleNumber } from "./locale-number.js";
import type { PlatformContext, Table } from "./platform.js";
import { RecordReader } from "./record-reader.js";
import { rowCurrencyReader } from "./report-currency.js";
import { recordAt, recordsFrom } from "./table-records.js";
import { addError } from "./types.js";

/** Everything the shared row builder needs to know about one platform file. */
export interface RowPlan {
  source: string;
  columns: Columns;
  decimal: DecimalMark;
  dateOrder: DateOrder;
  /** The currency the file states for all its rows (header or preamble), or null. */
  fileCurrency: string | null;
  timezone: string;
  accountId: string;
  accountName: string;
  /** Dates of rows without a date of their own (preamble range, --period), or null. */
  fallbackRange: DateRange | null;
  /** Why rows without a date cannot be dated, when fallbackRange is null. */
  noRangeReason?: string;
  /** The label of a totals row (null for a data row); `nth` counts data records from 0. */
  totalsLabel(record: readonly string[], nth: number): string | null;
  /** Whether a totals row should equal the sum of the rows (goes to fileTotals). Default: no. */
  checkTotals?(label: string, record: readonly string[]): boolean;
  /** True for the first record after the data (a footer). */
  endOfData?(record: readonly string[]): boolean;
  /** Cleans a text cell before use ("[123]" → "123"). */
  cleanText?(value: string): string;
  /** A row's dates when the platform writes them its own way; a string is an error message. */
  rowRange?(record: readonly string[]): DateRange | string | null;
  /** Whether reach/frequency columns are read into reach rows (default: yes when present). */
  keepReach?: boolean;
  /** Reach stated by a totals row (Meta's summary row), if any. */
  totalsReach?(label: string, record: readonly string[]): PlatformReachRow | null;
  /** Last touches to a row built from a record (a name taken from another column, say). */
  derive?(row: SpendRow, record: readonly string[]): void;
  /**
   * The parser returns the rows as built (no later pass over them): when the caller takes column
   * batches (`ctx.onColumns`, a large file's import), each batch goes out as soon as it is full, so
   * the store writes while the rest is parsed, and the rows are not kept.
   */
  streams?: boolean;
}

export interface BuiltRows {
  rows: SpendRow[];
  rowLines: number[];
  reach: PlatformReachRow[];
}

const BREAKDOWNS: Role[] = ["country", "device", "age", "gender", "placement"];

/**
 * Turns the data records of a platform table into spend rows, reach rows, file totals and located
 * issues, following the plan (which columns, which locale, which dates, which totals rows).
 * @example buildPlatformRows(table, plan, ctx).rows.length
 */
export function buildPlatformRows(table: Table, plan: RowPlan, ctx: PlatformContext): BuiltRows {
  const out: BuiltRows = { rows: [], rowLines: [], reach: [] };
  const { index, name } = plan.columns;
  const currencyOf = rowCurrencyReader(plan.fileCurrency, ctx, index.currency, name.currency);
  const width = recordAt(table, table.headerIndex)?.record.length ?? 0;
  const reader = new RecordReader(plan, ctx);
  const onColumns = plan.streams ? ctx.onColumns : undefined;
  let batch = onColumns ? new SpendColumnsBuilder(ROW_BATCH) : null;
  // Streamed rows are copied into the batch's columns: one row object, every field set for each record.
  const streamed = batch ? blankSpendRow() : null;
  let nth = -1;
  for (const { record, line } of recordsFrom(table, table.headerIndex + 1)) {
    if (plan.endOfData?.(record)) break;
    if (isBlankRecord(record)) continue;
    nth++;
    const label = plan.totalsLabel(record, nth);
    if (label !== null) {
      if (plan.checkTotals?.(label, record)) addFileTotals(label, record, plan, ctx);
      const reach = plan.totalsReach?.(label, record);
      if (reach) out.reach.push(reach);
      continue;
    }
    reader.start(record, line);
    if (record.length !== width && (record.length < width || record.slice(width).some((c) => c.trim() !== ""))) {
      reader.fail(
        null,
        `row has ${record.length} fields but the header has ${width}: ${record.length > width ? "an unquoted delimiter in a value" : "a missing delimiter"}?`,
      );
      continue;
    }
    const range = reader.dates();
    const row = streamed ?? blankSpendRow();
    row.source = plan.source;
    row.account_id = reader.text("account_id") || plan.accountId;
    row.account_name = reader.text("account_name") || plan.accountName;
    row.account_timezone = plan.timezone;
    row.currency = currencyOf(reader.cell("currency"), line, reader.failer);
    // A name defaults to its id and an id to its name, so every level is identified either way.
    row.campaign_id = reader.text("campaign_id");
    row.campaign = reader.text("campaign") || row.campaign_id;
    row.campaign_id ||= row.campaign;
    row.ad_group_id = reader.text("ad_group_id");
    row.ad_group = reader.text("ad_group") || row.ad_group_id;
    row.ad_group_id ||= row.ad_group;
    row.ad_id = reader.text("ad_id");
    row.ad = reader.text("ad") || row.ad_id;
    row.ad_id ||= row.ad;
    row.placement = reader.text("placement");
    row.country = reader.text("country");
    row.device = reader.text("device");
    row.age = reader.text("age");
    row.gender = reader.text("gender");
    const costRole = index.cost !== undefined ? "cost" : "cost_micros";
    const cost = reader.num(costRole, costRole === "cost" ? "money" : "micros");
    const revenue = index.revenue !== undefined ? reader.num("revenue", "money") : reader.num("revenue_micros", "micros");
    row.cost = (cost as bigint | null) ?? 0n;
    row.revenue = (revenue as bigint | null) ?? 0n;
    row.impressions = (reader.num("impressions", "count") as number | null) ?? 0;
    row.clicks = (reader.num("clicks", "count") as number | null) ?? 0;
    row.conversions = (reader.num("conversions", "decimal") as number | null) ?? 0;
    row.viewable_impressions = (reader.num("viewable_impressions", "count") as number | null) ?? 0;
    row.measurable_impressions = (reader.num("measurable_impressions", "count") as number | null) ?? 0;
    if (row.cost < 0n) reader.fail(costRole, `cost is negative (${reader.cell(costRole).trim()})`);
    if (reader.errors > 0 || !range) continue;
    plan.derive?.(row, record);
    row.date_start = range.from;
    row.date_end = range.to;
    if (batch && onColumns) {
      batch.add(row);
      if (batch.length === ROW_BATCH) {
        onColumns(batch.finish());
        batch = new SpendColumnsBuilder(ROW_BATCH);
      }
    } else {
      out.rows.push(row);
      out.rowLines.push(line);
    }
    if (index.reach !== undefined && plan.keepReach !== false) {
      const reach = reader.num("reach", "count") as number | null;
      const frequency = reader.num("frequency", "decimal") as number | null;
      const level = reachLevel(row);
      if (reach !== null && level) {
        out.reach.push({
          source: row.source,
          account_id: row.account_id,
          level,
          campaign: row.campaign,
          ad_group: row.ad_group,
          ad: row.ad,
          date_start: row.date_start,
          date_end: row.date_end,
          reach,
          impressions: row.impressions,
          frequency,
        });
      }
    }
  }
  if (batch && onColumns && batch.length > 0) onColumns(batch.finish());
  return out;
}

/**
 * One error on the header line naming the measures a report lacks (cost, impressions): without
 * them its rows would replace real figures with zeros. Returns an empty result then, else null.
 * @example missingColumns(columns, ctx, 11, { cost: "Spend", impressions: "Impressions" })
 */
export function missingColumns(columns: Columns, ctx: PlatformContext, headerLine: number, required: Partial<Record<Role, string>>): BuiltRows | null {
  const missing = Object.entries(required)
    .filter(([role]) => columns.index[role as Role] === undefined && !(role === "cost" && columns.index.cost_micros !== undefined))
    .map(([, label]) => label);
  if (missing.length === 0) return null;
  addError(
    ctx.sink,
    headerLine,
    undefined,
    `the report has no ${missing.join(" and no ")} column: add ${missing.length > 1 ? "them" : "it"} to the report and export it again`,
  );
  return { rows: [], rowLines: [], reach: [] };
}

/** The level of a row's reach, or null when the row is a breakdown (reach by age, country… has no level). @example reachLevel(adSetRow) // "ad_group" */
export function reachLevel(row: SpendRow): PlatformReachRow["level"] | null {
  for (const b of BREAKDOWNS) if (row[b as keyof SpendRow] !== "") return null;
  if (row.ad !== "") return "ad";
  if (row.ad_group !== "") return "ad_group";
  if (row.campaign !== "") return "campaign";
  return "account";
}

/**
 * Adds a totals row's cost, impressions and clicks to the file totals (the app checks the rows add
 * up to them). @example addFileTotals("Grand Total:", record, plan, ctx)
 */
export function addFileTotals(label: string, record: readonly string[], plan: RowPlan, ctx: PlatformContext): void {
  const { index } = plan.columns;
  const read = (i: number | undefined): number | null => {
    if (i === undefined) return null;
    const v = readLocaleNumber(record[i] ?? "", plan.decimal);
    return v.kind === "number" ? Number(v.text) : null;
  };
  const cost =
    index.cost !== undefined
      ? read(index.cost)
      : (() => {
          const micros = read(index.cost_micros);
          return micros === null ? null : micros / 1e6;
        })();
  const impressions = read(index.impressions);
  const clicks = read(index.clicks);
  const totals = ctx.sink.fileTotals;
  if (cost !== null) totals.push({ label, measure: "cost", expected: cost });
  if (impressions !== null) totals.push({ label, measure: "impressions", expected: impressions });
  if (clicks !== null) totals.push({ label, measure: "clicks", expected: clicks });
}
