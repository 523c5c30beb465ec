// The currency signs and codes ad platforms write inside money cells ("Rs.201.68", "R$ 1.234,56",
// "1 234,56 zł", "US$12.00", "12,00 EUR"), and the currencies each may stand for.

/**
 * Each sign (lower case) with the currencies it is written for. `read` is the one taken when the
 * file states no currency: null when the sign is shared ("$", "¥", "kr") and the file must say.
 */
interface SignMeaning {
  read: string | null;
  agrees: readonly string[];
}

const DOLLAR_CURRENCIES = ["USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD", "TWD", "ARS", "CLP", "COP", "UYU"];
const RUPEE_CURRENCIES = ["INR", "PKR", "LKR", "NPR", "MUR", "SCR"];

const one = (code: string): SignMeaning => ({ read: code, agrees: [code] });

const SIGNS: Record<string, SignMeaning> = {
  $: { read: null, agrees: DOLLAR_CURRENCIES },
  us$: one("USD"),
  ca$: one("CAD"),
  c$: one("CAD"),
  au$: one("AUD"),
  a$: one("AUD"),
  nz$: one("NZD"),
  hk$: one("HKD"),
  s$: one("SGD"),
  mx$: one("MXN"),
  nt$: one("TWD"),
  r$: one("BRL"),
  "€": one("EUR"),
  "£": one("GBP"),
  "¥": { read: null, agrees: ["JPY", "CNY"] },
  円: one("JPY"),
  元: one("CNY"),
  "₹": one("INR"),
  // Amazon Ads in India writes "Rs." (the Indian rupee's ASCII form); Pakistan's and Sri Lanka's
  // rupees are written so too, so they agree with it when the file says so.
  "rs.": { read: "INR", agrees: RUPEE_CURRENCIES },
  rs: { read: "INR", agrees: RUPEE_CURRENCIES },
  "₨": { read: null, agrees: RUPEE_CURRENCIES },
  zł: one("PLN"),
  "₺": one("TRY"),
  tl: one("TRY"),
  "₩": one("KRW"),
  "₽": one("RUB"),
  "₴": one("UAH"),
  "₦": one("NGN"),
  "₱": one("PHP"),
  "฿": one("THB"),
  "₫": one("VND"),
  "₪": one("ILS"),
  rp: one("IDR"),
  "rp.": one("IDR"),
  rm: one("MYR"),
  kr: { read: null, agrees: ["SEK", "NOK", "DKK", "ISK"] },
  "kr.": { read: null, agrees: ["SEK", "NOK", "DKK", "ISK"] },
  kč: one("CZK"),
  ft: one("HUF"),
  lei: one("RON"),
  "fr.": one("CHF"),
};

/** A sign or code at the start of a money cell (codes in capitals only, so words are not taken for codes). */
const PREFIX = /^(US\$|CA\$|AU\$|NZ\$|HK\$|MX\$|NT\$|[ACS]\$|R\$|[Rr]s\.?|Rp\.?|Fr\.|[A-Z]{3}(?![A-Za-z])|RM|[$€£¥₹₨₩₺₽₴₦₱฿₫₪])\s?/;
/** A sign or code at the end of a money cell. */
const SUFFIX = /\s?(zł|₺|TL|kr\.?|Kč|Ft|lei|円|元|(?<![A-Za-z])[A-Z]{3}|[$€£¥₹₨₩₽₴₦₱฿₫₪])$/;

/**
 * A money cell's currency sign or code and the rest of it; `sign` is null when it has none.
 * The cell is expected trimmed, its sign (if any) outside a leading minus or parentheses.
 * @example splitMoneySign("Rs.201.68") // { sign: "Rs.", rest: "201.68" }
 */
export function splitMoneySign(s: string): { sign: string | null; rest: string } {
  const c0 = s.charCodeAt(0);
  // Digits, a point or a comma first and last: no sign (the common case, without a regex).
  const cn = s.charCodeAt(s.length - 1);
  if (((c0 >= 48 && c0 <= 57) || c0 === 46) && cn >= 48 && cn <= 57) return { sign: null, rest: s };
  const pre = PREFIX.exec(s);
  if (pre) return { sign: pre[1] as string, rest: s.slice(pre[0].length) };
  const suf = SUFFIX.exec(s);
  if (suf) return { sign: suf[1] as string, rest: s.slice(0, suf.index) };
  return { sign: null, rest: s };
}

function meaning(sign: string): SignMeaning | null {
  const known = SIGNS[sign.toLowerCase()];
  if (known) return known;
  // An ISO-4217 code as written ("EUR", "USD").
  return /^[A-Z]{3}$/.test(sign) ? one(sign) : null;
}

/**
 * The currency a sign is read as when the file states none: its code, or null when several
 * currencies share it ("$", "¥", "kr") or it is unknown.
 * @example signCurrency("Rs.") // "INR"
 */
export function signCurrency(sign: string): string | null {
  return meaning(sign)?.read ?? null;
}

/** True when a sign can stand for the currency `code`. @example signAgrees("$", "CAD") // true */
export function signAgrees(sign: string, code: string): boolean {
  const m = meaning(sign);
  return m === null || m.agrees.includes(code);
}

/** The currencies a sign is written for, for messages. @example signCurrencies("$").slice(0, 2) // ["USD", "CAD"] */
export function signCurrencies(sign: string): readonly string[] {
  return meaning(sign)?.agrees ?? [];
}
