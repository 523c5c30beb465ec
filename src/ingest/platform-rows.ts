import type { DateRange } from "../domain/dates.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import { blankSpendRow } from "../domain/spend.js";
import type { Columns, Role } from "./columns.js";
import { isBlankRecord } from "./delimited.js";
import { type DateOrder, parseLocaleDate } from "./locale-date.js";
import { type DecimalMark, plainToMicros, plainToWhole, readLocaleNumber } from "./locale-number.js";
import type { PlatformContext, Table } from "./platform.js";
import { rowCurrencyReader } from "./report-currency.js";
import { addError, addWarning } from "./types.js";

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
}

export interface BuiltRows {
  rows: SpendRow[];
  rowLines: number[];
  reach: PlatformReachRow[];
}

const EMPTY_TEXT = new Set(["--", "-", "—", "(not set)", "n/a"]);
const BREAKDOWNS: Role[] = ["country", "device", "age", "gender", "placement"];

/**
 * Turns the data records of a platform table into spend rows, reach rows, file totals and located
 * issues, following the plan (which columns, which locale, which dates, which totals rows).
 * @example buildPlatformRows(table, plan, ctx).rows.length
 */
export function buildPlatformRows(table: Table, plan: RowPlan, ctx: PlatformContext): BuiltRows {
  const out: BuiltRows = { rows: [], rowLines: [], reach: [] };
  const { index, name } = plan.columns;
  const sink = ctx.sink;
  const currencyOf = rowCurrencyReader(plan.fileCurrency, ctx, index.currency, name.currency);
  const width = (table.rows[table.headerIndex] as string[]).length;
  let nth = -1;
  for (let r = table.headerIndex + 1; r < table.rows.length; r++) {
    const record = table.rows[r] as string[];
    const line = table.lines[r] as number;
    if (plan.endOfData?.(record)) break;
    if (isBlankRecord(record)) continue;
    nth++;
    const cell = (role: Role): string => {
      const i = index[role];
      return i === undefined ? "" : (record[i] ?? "");
    };
    const text = (role: Role): string => {
      const v = cell(role).trim();
      const cleaned = plan.cleanText ? plan.cleanText(v) : v;
      return EMPTY_TEXT.has(cleaned.toLowerCase()) ? "" : cleaned;
    };
    const label = plan.totalsLabel(record, nth);
    if (label !== null) {
      if (plan.checkTotals?.(label, record)) addFileTotals(label, record, plan, ctx);
      const reach = plan.totalsReach?.(label, record);
      if (reach) out.reach.push(reach);
      continue;
    }
    const errors: string[] = [];
    const fail = (role: Role | null, message: string) => {
      errors.push(message);
      addError(sink, line, role ? name[role] : undefined, message);
    };
    const num = (role: Role, kind: "money" | "micros" | "count" | "decimal"): bigint | number | null =>
      readMeasure(cell(role), role, kind, plan, line, ctx, fail);

    if (record.length !== width && (record.length < width || record.slice(width).some((c) => c.trim() !== ""))) {
      fail(
        null,
        `row has ${record.length} fields but the header has ${width}: ${record.length > width ? "an unquoted delimiter in a value" : "a missing delimiter"}?`,
      );
      continue;
    }
    const range = rowDates(record, plan, cell, fail);
    const row = blankSpendRow();
    row.source = plan.source;
    row.account_id = text("account_id") || plan.accountId;
    row.account_name = text("account_name") || plan.accountName;
    row.account_timezone = plan.timezone;
    row.currency = currencyOf(cell("currency"), line, fail);
    // A name defaults to its id and an id to its name, so every level is identified either way.
    row.campaign_id = text("campaign_id");
    row.campaign = text("campaign") || row.campaign_id;
    row.campaign_id ||= row.campaign;
    row.ad_group_id = text("ad_group_id");
    row.ad_group = text("ad_group") || row.ad_group_id;
    row.ad_group_id ||= row.ad_group;
    row.ad_id = text("ad_id");
    row.ad = text("ad") || row.ad_id;
    row.ad_id ||= row.ad;
    row.placement = text("placement");
    row.country = text("country");
    row.device = text("device");
    row.age = text("age");
    row.gender = text("gender");
    const cost = index.cost !== undefined ? num("cost", "money") : num("cost_micros", "micros");
    const revenue = index.revenue !== undefined ? num("revenue", "money") : num("revenue_micros", "micros");
    row.cost = (cost as bigint | null) ?? 0n;
    row.revenue = (revenue as bigint | null) ?? 0n;
    row.impressions = (num("impressions", "count") as number | null) ?? 0;
    row.clicks = (num("clicks", "count") as number | null) ?? 0;
    row.conversions = (num("conversions", "decimal") as number | null) ?? 0;
    row.viewable_impressions = (num("viewable_impressions", "count") as number | null) ?? 0;
    row.measurable_impressions = (num("measurable_impressions", "count") as number | null) ?? 0;
    if (row.cost < 0n)
      fail(index.cost !== undefined ? "cost" : "cost_micros", `cost is negative (${cell(index.cost !== undefined ? "cost" : "cost_micros").trim()})`);
    if (errors.length > 0 || !range) continue;
    plan.derive?.(row, record);
    row.date_start = range.from;
    row.date_end = range.to;
    out.rows.push(row);
    out.rowLines.push(line);
    if (index.reach !== undefined && plan.keepReach !== false) {
      const reach = num("reach", "count") as number | null;
      const frequency = num("frequency", "decimal") as number | null;
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

/** The level of a row's reach, or null when the row is a breakdown (reach by age, country… has no level). */
export function reachLevel(row: SpendRow): PlatformReachRow["level"] | null {
  for (const b of BREAKDOWNS) if (row[b as keyof SpendRow] !== "") return null;
  if (row.ad !== "") return "ad";
  if (row.ad_group !== "") return "ad_group";
  if (row.campaign !== "") return "campaign";
  return "account";
}

function rowDates(
  record: readonly string[],
  plan: RowPlan,
  cell: (role: Role) => string,
  fail: (role: Role | null, message: string) => void,
): DateRange | null {
  const custom = plan.rowRange?.(record);
  if (typeof custom === "string") {
    fail("date", custom);
    return null;
  }
  if (custom) return custom;
  const { index } = plan.columns;
  const read = (role: Role): string | null => {
    const raw = cell(role).trim();
    const iso = raw === "" ? null : parseLocaleDate(raw, plan.dateOrder);
    if (!iso) fail(role, raw === "" ? `${plan.columns.name[role]} is empty` : `'${raw}' is not a date`);
    return iso;
  };
  if (index.date !== undefined) {
    const day = read("date");
    return day ? { from: day, to: day } : null;
  }
  if (index.date_start !== undefined || index.date_end !== undefined) {
    const from = index.date_start !== undefined ? read("date_start") : null;
    const to = index.date_end !== undefined ? read("date_end") : from;
    const start = from ?? (index.date_start === undefined ? to : null);
    if (!start || !to) return null;
    if (to < start) {
      fail("date_end", `the end date ${to} is before the start date ${start}`);
      return null;
    }
    return { from: start, to };
  }
  if (plan.fallbackRange) return plan.fallbackRange;
  fail(null, plan.noRangeReason ?? "the row has no date");
  return null;
}

function readMeasure(
  raw: string,
  role: Role,
  kind: "money" | "micros" | "count" | "decimal",
  plan: RowPlan,
  line: number,
  ctx: PlatformContext,
  fail: (role: Role | null, message: string) => void,
): bigint | number | null {
  if (plan.columns.index[role] === undefined) return null;
  const value = readLocaleNumber(raw, plan.decimal);
  const shown = raw.trim();
  if (value.kind === "empty") return null;
  if (value.kind === "bucket") {
    addWarning(ctx.sink, line, plan.columns.name[role], `'${shown}' is a range the platform printed instead of a value: read as 0 (the true value is unknown)`);
    return null;
  }
  if (value.kind === "invalid") {
    fail(role, `'${shown}' is not a number`);
    return null;
  }
  if (kind === "money") return plainToMicros(value.text);
  if (kind === "decimal") return Number(value.text);
  if (kind === "micros") {
    const m = /^(-?\d+)(?:\.0*)?$/.exec(value.text);
    if (m) return BigInt(m[1] as string);
    fail(role, `'${shown}' is not a whole number of micros`);
    return null;
  }
  const whole = plainToWhole(value.text);
  if (whole === null) {
    fail(role, `'${shown}' is not a whole number`);
    return null;
  }
  if (whole < 0) {
    fail(role, `${plan.columns.name[role]} is negative (${shown})`);
    return null;
  }
  return whole;
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
