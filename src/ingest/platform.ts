import type { CampaignStatus } from "../domain/campaign-status.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import type { SpendColumns } from "../domain/spend-columns.js";
import type { IssueSink, ParseOptions } from "./types.js";

/** A report as records of cells, whatever the container (CSV, TSV, XLSX sheet). */
export interface Table {
  /**
   * Every record of the file, preamble and footer included. For a delimited file this is split on
   * first use: code that reads the records in order goes through `table-records.ts` (recordsFrom,
   * recordAt), which reads them a chunk at a time and never builds this.
   */
  rows: string[][];
  /** Line (or spreadsheet row) of each record, 1-based. */
  lines: number[];
  /** Index in rows of the header row. */
  headerIndex: number;
  /** "csv", "tsv", "ssv" (semicolons) or "xlsx". */
  container: string;
  /** For a delimited file: its records from index `from` on, read a chunk at a time (see table-records.ts). */
  records?(from: number): Iterable<TableRecord>;
  /** For a delimited file: its text from the first record after the header, for the fast scan (platform-scan.ts). */
  body?: DelimitedBody;
}

/** A delimited table's text from the record after its header row on. */
export interface DelimitedBody {
  text: string;
  delimiter: string;
  /** Offset and line (1-based) of the record after the header. */
  start: number;
  line: number;
  /** Hears of a quoted field that never closes, on the line it starts. */
  onUnterminated(line: number): void;
  /** No CR in the text from `start` on (LF line ends): its records are cut at line ends first. */
  crFree: boolean;
}

/** One record of a table, with its line (1-based). */
export interface TableRecord {
  record: string[];
  line: number;
}

/** What a parser is given besides the table: the options, already checked, and where issues go. */
export interface PlatformContext {
  opts: ParseOptions;
  /** --currency normalised, or null. */
  currency: string | null;
  /** --timezone (else the store's default) checked, or null. */
  timezone: string | null;
  sink: IssueSink;
  /** Set when the caller takes rows in column batches as they are parsed (plans with `streams`, the generic and mapped formats). */
  onColumns?: (batch: SpendColumns) => void;
  /** Rows handed to onRows so far. */
  handed?: () => number;
  /** Set when the caller takes reach rows as they are made (the row builder's one per row) rather than in `reach`. */
  onReach?: (row: PlatformReachRow) => void;
  /** Campaign statuses read so far, the latest per source, account and campaign. */
  statuses: Map<string, CampaignStatus>;
}

export interface PlatformResult {
  format: string;
  rows: SpendRow[];
  rowLines: number[];
  reach: PlatformReachRow[];
}

/** How well a header row fits a platform: a score, or why it does not fit. */
export type PlatformMatch = { score: number } | { reason: string };

/** One ad platform's report reader. */
export interface PlatformParser {
  /** The source id rows get ("google-ads"). */
  id: string;
  /** Name for messages ("Google Ads"). */
  label: string;
  /** Other names --source accepts ("google", "adwords"). */
  aliases: readonly string[];
  /** Normalised header names this platform uses, for finding the header row. */
  knownHeaders: readonly string[];
  /** Extra test for header names (patterns such as "amount spent (xxx)"). */
  knowsHeader?: (normalised: string) => boolean;
  /**
   * Scores the header row (and the records above it). `forced` is true when the user named this
   * platform with --source: a header in a UI language whose distinctive columns are unknown may
   * then be read from its measures alone.
   */
  match(header: readonly string[], preamble: readonly (readonly string[])[], forced?: boolean): PlatformMatch;
  /** True when the parser reads a file with no header row (a report with a preamble and no rows). */
  readsHeaderless?: boolean;
  /** Reads the table. May throw UserError for whole-file problems. */
  parse(table: Table, ctx: PlatformContext): PlatformResult;
}
