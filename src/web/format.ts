// Numbers for people: the browser's locale, the reporting currency, ratios that may be null (—).

const locale = (typeof navigator !== "undefined" && navigator.language) || "en-US";
const cache = new Map<string, Intl.NumberFormat>();

function nf(key: string, o: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, o);
    cache.set(key, f);
  }
  return f;
}

export const DASH = "—";

/** An amount of money in `currency` (or a plain number when null). @example money(0.01, "USD", 4) // "$0.0100" */
export function money(v: number | null | undefined, currency: string | null, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (!currency) return nf(`n${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  try {
    return nf(`c${currency}${digits}`, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  } catch {
    return `${nf(`n${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v)} ${currency}`;
  }
}

/** The cost of one unit (an impression, a click): three significant digits, at least cents. @example unitCost(0.013114, "USD") // "$0.0131" */
export function unitCost(v: number | null | undefined, currency: string | null): string {
  const digits = v !== null && v !== undefined && v > 0 && Number.isFinite(v) ? 2 - Math.floor(Math.log10(v)) : 2;
  return money(v, currency, Math.min(8, Math.max(2, digits)));
}

/** A count with grouping. @example count(500000) // "500,000" */
export function count(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf(`k${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A fraction as a percentage. @example percent(0.0123) // "1.23%" */
export function percent(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf(`p${digits}`, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A signed relative change. @example change(-0.333) // "−33.3%" */
export function change(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf("chg", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(v);
}

/** Compact numbers for chart axes. @example compact(1250000) // "1.3M" */
export function compact(v: number): string {
  return nf("compact", { notation: "compact", maximumFractionDigits: 1 }).format(v);
}

export interface MetricInfo {
  name: string;
  label: string;
  unit: "money" | "count" | "percent" | "ratio";
  direction: "lower" | "higher" | "none";
  decimals: number;
}

/** A metric's value as shown: money in the currency, percentages, counts. */
export function metricText(m: MetricInfo | undefined, v: number | null | undefined, currency: string | null): string {
  if (!m) return v === null || v === undefined ? DASH : String(v);
  switch (m.unit) {
    case "money":
      return money(v, currency, m.decimals);
    case "percent":
      return percent(v, 2);
    case "count":
      // Whole counts print whole (230, not 230.00); fractional ones (attributed conversions) keep their decimals.
      return v === null || v === undefined || !Number.isFinite(v) ? DASH : nf(`k0-${m.decimals}`, { minimumFractionDigits: 0, maximumFractionDigits: m.decimals }).format(v);
    default:
      return count(v, 2);
  }
}
