import type { MetricDef } from "../../domain/metrics.js";

/** Removes terminal control characters (ANSI escapes, CR, BEL…) from untrusted text before it reaches a terminal. */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\uFFFD").replace(/\n/g, " ");
}

// One Intl.NumberFormat per style, currency and decimals, made once: `toLocaleString` builds a new
// one on every call (about 40 µs), which was most of a 100,000-row table's time. Same output.
const formats = new Map<string, Intl.NumberFormat | null>();

function numberFormat(currency: string | null, decimals: number): Intl.NumberFormat | null {
  const key = `${currency ?? ""}|${decimals}`;
  let f = formats.get(key);
  if (f === undefined) {
    const digits = { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
    try {
      f = new Intl.NumberFormat("en-US", currency ? { style: "currency", currency, ...digits } : digits);
    } catch {
      f = null; // not an ISO currency code Intl knows: shown as a count and the code
    }
    if (formats.size >= 1000) formats.clear(); // currency codes come from files: keep the cache small
    formats.set(key, f);
  }
  return f;
}

/** A count with thousands separators. @example formatCount(166666.67) // "166,667" */
export function formatCount(n: number, decimals = 0): string {
  return numberFormat(null, decimals)?.format(n) ?? n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Money with its currency symbol. @example formatMoney(0.01, "USD", 4) // "$0.0100" */
export function formatMoney(n: number, currency: string | null, decimals = 2): string {
  if (!currency) return formatCount(n, decimals);
  const f = numberFormat(currency, decimals);
  return f ? f.format(n) : `${formatCount(n, decimals)} ${currency}`;
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
