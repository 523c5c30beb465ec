import type { DateRange } from "../domain/dates.js";
import type { FileTotalsCheck, ParseIssue } from "../domain/spend.js";

/**
 * A user's column mapping (`--map '{"date":"Fecha","cost":"Coste",...}'`): each key is a cpi field
 * (the generic format's column names), each value the header of the file's column holding it. The
 * optional settings say how the file writes numbers and dates and in which unit money is.
 */
export interface ColumnMapping {
  [field: string]: string | undefined;
  /** "." (default) or ",": the decimal separator of numbers. */
  decimal?: string;
  /** "ymd" (default: ISO), "dmy" or "mdy": the order of day, month and year in dates. */
  date_order?: string;
  /** "units" (default) or "micros": how money amounts are written. */
  money_unit?: string;
}

export interface ParseOptions {
  fileName: string;
  /** --source: forces a platform parser (e.g. "google-ads") or names the source of a generic file. */
  source?: string;
  /** --currency: the currency of amounts when the file does not state it; must agree when it does. */
  currency?: string;
  /** --timezone: the account's time zone when the file does not state one (else UTC). */
  timezone?: string;
  /**
   * The store's configured default account time zone (`cpi init --timezone`): used when neither the
   * file nor `timezone` gives one. Unlike --timezone, a file stating another zone is no warning.
   */
  defaultTimezone?: string;
  /** --account: the account id when the file does not state one. */
  account?: string;
  /** --map: the user's column mapping for a file in no known format. */
  mapping?: ColumnMapping;
  /**
   * --period: the dates a report covers when the file does not state them (a Google Ads "All time"
   * export, a Microsoft Advertising grid, a TikTok export without a date column).
   */
  period?: DateRange;
  /**
   * --money-unit: how the report's money columns are written, when its format does not say or says
   * wrong: "micros" (an API export's cost in millionths) or "units".
   */
  moneyUnit?: "units" | "micros";
  /**
   * Read the text as Windows-1252 whatever its bytes: set for a part of a large file read in parts
   * (app/import-stream) once an earlier part was found not to be UTF-8, as the whole file would be.
   */
  ansi?: boolean;
}

/** Where parse problems and file totals are collected while a file is read. */
export interface IssueSink {
  issues: ParseIssue[];
  fileTotals: FileTotalsCheck[];
  /** How much masked cells ("<5" read as 0) may have left out of each measure's sum, so far. */
  bucketSlack?: Partial<Record<FileTotalsCheck["measure"], number>>;
  /** Set when the data ended before the text did (a footer): a file read in parts reads no further part. */
  dataEnded?: boolean;
}

/** Adds an error issue. @example addError(sink, 4, "Cost", "'abc' is not a number") */
export function addError(sink: IssueSink, line: number, column: string | undefined, message: string): void {
  const issue: ParseIssue = { severity: "error", line, message };
  if (column !== undefined) issue.column = column;
  sink.issues.push(issue);
}

/** Adds a warning issue. @example addWarning(sink, 4, "Impressions", "masked count '<5' read as 0") */
export function addWarning(sink: IssueSink, line: number, column: string | undefined, message: string): void {
  const issue: ParseIssue = { severity: "warning", line, message };
  if (column !== undefined) issue.column = column;
  sink.issues.push(issue);
}
