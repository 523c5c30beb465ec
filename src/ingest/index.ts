import { UserError } from "../domain/errors.js";
import { normaliseCurrency } from "../domain/money.js";
import { canonicalSource, SOURCE_IDS } from "../domain/sources.js";
import type { ParsedReport, PlatformReachRow } from "../domain/spend.js";
import { type SpendColumns, spendColumnsOf } from "../domain/spend-columns.js";
import { decodeReportText, isZipArchive } from "./decode.js";
import { tokenizeDelimited } from "./delimited.js";
import { parseGenericRecords, parseGenericText, planGenericColumns, planHasCurrency } from "./generic.js";
import { matchGenericHeader } from "./generic-columns.js";
import { type GenericDefaults, ROW_BATCH } from "./generic-row.js";
import { type KnownHeaderTest, sniffDelimitedText } from "./header.js";
import { isKnownHeader } from "./known-headers.js";
import { refuseNulBytes, refuseNulCells } from "./nul-bytes.js";
import type { PlatformContext, PlatformParser, Table, TableRecord } from "./platform.js";
import { delimitedBody } from "./platform-scan.js";
import { parseMappedTable, prepareMapping } from "./platforms/mapping.js";
import { findPlatform, PLATFORM_PARSERS } from "./platforms/registry.js";
import { delimitedRecords, recordsFrom } from "./table-records.js";
import { isIanaTimeZone } from "./time-zone.js";
import { addError, addWarning, type IssueSink, type ParseOptions } from "./types.js";
import { unsupportedPlatform } from "./unsupported-platforms.js";
import { readXlsxTable } from "./xlsx.js";

export { findPlatform, PLATFORM_PARSERS } from "./platforms/registry.js";
export type { ColumnMapping, ParseOptions } from "./types.js";

/** The part of a report read so far: its first records and header, and the whole table. */
interface Located {
  /** The first records, down to a little past the header row (the whole sheet for XLSX). */
  head: Table;
  /**
   * Every record of the file (split on first use: the fast paths read a delimited table's `body`,
   * its text after the header row, and never need it).
   */
  full(): Table;
}

/**
 * Reads an ad-platform report or a generic CSV into spend rows, collecting every problem as an issue.
 * Decodes the bytes (BOMs, UTF-16, Windows-1252, XLSX), finds the delimiter and the header row, tells
 * the platform from the file itself (or --source) and leaves totals rows out (they go to fileTotals).
 * Throws UserError for whole-file problems (no currency, a currency that disagrees with --currency).
 * With `onColumns`, rows are handed over in column batches as they are made and `rows` stays empty;
 * with `onReach`, so are the platform's reach rows, one by one, and `reach` stays empty.
 * @example parseReport(new TextEncoder().encode("date,campaign,cost,impressions\n2026-01-01,Seed,5000,500000\n"), { fileName: "a.csv", currency: "USD" }).rows[0]?.cost // 5000000000n
 */
export function parseReport(
  bytes: Uint8Array,
  given: ParseOptions,
  onColumns?: (batch: SpendColumns) => void,
  onReach?: (row: PlatformReachRow) => void,
): ParsedReport {
  return parseFrom({ bytes }, given, onColumns, onReach);
}

/**
 * Reads a spreadsheet's rows (a part of a large XLSX workbook's sheet, behind its head: see
 * xlsx-stream.ts) as parseReport reads a workbook holding them.
 * @example parseSheet({ rows: [["date", "campaign", "cost", "impressions"], ["2026-01-01", "Seed", "5", "500"]], lines: [1, 2], headerIndex: 0, container: "xlsx" }, { fileName: "a.xlsx", currency: "USD" }).rows.length // 1
 */
export function parseSheet(sheet: Table, given: ParseOptions, onColumns?: (batch: SpendColumns) => void, onReach?: (row: PlatformReachRow) => void): ParsedReport {
  return parseFrom({ sheet }, given, onColumns, onReach);
}

/** The test parseReport finds a report's header row with: the --map file's column names, else every format's. */
export function headerTestOf(opts: ParseOptions): KnownHeaderTest {
  return opts.mapping ? prepareMapping(opts.mapping).isKnown : isKnownHeader;
}

function parseFrom(
  from: { bytes: Uint8Array } | { sheet: Table },
  given: ParseOptions,
  onColumns?: (batch: SpendColumns) => void,
  onReach?: (row: PlatformReachRow) => void,
): ParsedReport {
  // One spelling per platform: "--source google_ads" stores google-ads; other names (a publisher) stay.
  const opts: ParseOptions = given.source === undefined ? given : { ...given, source: canonicalSource(given.source) };
  const sink: IssueSink = { issues: [], fileTotals: [] };
  let handed = 0;
  const counted = onColumns
    ? (batch: SpendColumns) => {
        handed += batch.length;
        onColumns(batch);
      }
    : undefined;
  const ctx: PlatformContext = {
    opts,
    currency: opts.currency ? normaliseCurrency(opts.currency) : null,
    timezone: checkedTimezone(opts.timezone) ?? checkedTimezone(opts.defaultTimezone),
    sink,
    statuses: new Map(),
    ...(counted ? { onColumns: counted, handed: () => handed } : {}),
    ...(onReach ? { onReach } : {}),
  };
  const forced = opts.source ? findPlatform(opts.source) : null;
  if ("bytes" in from && from.bytes.length === 0) return failed(ctx, "unknown", 1, "the file is empty");
  const locate = (isKnown: KnownHeaderTest) => ("bytes" in from ? locateIn(from.bytes, ctx, isKnown) : sheetLocated(from.sheet));
  if (opts.mapping) {
    const mapping = prepareMapping(opts.moneyUnit && !opts.mapping.money_unit ? { ...opts.mapping, money_unit: opts.moneyUnit } : opts.mapping);
    const located = locate(mapping.isKnown);
    return finish(ctx, parseMappedTable(located.full(), mapping, ctx), opts.source ?? "generic");
  }
  const located = locate(isKnownHeader);
  const table = located.head;

  const header = table.headerIndex >= 0 ? (table.rows[table.headerIndex] as string[]) : [];
  const preamble = table.rows.slice(0, table.headerIndex >= 0 ? table.headerIndex : Math.min(table.rows.length, 60));
  const headerLine = table.headerIndex >= 0 ? (table.lines[table.headerIndex] as number) : 1;
  const generic = matchGenericHeader(header);
  const genericFits = header.length > 0 && generic.missing.length === 0;

  const tried: string[] = [];
  let best: { parser: PlatformParser; score: number } | null = null;
  for (const parser of forced ? [forced] : PLATFORM_PARSERS) {
    const m = parser.match(header, preamble, forced !== null);
    if ("reason" in m) tried.push(`${parser.label}: ${m.reason}`);
    else if (!best || m.score > best.score) best = { parser, score: m.score };
  }
  if (best && !forced && !genericFits && opts.source) {
    return failed(
      ctx,
      best.parser.id,
      headerLine,
      `--source '${opts.source}' is not a platform cpi reads, and this is a ${best.parser.label} export: name one of ${SOURCE_IDS.join(", ")}, or leave --source out to tell the platform from the file`,
    );
  }
  if (best && (forced || !genericFits)) {
    if (header.length === 0 && !best.parser.readsHeaderless) {
      return failed(ctx, best.parser.id, 1, `this looks like a ${best.parser.label} report, but no header row with its column names was found`);
    }
    const result = best.parser.parse(located.full(), ctx);
    return finish(ctx, result, best.parser.id);
  }
  if (genericFits) {
    if (opts.moneyUnit === "micros") {
      throw new UserError("bad_option", "--money-unit micros: a generic CSV's cost and revenue are in currency units; name a micros column with --map and \"money_unit\": \"micros\"");
    }
    return finish(ctx, parseGeneric(located, header, headerLine, ctx, forced?.id), forced?.id ?? opts.source ?? "generic");
  }

  const genericWhy = header.length === 0 ? "no header row found" : `missing ${generic.missing.join(", ")}`;
  tried.unshift(`generic CSV: ${genericWhy}`);
  const found = header.length > 0 ? ` The header found on line ${headerLine} is: ${header.map((h) => h.trim()).join(", ")}.` : "";
  const known = unsupportedPlatform(header);
  if (known) {
    return failed(
      ctx,
      "unknown",
      headerLine,
      `this looks like a ${known} export, and ${known} is not supported yet: name its columns in a --map file ({"date": "…", "campaign": "…", "cost": "…", "impressions": "…"}), or save it as a generic CSV (date, campaign, cost, impressions, currency).${found}`,
    );
  }
  return failed(
    ctx,
    "unknown",
    headerLine,
    `not a report format cpi can read.${found} Tried ${tried.join("; ")}. Name the columns with --map, or export the file again in a supported format.`,
  );
}

/**
 * Where a delimited text report's body starts, in bytes: just after the line end of its header row
 * (found as parseReport finds it), so that the bytes before it can head each part of a large file.
 * Null when the bytes hold no header row (or are an XLSX workbook).
 * @example reportBodyStart(new TextEncoder().encode("date,campaign,cost,impressions\n2026-01-01,A,1,2\n"), { fileName: "a.csv" }) // 32
 */
export function reportBodyStart(bytes: Uint8Array, opts: ParseOptions): number | null {
  if (isZipArchive(bytes)) return null;
  const isKnown = headerTestOf(opts);
  const { text, encoding } = decodeReportText(bytes, opts.ansi === true);
  const crOnly = !text.includes("\n") && text.includes("\r");
  if (crOnly) return null;
  const { head, headerIndex } = sniffDelimitedText(text, isKnown);
  const start = headerIndex >= 0 ? head.offsets[headerIndex + 1] : undefined;
  if (start === undefined || text.charCodeAt(start - 1) !== 10) return null; // the header must end with a line end
  const bom = encoding === "utf-8-bom" ? 3 : 0;
  if (encoding === "windows-1252" && bom === 0) return start;
  const before = text.slice(0, start);
  return bom + (opts.ansi ? before.length : new TextEncoder().encode(before).length);
}

function sheetLocated(sheet: Table): Located {
  refuseNulCells(sheet.rows, sheet.lines, sheet.headerIndex);
  return { head: sheet, full: () => sheet };
}

function locateIn(bytes: Uint8Array, ctx: PlatformContext, isKnown: KnownHeaderTest): Located {
  if (isZipArchive(bytes)) return sheetLocated(readXlsxTable(bytes, isKnown));
  let { text } = decodeReportText(bytes, ctx.opts.ansi === true);
  // Old Mac line ends (CR only) become LF: one break each, so line numbers do not change.
  if (!text.includes("\n") && text.includes("\r")) text = text.replace(/\r/g, "\n");
  const sniffed = sniffDelimitedText(text, isKnown);
  const { delimiter, head, headerIndex } = sniffed;
  refuseNulBytes(text, delimiter, headerIndex >= 0 ? (head.rows[headerIndex] ?? []) : []);
  const container = delimiter === "\t" ? "tsv" : delimiter === ";" ? "ssv" : "csv";
  const bodyStart = headerIndex >= 0 ? (head.offsets[headerIndex + 1] ?? head.end) : text.length;
  const bodyLine = headerIndex >= 0 ? (head.lines[headerIndex + 1] ?? (head.lines[headerIndex] as number) + 1) : 1;
  const headTable: Table = {
    rows: head.rows,
    lines: head.lines,
    headerIndex,
    container,
  };
  let unterminatedReported = false;
  const unterminated = (line: number) => {
    if (unterminatedReported) return;
    unterminatedReported = true;
    addError(ctx.sink, line, undefined, "a quoted field never closes: the rest of the file was read into it");
  };
  // The whole table is split only if a parser reads `rows`; records in order are read a chunk at a time.
  let split: { rows: string[][]; lines: number[] } | null = null;
  const splitAll = () => {
    if (split) return split;
    const records = tokenizeDelimited(text, delimiter);
    if (records.unterminatedQuoteLine !== undefined) unterminated(records.unterminatedQuoteLine);
    split = { rows: records.rows, lines: records.lines };
    return split;
  };
  function* records(from: number): Generator<TableRecord> {
    if (split) {
      yield* recordsFrom({ ...split, headerIndex, container }, from);
      return;
    }
    // Start at the head's record `from` (or its last one, skipping on): a record's start is exact even
    // where the head's sample cut the record itself short.
    const known = Math.min(from, head.rows.length - 1);
    if (known < 0) return;
    let skip = from - known;
    for (const r of delimitedRecords(text, delimiter, head.offsets[known] as number, head.lines[known] as number, unterminated)) {
      if (skip > 0) skip--;
      else yield r;
    }
  }
  const full: Table = {
    get rows() {
      return splitAll().rows;
    },
    get lines() {
      return splitAll().lines;
    },
    headerIndex,
    container,
    records,
    ...(headerIndex >= 0 ? { body: delimitedBody(text, delimiter, bodyStart, bodyLine, unterminated) } : {}),
  };
  return {
    head: headTable,
    full: () => full,
  };
}

function parseGeneric(located: Located, header: string[], headerLine: number, ctx: PlatformContext, forcedSource?: string) {
  const plan = planGenericColumns({ header, headerLine }, ctx.sink);
  if (!plan) return { format: "generic", rows: [], rowLines: [], reach: [] };
  if (!planHasCurrency(plan) && !ctx.currency) {
    throw new UserError("missing_currency", `the file does not state its currency: pass --currency`);
  }
  const defaults: GenericDefaults = {
    source: forcedSource ?? ctx.opts.source ?? "generic",
    account: ctx.opts.account ?? "",
    currency: ctx.currency,
    timezone: ctx.timezone ?? "UTC",
  };
  const table = located.full();
  const { body } = table;
  let out: { rows: ParsedReport["rows"]; rowLines: number[] };
  if (body) out = parseGenericText(body.text, body.start, body.line, body.delimiter, plan, defaults, ctx.sink, ctx.onColumns);
  else {
    out = parseGenericRecords(recordsFrom(table, table.headerIndex + 1), plan, defaults, ctx.sink, ".", ctx.onColumns);
  }
  return {
    format: "generic",
    rows: out.rows,
    rowLines: out.rowLines,
    reach: [],
  };
}

function finish(
  ctx: PlatformContext,
  result: {
    format: string;
    rows: ParsedReport["rows"];
    rowLines: number[];
    reach: ParsedReport["reach"];
  },
  source: string,
): ParsedReport {
  const { issues, fileTotals, bucketSlack, dataEnded } = ctx.sink;
  // A total may exceed its rows by what masked cells ("<5", read as 0) held.
  for (const t of fileTotals) {
    const slack = bucketSlack?.[t.measure];
    if (slack) t.slack = slack;
  }
  let rows = result.rows;
  let rowLines = result.rowLines;
  if (ctx.onColumns) {
    // Streaming: rows a parser kept (a plan without `streams`: Microsoft's hourly reports) go out in
    // batches too; the report itself keeps none.
    for (let i = 0; i < rows.length; i += ROW_BATCH) ctx.onColumns(spendColumnsOf(rows.slice(i, i + ROW_BATCH)));
    rows = [];
    rowLines = [];
  }
  if ((ctx.handed?.() ?? 0) + rows.length === 0 && !issues.some((i) => i.severity === "error")) {
    addWarning(ctx.sink, 1, undefined, "the file has no data rows");
  }
  issues.sort((a, b) => a.line - b.line);
  let reach = result.reach;
  if (ctx.onReach) {
    // Reach rows a parser kept (totals rows' reach, and every parser but the row builder's) go out too.
    for (const r of reach) ctx.onReach(r);
    reach = [];
  }
  return {
    format: result.format,
    source,
    rows,
    reach,
    issues,
    rowLines,
    fileTotals,
    statuses: [...ctx.statuses.values()],
    ...(dataEnded ? { dataEnded } : {}),
    ...(bucketSlack && Object.keys(bucketSlack).length > 0 ? { bucketSlack: { ...bucketSlack } } : {}),
  };
}

function failed(ctx: PlatformContext, format: string, line: number, message: string): ParsedReport {
  addError(ctx.sink, line, undefined, message);
  return {
    format,
    source: ctx.opts.source ?? "",
    rows: [],
    reach: [],
    issues: ctx.sink.issues,
    rowLines: [],
    fileTotals: [],
  };
}

function checkedTimezone(zone: string | undefined): string | null {
  if (zone === undefined || zone === "") return null;
  if (!isIanaTimeZone(zone)) throw new UserError("bad_timezone", `--timezone '${zone}' is not an IANA time zone (e.g. Europe/Paris)`);
  return zone;
}
