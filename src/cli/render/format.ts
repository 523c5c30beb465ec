import type { MetricDef } from "../../domain/metrics.js";

/** Removes terminal control characters (ANSI escapes, CR, BEL…) from untrusted text before it reaches a terminal. */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\uFFFD").replace(/\n/g, " ");
}

// One formatter per style, currency and decimals, made once: `toLocaleString` builds a new
// Intl.NumberFormat on every call (about 40 µs), which was most of a 100,000-row table's time.
const formats = new Map<string, NumberFormatter | null>();

/** Formats numbers as Intl.NumberFormat("en-US") with fixed decimals (and a currency) does. */
export type NumberFormatter = (n: number) => string;

/**
 * The en-US formatter of numbers with `decimals` fraction digits, as money when `currency` is set;
 * null when Intl does not know `currency` (then shown as a count and the code). Made once per
 * currency and decimals. @example numberFormatter("USD", 2)?.(1234.5) // "$1,234.50"
 */
export function numberFormatter(currency: string | null, decimals: number): NumberFormatter | null {
  const key = `${currency ?? ""}|${decimals}`;
  let f = formats.get(key);
  if (f === undefined) {
    const digits = { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
    try {
      f = fastFormat(new Intl.NumberFormat("en-US", currency ? { style: "currency", currency, ...digits } : digits), decimals);
    } catch {
      f = null; // not an ISO currency code Intl knows
    }
    if (formats.size >= 1000) formats.clear(); // currency codes come from files: keep the cache small
    formats.set(key, f);
  }
  return f;
}

/** ASCII digits with a comma between groups of three. @example grouped("1234567") // "1,234,567" */
function grouped(digits: string): string {
  const n = digits.length;
  if (n <= 3) return digits;
  let i = n % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < n; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** Texts below this many units of the last digit are kept per formatter (at most this many). */
const SMALL = 100_000;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21];

/**
 * `prefix` + n.toFixed(decimals) (with `group`, commas between thousands) + `suffix`, made without
 * toFixed for the numbers a report shows; null for what it leaves to the caller: negative, huge, and
 * numbers whose shortest decimal ends on a 5 right after the kept digits (maybe on the tie, where
 * Intl, rounding that decimal, and toFixed, rounding the exact double, can differ). Away from such a tie,
 * n × 10^decimals (below 2^52, off by far less than the distance to the tie) rounds as toFixed rounds
 * n's exact value. Texts below SMALL units of the last digit (a report's unit costs, CPMs,
 * percentages: a few thousand values over 100,000 rows) are made once each.
 * @example fixedDigits(2, "$", "", true)(1234.5) // "$1,234.50"
 */
function fixedDigits(decimals: number, prefix: string, suffix: string, group: boolean): (n: number) => string | null {
  const scale = POW10[decimals + 1] as number;
  const unit = POW10[decimals] as number;
  const limit = 2 ** 52 / scale;
  const fractions: string[] = new Array(Math.min(unit, 10_000));
  const text = (q: number): string => {
    const whole = Math.floor(q / unit);
    const int = whole < 1000 || !group ? String(whole) : grouped(String(whole));
    if (decimals === 0) return prefix + int + suffix;
    const f = q - whole * unit;
    const fraction = fractions[f] ?? String(f).padStart(decimals, "0");
    if (f < 10_000) fractions[f] = fraction;
    return `${prefix}${int}.${fraction}${suffix}`;
  };
  const small = new Map<number, string>();
  return (n) => {
    if (!(n >= 0 && n < limit)) return null;
    const m = n * scale;
    const r = Math.round(m);
    if (r % 10 === 5 && Math.abs(m - r) <= m * 1e-12) return null;
    const q = Math.round(n * unit);
    if (q >= SMALL) return text(q);
    let t = small.get(q);
    if (t === undefined) {
      t = text(q);
      small.set(q, t);
    }
    return t;
  };
}

/**
 * `intl`'s output, made as toFixed makes it (fixedDigits) for the numbers a report shows
 * (non-negative, not huge): a cached Intl.NumberFormat still took 0.4–1 µs a call, most of a
 * 100,000-row table's formatting.
 * Intl rounds the shortest decimal that reads back as the double, half away from zero; `toFixed`
 * rounds the double's exact binary value. Below 2^52 units of the first dropped digit the two differ
 * only when that shortest decimal ends on a 5 right after the kept digits (1.005 → Intl "1.01",
 * toFixed "1.00"): those, and everything else, go to Intl. The prefix (a currency symbol) is Intl's own.
 */
function fastFormat(intl: Intl.NumberFormat, decimals: number): NumberFormatter {
  const parts = intl.formatToParts(1234.5);
  const affixes = parts.map((p) => (p.type === "integer" || p.type === "group" || p.type === "decimal" || p.type === "fraction" ? "" : p.value));
  const prefix = affixes.slice(0, parts.findIndex((p) => p.type === "integer")).join("");
  // Only a number between prefix and the digits' end is handled here (no suffix: en-US has none).
  const plain = parts.at(-1)?.type === (decimals === 0 ? "integer" : "fraction") && decimals <= 8;
  const digits = fixedDigits(decimals, prefix, "", true);
  const format = (n: number): string => (Object.is(n, -0) ? intl.format(n) : (digits(n) ?? intl.format(n)));
  if (!plain) return (n) => intl.format(n);
  const probes = [0, 1, 0.125, 1.005, 2.675, 9.995, 999.9999, 1234.5, 1234567.891, 99999999.995];
  return probes.every((p) => format(p) === intl.format(p)) ? format : (n) => intl.format(n);
}

/** A count with thousands separators. @example formatCount(166666.67) // "166,667" */
export function formatCount(n: number, decimals = 0): string {
  return (numberFormatter(null, decimals) as NumberFormatter)(n);
}

/** Money with its currency symbol. @example formatMoney(0.01, "USD", 4) // "$0.0100" */
export function formatMoney(n: number, currency: string | null, decimals = 2): string {
  if (!currency) return formatCount(n, decimals);
  const f = numberFormatter(currency, decimals);
  return f ? f(n) : `${formatCount(n, decimals)} ${currency}`;
}

/**
 * The cost of one unit (an impression, a click) as money: three significant digits, at least cents.
 * @example formatUnitCost(0.013114, "USD") // "$0.0131"; formatUnitCost(7.8829, "USD") // "$7.88"
 */
export function formatUnitCost(n: number, currency: string | null): string {
  const digits = n > 0 && Number.isFinite(n) ? 2 - Math.floor(Math.log10(n)) : 2;
  return formatMoney(n, currency, Math.min(8, Math.max(2, digits)));
}

/** A fraction as a percentage. @example formatPercent(-0.3333) // "-33.3 %" */
export function formatPercent(f: number, decimals = 1): string {
  return `${(f * 100).toFixed(decimals)} %`;
}

const percents = new Map<number, (f: number) => string>();

/** formatPercent with `decimals`, made once (as quick as numberFormatter's). @example percentFormatter(1)(0.25) // "25.0 %" */
export function percentFormatter(decimals: number): (f: number) => string {
  let p = percents.get(decimals);
  if (p === undefined) {
    const digits = decimals <= 8 ? fixedDigits(decimals, "", " %", false) : () => null;
    p = (f) => {
      const x = f * 100;
      return digits(x) ?? `${x.toFixed(decimals)} %`;
    };
    percents.set(decimals, p);
  }
  return p;
}

/** A metric's value as shown in tables: "—" for null (zero denominator). */
export function formatMetric(def: MetricDef, value: number | null, currency: string | null): string {
  if (value === null) return "—";
  switch (def.unit) {
    case "money":
      return formatMoney(value, currency, def.decimals);
    case "percent":
      return formatPercent(value, def.decimals);
    case "count":
      return formatCount(value, Number.isInteger(value) ? 0 : def.decimals);
    default:
      return value.toFixed(def.decimals);
  }
}

/**
 * formatMetric for one column whose rows share a currency: the number formatter is looked up once,
 * not per cell. @example metricFormatter(METRICS.cpi, "USD")(0.019) // "$0.0190"
 */
export function metricFormatter(def: MetricDef, currency: string | null): (value: number | null) => string {
  const money = def.unit === "money" ? numberFormatter(currency, def.decimals) : null;
  if (money) return (v) => (v === null ? "—" : money(v));
  if (def.unit === "percent") {
    const percent = percentFormatter(def.decimals);
    return (v) => (v === null ? "—" : percent(v));
  }
  if (def.unit === "count") {
    const whole = numberFormatter(null, 0) as NumberFormatter;
    const part = numberFormatter(null, def.decimals) as NumberFormatter;
    return (v) => (v === null ? "—" : Number.isInteger(v) ? whole(v) : part(v));
  }
  return (v) => formatMetric(def, v, currency);
}
