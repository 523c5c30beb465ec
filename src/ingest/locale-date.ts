import { type DateRange, type IsoDate, makeIsoDate } from "../domain/dates.js";

/** The order of day, month and year in a file's numeric dates ("01/09/2023"). */
export type DateOrder = "ymd" | "dmy" | "mdy";

const MONTH_NAMES: Record<string, number> = {};
const MONTH_LISTS: readonly string[] = [
  // en
  "january february march april may june july august september october november december",
  "jan feb mar apr may jun jul aug sep oct nov dec",
  "_ _ _ _ _ _ _ _ sept _ _ _",
  // fr
  "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
  "janv fevr mars avr mai juin juil aout sept oct nov dec",
  // de
  "januar februar marz april mai juni juli august september oktober november dezember",
  "jan feb mar apr mai jun jul aug sep okt nov dez",
  // es
  "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
  "ene feb mar abr may jun jul ago sep oct nov dic",
  "_ _ _ _ _ _ _ _ setiembre _ _ _",
  // pt
  "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
  "jan fev mar abr mai jun jul ago set out nov dez",
  // it
  "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
  "gen feb mar apr mag giu lug ago set ott nov dic",
  // id
  "januari februari maret april mei juni juli agustus september oktober november desember",
  "jan feb mar apr mei jun jul agu sep okt nov des",
  "_ _ _ _ _ _ _ agt _ _ _ _",
  // nl
  "januari februari maart april mei juni juli augustus september oktober november december",
  "jan feb mrt apr mei jun jul aug sep okt nov dec",
  // pl (nominative, genitive "1 marca 2026", short), accents already stripped; ł stays
  "styczen luty marzec kwiecien maj czerwiec lipiec sierpien wrzesien pazdziernik listopad grudzien",
  "stycznia lutego marca kwietnia maja czerwca lipca sierpnia wrzesnia pazdziernika listopada grudnia",
  "sty lut mar kwi maj cze lip sie wrz paz lis gru",
  // tr (accents stripped; the dotless ı stays, so both spellings)
  "ocak subat mart nisan mayıs haziran temmuz agustos eylul ekim kasım aralık",
  "_ _ _ _ mayis _ _ _ _ _ kasim aralik",
  "oca sub mar nis may haz tem agu eyl eki kas ara",
];
for (const list of MONTH_LISTS) {
  list.split(" ").forEach((name, i) => {
    if (name !== "_") MONTH_NAMES[name] = i + 1;
  });
}

const ISO_LIKE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[ T|])/;
const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:$|[ ,T|])/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const CJK = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;
const FILLER = new Set(["de", "del", "of", "the", "le", "den", "der"]);

function fullYear(text: string): number {
  const y = Number(text);
  if (text.length === 4) return y;
  return y < 70 ? 2000 + y : 1900 + y;
}

/**
 * Parses a date as platforms write it: ISO ("2026-03-27", also with "/" or a time after it),
 * numeric in the file's order ("27/03/2026", "3/27/26"), or with a month name in en, fr, de, es,
 * pt, it, id or nl ("March 27, 2026", "27 de março de 2026", "27. März 2026"). Null when it is none.
 * @example parseLocaleDate("01/09/2023", "dmy") // "2023-09-01"
 */
export function parseLocaleDate(text: string, order: DateOrder): IsoDate | null {
  const t = text.trim();
  let m = ISO_LIKE.exec(t);
  if (m) return makeIsoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NUMERIC.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = fullYear(m[3] as string);
    return order === "dmy" ? makeIsoDate(y, b, a) : makeIsoDate(y, a, b);
  }
  m = COMPACT.exec(t) ?? CJK.exec(t);
  if (m) return makeIsoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return parseNamedMonthDate(t.replace(TIME_OF_DAY, ""));
}

const TIME_OF_DAY = /[\s,]+\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?\s*$/i;

function parseNamedMonthDate(t: string): IsoDate | null {
  const tokens = t
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[.,]/g, " ")
    .split(/[\s/-]+/)
    .filter((x) => x !== "" && !FILLER.has(x));
  let month = 0;
  let year = 0;
  let day = 0;
  for (const tok of tokens) {
    const named = MONTH_NAMES[tok];
    if (named !== undefined && month === 0) {
      month = named;
      continue;
    }
    const num = /^(\d{1,4})(?:st|nd|rd|th|er|e|º|°)?$/.exec(tok);
    if (!num) return null;
    const digits = num[1] as string;
    if (digits.length === 4 && year === 0) year = Number(digits);
    else if (digits.length <= 2 && day === 0) day = Number(digits);
    else return null;
  }
  if (!month || !year || !day) return null;
  return makeIsoDate(year, month, day);
}

const RANGE_SPLIT = /\s+[-–—]\s+|\s*\.\.\s*|\s*[~～〜]\s*|(?<=\d{4})\s*-\s*(?=[^\d\s])|\s+(?:to|au|bis|al|a|até|ate|hingga|sampai|s\/d|t\/m|do|ile)\s+/i;

/**
 * Parses a date range as a report's preamble states it: "March 27, 2026 - April 23, 2026",
 * "1 May 2026 - 8 May 2026", "4/12/15 - 4/11/17", "Jan 20 - Jan 21, 2026", the AdWords API's
 * "May 1, 2013-May 10, 2013", "2026/03/01～2026/03/31". Null when it is not one.
 * @example parseDateRangeText("1 May 2026 - 8 May 2026", "mdy") // { from: "2026-05-01", to: "2026-05-08" }
 */
export function parseDateRangeText(text: string, order: DateOrder): DateRange | null {
  const t = text.trim().replace(/^"|"$/g, "");
  let parts = t.split(RANGE_SPLIT);
  if (parts.length !== 2) {
    // "2/1/2020, 2/7/2020" (Microsoft Advertising).
    const pair = /^(\d\S+)\s*,\s*(\d\S+)$/.exec(t);
    if (pair) parts = [pair[1] as string, pair[2] as string];
    else {
      const single = parseLocaleDate(t, order);
      return single ? { from: single, to: single } : null;
    }
  }
  const to = parseLocaleDate(parts[1] as string, order);
  if (!to) return null;
  let from = parseLocaleDate(parts[0] as string, order);
  if (!from) from = parseLocaleDate(`${parts[0]} ${to.slice(0, 4)}`, order);
  if (!from || from > to) return null;
  return { from, to };
}

const NUMERIC_PARTS = /^(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?:$|[ ,T])/;

/**
 * Decides day-first or month-first from a file's numeric dates: a first part above 12 means
 * day-first, a second part above 12 month-first; otherwise `hint` (the file's language) decides.
 * @example inferDateOrder(["17/12/2024", "01/01/2025"], "mdy") // "dmy"
 */
export function inferDateOrder(samples: readonly string[], hint: DateOrder): DateOrder {
  let dmy = false;
  let mdy = false;
  for (const s of samples) {
    const m = NUMERIC_PARTS.exec(s.trim());
    if (!m) continue;
    if (Number(m[1]) > 12) dmy = true;
    if (Number(m[2]) > 12) mdy = true;
  }
  if (dmy && !mdy) return "dmy";
  if (mdy && !dmy) return "mdy";
  return hint;
}
