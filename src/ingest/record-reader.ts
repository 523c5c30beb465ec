import type { DateRange } from "../domain/dates.js";
import { fitsStoredMicros, smallMicros, tooLargeAmount } from "../domain/money.js";
import type { Role } from "./columns.js";
import { signAgrees, signCurrency } from "./currency-signs.js";
import { parseLocaleDate } from "./locale-date.js";
import { plainToMicros, plainToWhole, readLocaleNumber } from "./locale-number.js";
import type { PlatformContext } from "./platform.js";
import type { RowPlan } from "./platform-rows.js";
import type { SpanCells } from "./span-cells.js";
import { addError, addWarning } from "./types.js";

const EMPTY_TEXT = new Set(["--", "-", "—", "(not set)", "n/a"]);

/** True for a trimmed text cell that means "no value" ("--", "(not set)", "n/a"…). @example isPlaceholderText("(Not set)") // true */
export function isPlaceholderText(trimmed: string): boolean {
  // The placeholders are at most 9 characters ("(not set)"): longer text needs no lower-casing.
  return trimmed.length <= 9 && EMPTY_TEXT.has(trimmed.toLowerCase());
}

/** What a measure cell holds: money in micros, micros as written, a whole count or a decimal. */
export type MeasureKind = "money" | "micros" | "count" | "decimal";

/** The value of 1 to 15 ASCII digits, or -1 for anything else. @example plainDigits("0042") // 42 */
function plainDigits(raw: string): number {
  const n = raw.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = raw.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** A role's column in a plan, or -1. @example columnOf(plan, "cost") // 7 */
export function columnOf(plan: RowPlan, role: Role): number {
  return plan.columns.index[role] ?? -1;
}

/**
 * Reads one platform record at a time (one object for the whole file, no closures per row): its
 * cells, text, measures and dates by column, reporting each problem as a located issue. A record is
 * either an array of cells (`start`) or the spans of its cells in the file's text (`startSpans`, the
 * fast scan of platform-scan.ts): both read the same values, the spans without a string per cell.
 * @example const r = new RecordReader(plan, ctx); r.start(record, 4); r.num(columnOf(plan, "cost"), "cost", "money") // 1500000n
 */
export class RecordReader {
  private record: readonly string[] = [];
  private spans: SpanCells | null = null;
  private line = 0;
  /** Dates already read (a report has few distinct days among many rows): text → ISO or null. */
  private readonly dateCache = new Map<string, string | null>();
  /** Errors found in the current record. */
  errors = 0;
  /** The current record's currency: a sign in its money cells must agree with it. */
  currency = "";
  /** The last sign found to agree with the last currency checked (a file repeats them). */
  private agreed = "";
  private agreedWith = "";
  /** `cell` bound to this reader, for a plan's hooks (rowRange, derive). */
  readonly cellOf = (i: number): string => this.cell(i);
  /** `fail` bound to this reader, for callbacks. */
  readonly failer = (role: Role | null, message: string): void => this.fail(role, message);
  private readonly dateCol: number;
  private readonly startCol: number;
  private readonly endCol: number;

  constructor(
    private readonly plan: RowPlan,
    private readonly ctx: PlatformContext,
  ) {
    this.dateCol = columnOf(plan, "date");
    this.startCol = columnOf(plan, "date_start");
    this.endCol = columnOf(plan, "date_end");
  }

  /** Starts reading `record`, found on `line`. */
  start(record: readonly string[], line: number): void {
    this.record = record;
    this.spans = null;
    this.line = line;
    this.errors = 0;
  }

  /** Starts reading the record whose cells `spans` has just found, on `line`. */
  startSpans(spans: SpanCells, line: number): void {
    this.spans = spans;
    this.line = line;
    this.errors = 0;
  }

  /** The raw cell of column `i` ("" when i < 0). */
  cell(i: number): string {
    if (i < 0) return "";
    if (this.spans) return i < this.spans.width ? this.spans.value(i) : "";
    return this.record[i] ?? "";
  }

  /** The trimmed, cleaned text of column `i`; placeholders ("--", "(not set)") are "". */
  text(i: number): string {
    if (i < 0) return "";
    if (this.spans) return this.spans.derived(i, this.textOf);
    return this.textOf(this.record[i] ?? "");
  }

  private readonly textOf = (raw: string): string => {
    const v = raw.trim();
    if (v === "") return v;
    const cleaned = this.plan.cleanText ? this.plan.cleanText(v) : v;
    return isPlaceholderText(cleaned) ? "" : cleaned;
  };

  /** Reports an error in the current record (in a role's column, or the row as a whole). */
  fail(role: Role | null, message: string): void {
    this.errors++;
    addError(this.ctx.sink, this.line, role ? this.plan.columns.name[role] : undefined, message);
  }

  /** A measure of column `i` (the role's, named in messages); null when empty, absent or a bucket. */
  num(i: number, role: Role, kind: MeasureKind): bigint | number | null {
    if (i < 0) return null;
    if (this.spans) {
      const fast = this.spans.measure(i, kind, this.plan.decimal);
      if (fast !== undefined) {
        if (this.spans.sign !== 0 && (kind === "money" || kind === "micros") && !this.checkSign(String.fromCharCode(this.spans.sign), role, i)) return null;
        return fast;
      }
    }
    return this.measureOf(this.cell(i), role, kind, i);
  }

  /**
   * Reports a money cell whose sign or code names another currency than the row's (the file's, its
   * currency column's or --currency): its amount would be counted in the wrong currency.
   */
  private checkSign(sign: string, role: Role, i: number): boolean {
    if (this.currency === "" || (sign === this.agreed && this.currency === this.agreedWith)) return true;
    if (signAgrees(sign, this.currency)) {
      this.agreed = sign;
      this.agreedWith = this.currency;
      return true;
    }
    const code = signCurrency(sign);
    this.fail(role, `'${this.cell(i).trim()}' is written in ${code ? `${code} ('${sign}')` : `'${sign}'`}, but the row's currency is ${this.currency}`);
    return false;
  }

  private measureOf(raw: string, role: Role, kind: MeasureKind, i: number): bigint | number | null {
    const { plan } = this;
    // Plain digits (the common case) without the locale reading below.
    if (kind === "count") {
      const whole = plainDigits(raw);
      if (whole >= 0) return whole;
    } else if (kind === "money" && plan.decimal === ".") {
      const micros = smallMicros(raw);
      if (micros !== null) return BigInt(micros);
    }
    const value = readLocaleNumber(raw, plan.decimal);
    if (value.kind === "empty") return null;
    const shown = raw.trim();
    if (value.kind === "bucket") {
      this.addSlack(role, value.text);
      addWarning(
        this.ctx.sink,
        this.line,
        plan.columns.name[role],
        `'${shown}' is a range the platform printed instead of a value: read as 0 (the true value is unknown)`,
      );
      return null;
    }
    if (value.kind === "invalid") {
      this.fail(role, `'${shown}' is not a number`);
      return null;
    }
    if (value.sign !== undefined && (kind === "money" || kind === "micros") && !this.checkSign(value.sign, role, i)) return null;
    if (kind === "decimal") return Number(value.text);
    if (kind === "money" || kind === "micros") {
      let micros: bigint;
      if (kind === "money") micros = plainToMicros(value.text);
      else {
        const m = /^(-?\d+)(?:\.0*)?$/.exec(value.text);
        if (!m) {
          this.fail(role, `'${shown}' is not a whole number of micros`);
          return null;
        }
        micros = BigInt(m[1] as string);
      }
      if (fitsStoredMicros(micros)) return micros;
      this.fail(role, tooLargeAmount(shown));
      return null;
    }
    const whole = plainToWhole(value.text);
    if (whole === null) {
      this.fail(role, `'${shown}' is not a whole number`);
      return null;
    }
    if (whole < 0) {
      this.fail(role, `${plan.columns.name[role]} is negative (${shown})`);
      return null;
    }
    return whole;
  }

  /** Counts what a masked cell ("<5", read as 0) may have held, so the file's totals may exceed the rows by that. */
  private addSlack(role: Role, bucket: string): void {
    const measure = role === "cost" || role === "impressions" || role === "clicks" ? role : null;
    if (!measure) return;
    const bound = /^[<≤]\s*([\d.,]+)/.exec(bucket);
    const sink = this.ctx.sink;
    sink.bucketSlack ??= {};
    sink.bucketSlack[measure] = (sink.bucketSlack[measure] ?? 0) + (bound ? Number((bound[1] as string).replace(/,/g, "")) : Number.POSITIVE_INFINITY);
  }

  /** The record's dates: the plan's own rule, a day column, start/end columns, or the report's range. */
  dates(): DateRange | null {
    const { plan } = this;
    if (plan.rowRange) {
      const custom = plan.rowRange(this.cellOf);
      if (typeof custom === "string") {
        this.fail("date", custom);
        return null;
      }
      if (custom) return custom;
    }
    if (this.dateCol >= 0) {
      const day = this.date(this.dateCol, "date");
      return day ? { from: day, to: day } : null;
    }
    if (this.startCol >= 0 || this.endCol >= 0) {
      const from = this.startCol >= 0 ? this.date(this.startCol, "date_start") : null;
      const to = this.endCol >= 0 ? this.date(this.endCol, "date_end") : from;
      const start = from ?? (this.startCol < 0 ? to : null);
      if (!start || !to) return null;
      if (to < start) {
        this.fail("date_end", `the end date ${to} is before the start date ${start}`);
        return null;
      }
      return { from: start, to };
    }
    if (plan.fallbackRange) return plan.fallbackRange;
    this.fail(null, plan.noRangeReason ?? "the row has no date");
    return null;
  }

  private date(i: number, role: Role): string | null {
    const raw = this.cell(i).trim();
    let iso = this.dateCache.get(raw);
    if (iso === undefined) {
      iso = raw === "" ? null : parseLocaleDate(raw, this.plan.dateOrder);
      if (this.dateCache.size >= 4096) this.dateCache.clear();
      this.dateCache.set(raw, iso);
    }
    if (!iso) this.fail(role, raw === "" ? `${this.plan.columns.name[role]} is empty` : `'${raw}' is not a date`);
    return iso;
  }
}
