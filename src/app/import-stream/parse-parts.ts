// A large text report parsed in parts of bounded size, so that no string holds the whole file (V8
// caps a string at 2^29 - 24 characters: a 903 MB CSV failed with "Cannot create a string longer
// than 0x1fffffe8 characters") and memory stays bounded whatever the file's size. Each part is cut
// at a line end outside quotes; every part after the first is read behind the file's own head (its
// lines up to and with the header row), so each is a small report of the same format, and parseReport
// reads it as it would the whole file. Line numbers are moved back to the file's.
import { UserError } from "../../domain/errors.js";
import type { ParsedReport, PlatformReachRow } from "../../domain/spend.js";
import type { SpendColumns } from "../../domain/spend-columns.js";
import { isZipArchive, textEncodingOf, utf16Layout } from "../../ingest/decode.js";
import { type ParseOptions, parseReport, reportBodyStart } from "../../ingest/index.js";
import { PartReports } from "./part-reports.js";
import { type TranscodedSource, utf8FromUtf16 } from "./utf16-source.js";
import { parseXlsxInParts } from "./xlsx-parts.js";

/** A file read in parts: its size, and its bytes from a position (fewer only at its end). */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Uint8Array;
}

const HEAD_BYTES = 16 * 1024 * 1024;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Line ends in bytes[from, to): LF, CRLF, or a CR alone (as the tokenizer counts them). */
function lineEnds(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(LF, from); i >= 0 && i < to; i = bytes.indexOf(LF, i + 1)) n++;
  for (let i = bytes.indexOf(CR, from); i >= 0 && i < to; i = bytes.indexOf(CR, i + 1)) if (bytes[i + 1] !== LF) n++;
  return n;
}

/**
 * The end (just past a LF) of the last whole record in bytes[0, limit), reading from a record's start
 * (outside quotes); -1 when no line end outside quotes is there.
 * @example recordCut(new TextEncoder().encode('a,"x\ny"\nb\n'), 9) // 8
 */
export function recordCut(bytes: Uint8Array, limit: number): number {
  // The line ends outside quotes are those with an even count of quotes before them.
  let quotes = 0;
  let last = -1;
  let pos = 0;
  let quote = bytes.indexOf(QUOTE);
  if (quote < 0 || quote >= limit) return limit > 0 ? bytes.lastIndexOf(LF, limit - 1) + 1 || -1 : -1; // no quotes: the last line end
  for (;;) {
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0 || lf >= limit) return last;
    for (; quote >= 0 && quote < lf; quote = bytes.indexOf(QUOTE, quote + 1)) quotes++;
    if (quotes % 2 === 0) last = lf + 1;
    pos = lf + 1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Parses a report read from `source` in parts of about `partBytes` bytes; rows go to `onColumns` in
 * batches, reach rows to `onReach`, as parseReport hands them. UTF-16 text is read as the UTF-8 it
 * transcodes to (utf16-source.ts); an XLSX workbook's sheet is read in parts of its XML (xlsx-parts.ts,
 * its shared strings held whole up to `wholeBytes`). A text file that cannot be cut (no header row,
 * old Mac line ends) is read whole when it is at most `wholeBytes`, else refused with a UserError
 * saying why. The file's last `tailBytes` are read in one part.
 * @example parseInParts({ size: bytes.length, read: (p, n) => bytes.subarray(p, p + n) }, { fileName: "big.csv" }, 64 << 20, onColumns)
 */
export function parseInParts(
  source: ByteSource,
  opts: ParseOptions,
  partBytes: number,
  onColumns: (batch: SpendColumns) => void,
  onReach?: (row: PlatformReachRow) => void,
  wholeBytes = 1024 * 1024 * 1024,
  tailBytes = 1024 * 1024,
): ParsedReport {
  const start = source.read(0, Math.min(source.size, 64 * 1024));
  if (isZipArchive(start)) return parseXlsxInParts(source, opts, { partBytes, maxSharedBytes: wholeBytes }, onColumns, onReach);
  const utf16 = utf16Layout(start);
  if (utf16 && source.size > partBytes) {
    const utf8 = utf8FromUtf16(source, utf16.order, utf16.bom, partBytes);
    return inParts(utf8, opts, partBytes, onColumns, onReach, wholeBytes, tailBytes, source.size);
  }
  return inParts(source, opts, partBytes, onColumns, onReach, wholeBytes, tailBytes, source.size);
}

function inParts(
  source: ByteSource | TranscodedSource,
  opts: ParseOptions,
  partBytes: number,
  onColumns: (batch: SpendColumns) => void,
  onReach: ((row: PlatformReachRow) => void) | undefined,
  wholeBytes: number,
  tailBytes: number,
  fileBytes: number,
): ParsedReport {
  /** True when the file has no byte at or after `position`. */
  const ended = (position: number) => ("ended" in source ? source.ended(position) : position >= source.size);
  let handed = 0;
  const counted = (batch: SpendColumns) => {
    handed += batch.length;
    onColumns(batch);
  };
  // The first part: large enough to hold the header row (a long preamble reads on, up to 16 MB).
  let first = source.read(0, Math.min(source.size, partBytes));
  let encoding: ReturnType<typeof textEncodingOf> = null;
  let bodyStart: number | null = null;
  for (;;) {
    const whole = ended(first.length);
    encoding = textEncodingOf(first.subarray(0, whole ? first.length : recordCutOrAll(first)));
    bodyStart = encoding && !whole ? reportBodyStart(first, encoding.encoding === "windows-1252" ? { ...opts, ansi: true } : opts) : null;
    if (bodyStart !== null || encoding === null || whole || first.length >= HEAD_BYTES) break;
    first = concat(first, source.read(first.length, Math.min(first.length * 3, source.size - first.length)));
  }
  const ansi = encoding?.encoding === "windows-1252";
  if (bodyStart === null) {
    if (ended(first.length)) return parseReport(first, opts, onColumns, onReach);
    if (fileBytes > wholeBytes) {
      const why = encoding === null ? "its text is not UTF-8 or Windows-1252" : "no header row was found in its first part";
      throw new UserError(
        "file_too_large",
        `${Math.round(fileBytes / 2 ** 20)} MB cannot be read in parts (${why}) and is over the ${Math.round(wholeBytes / 2 ** 20)} MB read whole within the import's memory setting: raise --max-memory, or save it as a CSV with a header row`,
      );
    }
    return parseReport(source.read(0, source.size), opts, onColumns, onReach);
  }
  const head = first.slice(0, bodyStart);
  const headLines = lineEnds(head, 0, head.length);
  let readTo = first.length;
  let pending = first.subarray(bodyStart);
  let bodyLine = headLines + 1; // the file's line of the first body line of the next part
  let mode: "utf-8" | "windows-1252" = ansi ? "windows-1252" : "utf-8";
  let sawNonAscii = encoding?.ascii === false;
  const parts = new PartReports();
  for (;;) {
    // Fill up to a part's size, and past it while no record ends inside (a very long quoted field).
    let cut = ended(readTo) ? pending.length : recordCut(pending, pending.length);
    while (cut <= 0 && !ended(readTo)) {
      const more = source.read(readTo, Math.min(partBytes, source.size - readTo));
      readTo += more.length;
      pending = concat(pending, more);
      cut = ended(readTo) ? pending.length : recordCut(pending, pending.length);
      if (pending.length > wholeBytes && cut <= 0) {
        throw new UserError("unterminated_quote", `${opts.fileName}:${bodyLine}: no line end outside quotes in ${Math.round(wholeBytes / 2 ** 20)} MB (a quote that never closes?)`);
      }
    }
    // The file's last `tailBytes` stay in one part: footers are read with state (DV360's data ends at
    // a blank row, its totals row follows, then the footer), which a cut between them would lose. What
    // follows the cut is read until it is known to be longer, or the file ends.
    while (!ended(readTo) && pending.length - cut < tailBytes) {
      const more = source.read(readTo, Math.min(tailBytes, source.size - readTo));
      readTo += more.length;
      pending = concat(pending, more);
    }
    if (ended(readTo) && pending.length - cut < tailBytes) cut = pending.length;
    const text = concat(head, pending.subarray(0, cut));
    const enc = textEncodingOf(text);
    if (enc?.encoding === "windows-1252" && mode === "utf-8") {
      if (sawNonAscii) {
        throw new UserError(
          "mixed_encoding",
          `${opts.fileName}: the lines from ${bodyLine} on are not UTF-8, but earlier lines are (with characters beyond ASCII): save the whole file in one encoding (UTF-8)`,
        );
      }
      mode = "windows-1252"; // earlier parts were ASCII: read as Windows-1252 they are the same text
    }
    if (enc?.ascii === false) sawNonAscii = true;
    const parsed = parseReport(text, mode === "windows-1252" ? { ...opts, ansi: true } : opts, counted, onReach);
    const stop = parts.add(parsed, headLines, bodyLine - 1 - headLines);
    bodyLine += lineEnds(pending, 0, cut);
    pending = pending.subarray(cut);
    if (stop || (pending.length === 0 && ended(readTo))) break;
  }
  return parts.report(handed);
}

/** Where the first part's last whole record ends (all of it when none ends in it). */
function recordCutOrAll(first: Uint8Array): number {
  const cut = recordCut(first, first.length);
  return cut > 0 ? cut : first.length;
}
