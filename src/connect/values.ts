// Reading numbers out of platform JSON exactly: counts and int64 micros arrive as strings or numbers,
// money as decimal strings (parsed as decimals, never through a float), and a missing value is 0
// (platforms leave out zero metrics). A value that is there but not a number is a malformed answer.
import { type Micros, parseMicros } from "../domain/money.js";
import { ApiProblem } from "./problem.js";

function malformed(what: string, value: unknown): ApiProblem {
  const shown = typeof value === "string" ? `'${value.slice(0, 40)}'` : JSON.stringify(value)?.slice(0, 40);
  return new ApiProblem("transient", `${what} is not a number (${shown}): the answer is not what the API documents`);
}

/**
 * A whole count (impressions, clicks) from a JSON string or number; absent is 0.
 * @example countOf("1520", "impressions") // 1520
 */
export function countOf(value: unknown, what: string): number {
  if (value === undefined || value === null || value === "") return 0;
  const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw malformed(what, value);
  return n;
}

/**
 * Micros given as an int64 (Google's cost_micros, a JSON string), used as they come; absent is 0.
 * @example int64Micros("12345678", "cost_micros") // 12345678n
 */
export function int64Micros(value: unknown, what: string): Micros {
  if (value === undefined || value === null || value === "") return 0n;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw malformed(what, value);
}

/**
 * Micros of a decimal amount ("12.34", or a JSON number such as Google's conversions_value, read
 * from its shortest decimal form): exact, never through a float sum; absent is 0.
 * @example decimalMicros("129.90", "spend") // 129900000n
 */
export function decimalMicros(value: unknown, what: string): Micros {
  if (value === undefined || value === null || value === "") return 0n;
  const text = typeof value === "number" && Number.isFinite(value) ? plainNumberText(value) : typeof value === "string" ? value.trim() : null;
  const m = text === null ? null : parseMicros(text);
  if (m === null) throw malformed(what, value);
  return m;
}

/**
 * A decimal count (conversions may be fractional: attribution splits them); absent is 0.
 * @example decimalCount("2.5", "conversions") // 2.5
 */
export function decimalCount(value: unknown, what: string): number {
  if (value === undefined || value === null || value === "") return 0;
  const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw malformed(what, value);
  return n;
}

/** A JSON number's decimal text without exponent (1e-7 → "0.0000001"). */
function plainNumberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, "");
}
