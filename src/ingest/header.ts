import { type Records, tokenizeDelimited } from "./delimited.js";

/** The column delimiters a text report may use, in the order they are tried. */
export const DELIMITERS = ["\t", ";", ","] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How many records at the top of a file are searched for the header row. */
export const HEADER_SEARCH_RECORDS = 60;

/**
 * A header name in the form every lookup uses: BOM and surrounding blanks removed, lower case,
 * inner runs of blanks collapsed, full-width parentheses and typographic apostrophes made ASCII.
 * @example normaliseHeader(" Amount Spent  (USD) ") // "amount spent (usd)"
 */
export function normaliseHeader(name: string): string {
  let s = name;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: plain-ASCII test
  if (!/^[\x00-\x7f]*$/.test(s))
    s = s
      .normalize("NFC")
      .replace(/（/g, "(")
      .replace(/）/g, ")")
      .replace(/\u00a0/g, " ")
      .replace(/[’‘`]/g, "'");
  return s.trim().toLowerCase().replace(/\s+/g, " ");
}

/** Tells whether a normalised header name is one some format knows. */
export type KnownHeaderTest = (normalisedName: string) => boolean;

/** Number of cells of a record that are known header names. @example headerScore(["Date", "x"], (h) => h === "date") // 1 */
export function headerScore(record: readonly string[], isKnown: KnownHeaderTest): number {
  let score = 0;
  for (const cell of record) if (cell !== "" && isKnown(normaliseHeader(cell))) score++;
  return score;
}

/**
 * Index of the record that looks most like a header (most known names, at least two), or -1.
 * @example findHeaderRow([["Report"], ["date", "cost"]], (h) => h === "date" || h === "cost") // 1
 */
export function findHeaderRow(records: readonly (readonly string[])[], isKnown: KnownHeaderTest): number {
  let best = -1;
  let bestScore = 1;
  const limit = Math.min(records.length, HEADER_SEARCH_RECORDS);
  for (let i = 0; i < limit; i++) {
    const record = records[i] as readonly string[];
    if (record.length < 2) continue;
    const score = headerScore(record, isKnown);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

export interface SniffedText {
  delimiter: Delimiter;
  /** The first records of the file, up to and a little past the header. */
  head: Records;
  /** Index in head.rows of the header row, or -1 when none was found. */
  headerIndex: number;
  score: number;
}

/**
 * Picks the delimiter and the header row together: the delimiter under which some record among the
 * first 60 holds the most known column names wins.
 * @example sniffDelimitedText("Report\ndate;cost\n2026-01-01;5", (h) => ["date", "cost"].includes(h)).delimiter // ";"
 */
export function sniffDelimitedText(text: string, isKnown: KnownHeaderTest): SniffedText {
  const sample = text.slice(0, 256 * 1024);
  let best: SniffedText | null = null;
  for (const delimiter of DELIMITERS) {
    if (!sample.includes(delimiter)) continue;
    const head = tokenizeDelimited(text, delimiter, {
      maxRecords: HEADER_SEARCH_RECORDS + 2,
    });
    const headerIndex = findHeaderRow(head.rows, isKnown);
    const score = headerIndex < 0 ? 0 : headerScore(head.rows[headerIndex] as string[], isKnown);
    const width = headerIndex < 0 ? 0 : (head.rows[headerIndex] as string[]).length;
    const bestWidth = best && best.headerIndex >= 0 ? (best.head.rows[best.headerIndex] as string[]).length : 0;
    if (!best || score > best.score || (score === best.score && score > 0 && width > bestWidth)) {
      best = { delimiter, head, headerIndex, score };
    }
  }
  if (best) return best;
  const head = tokenizeDelimited(text, ",", {
    maxRecords: HEADER_SEARCH_RECORDS + 2,
  });
  return { delimiter: ",", head, headerIndex: -1, score: 0 };
}
