import type { DateRange } from "../domain/dates.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import type { Columns, Role } from "./columns.js";
import type { DateOrder } from "./locale-date.js";
import type { DecimalMark } from "./locale-number.js";
import { withMoneyUnit } from "./money-unit.js";
import type { PlatformContext, Table } from "./platform.js";
import { PlatformRowBuilder } from "./platform-row-builder.js";
import { scanDelimited } from "./platform-scan.js";
import { recordAt, recordsFrom } from "./table-records.js";
import { firstFilled } from "./table-samples.js";
import { addError } from "./types.js";

export { addFileTotals, reachLevel, reachOfRow } from "./platform-row-builder.js";

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
  /** Whether a totals row the plan labels should equal the sum of the rows (goes to fileTotals). Default: no. */
  checkTotals?(label: string, record: readonly string[]): boolean;
  /**
   * Totals rows are also told by their shape (totals-shape.ts: identity cells holding labels,
   * placeholders or nothing); default yes. `identityColumns` adds columns to the identities
   * (a platform's breakdowns), and `checkShapeTotals: false` keeps such rows out of the check.
   */
  totalsByShape?: boolean;
  identityColumns?: readonly number[];
  checkShapeTotals?: boolean;
  /** True for the first record after the data (a footer). */
  endOfData?(record: readonly string[]): boolean;
  /** Cleans a text cell before use ("[123]" → "123"). */
  cleanText?(value: string): string;
  /**
   * A row's dates when the platform writes them its own way; a string is an error message. It reads
   * the record through `cell` (a raw cell by column), so records read as spans can use it too.
   */
  rowRange?(cell: CellOf): DateRange | string | null;
  /** Whether reach/frequency columns are read into reach rows (default: yes when present). */
  keepReach?: boolean;
  /** Reach stated by a totals row (Meta's summary row), if any. */
  totalsReach?(label: string, record: readonly string[]): PlatformReachRow | null;
  /** Last touches to a row built from a record (a name taken from another column, say), read through `cell`. */
  derive?(row: SpendRow, cell: CellOf): void;
  /**
   * The parser returns the rows as built (no later pass over them): when the caller takes column
   * batches (`ctx.onColumns`, a large file's import), each batch goes out as soon as it is full, so
   * the store writes while the rest is parsed, and the rows are not kept.
   */
  streams?: boolean;
  /**
   * How the fast scan of a delimited file (platform-scan.ts) tells totals rows without splitting
   * each record: "first" when only the first data record can be one (it is always read as cells),
   * or the label (else null) of a record whose first filled cell is the one given, when that cell
   * alone decides, as in totalsLabel. Without it, every record is read as cells.
   */
  fastTotals?: "first" | ((firstFilled: string) => string | null);
}

/**
 * Totals rows told by their first filled cell alone: the plan's totalsLabel and the fast scan's
 * fastTotals from one rule, so the two ways through a file cannot drift apart.
 * @example totalsByFirstCell(/^total\b/i).fastTotals("Total: Account") // "Total: Account"
 */
export function totalsByFirstCell(pattern: RegExp): Pick<RowPlan, "totalsLabel" | "fastTotals"> {
  if (pattern.global || pattern.sticky) throw new Error("totalsByFirstCell needs a pattern without state (no g or y flag)");
  const label = (first: string): string | null => (pattern.test(first) ? first : null);
  return { totalsLabel: (record) => label(firstFilled(record)), fastTotals: label };
}

/** A record's raw cell by column ("" past its end), however the record was read. */
export type CellOf = (column: number) => string;

export interface BuiltRows {
  rows: SpendRow[];
  rowLines: number[];
  reach: PlatformReachRow[];
}

/**
 * Turns the data records of a platform table into spend rows, reach rows, file totals and located
 * issues, following the plan (which columns, which locale, which dates, which totals rows). A
 * delimited table whose plan allows it is scanned fast (platform-scan.ts); the rows are the same.
 * @example buildPlatformRows(table, plan, ctx).rows.length
 */
export function buildPlatformRows(table: Table, plan: RowPlan, ctx: PlatformContext): BuiltRows {
  const head = recordAt(table, table.headerIndex);
  const width = head?.record.length ?? 0;
  plan.columns = withMoneyUnit(plan.columns, ctx.opts.moneyUnit);
  // Rows without a date of their own and no range to give them: said once for the file, not per row.
  const { index } = plan.columns;
  if (index.date === undefined && index.date_start === undefined && index.date_end === undefined && !plan.rowRange && !plan.fallbackRange) {
    addError(ctx.sink, head?.line ?? 1, undefined, plan.noRangeReason ?? "the report has no date column and states no dates: pass the period it covers (--period 2026-01-01..2026-01-31)");
    return { rows: [], rowLines: [], reach: [] };
  }
  const builder = new PlatformRowBuilder(plan, ctx, width);
  if (table.body && width > 0 && scansFast(plan)) {
    scanDelimited(
      table.body,
      width,
      (spans, line) => builder.spans(spans, line),
      (record, line) => builder.record(record, line),
    );
  } else {
    for (const { record, line } of recordsFrom(table, table.headerIndex + 1)) if (!builder.record(record, line)) break;
  }
  return builder.finish();
}

/**
 * Whether a plan's records may be read as spans: it says how totals rows are told, and has no hook
 * that needs a whole record (endOfData) or a cleaning the spans' text cache does not apply (cleanText).
 */
function scansFast(plan: RowPlan): boolean {
  return plan.fastTotals !== undefined && !plan.endOfData && !plan.cleanText;
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

