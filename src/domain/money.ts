import { UserError } from "./errors.js";

/** Money as an integer count of micros (1e-6 of the currency unit). */
export type Micros = bigint;

export const MICROS_PER_UNIT = 1_000_000n;

/** The largest amount a store holds: 2^63 − 1 micros (a BIGINT / Int64 column), 9,223,372,036,854.775807 units. */
export const MAX_MICROS = 9_223_372_036_854_775_807n;

/** True when an amount fits the stores' signed 64-bit micros. @example fitsStoredMicros(9_223_372_036_854_775_808n) // false */
export function fitsStoredMicros(micros: Micros): boolean {
  return micros <= MAX_MICROS && micros >= -MAX_MICROS - 1n;
}

/** Why an amount cannot be stored, naming it as written. @example tooLargeAmount("1e20") // "'1e20' is too large: amounts must be below 9,223,372,036,854.775808" */
export function tooLargeAmount(shown: string): string {
  return `'${shown}' is too large: amounts must be below 9,223,372,036,854.775808 (64-bit micros)`;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Parses a plain decimal string ("5000", "12.345678", "-0.5") into exact micros, or null when it
 * is not a plain decimal. Digits beyond the sixth decimal are rounded half away from zero.
 * @example parseMicros("5000.25") // 5000250000n
 */
export function parseMicros(text: string): Micros | null {
  const fast = smallMicros(text);
  if (fast !== null) return BigInt(fast);
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const sign = m[1] === "-" ? -1n : 1n;
  const int = m[2] ?? "";
  const frac = m[3] ?? "";
  if (int === "" && frac === "") return null;
  let micros = BigInt(int === "" ? "0" : int) * MICROS_PER_UNIT;
  const f6 = `${frac}000000`.slice(0, 6);
  micros += BigInt(f6);
  if (frac.length > 6 && (frac.charCodeAt(6) - 48) >= 5) micros += 1n;
  return sign * micros;
}

/**
 * parseMicros of an unsigned decimal with at most 9 integer digits and 6 decimals, as a number
 * (exact: below 2^53), without a regex or BigInt strings; null for anything else.
 * @example smallMicros("247.69") // 247690000
 */
export function smallMicros(text: string): number | null {
  const n = text.length;
  if (n === 0 || n > 16) return null;
  let units = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    units = units * 10 + c;
  }
  if (i === 0 || i > 9) return null;
  if (i === n) return units * 1_000_000;
  if (text.charCodeAt(i) !== 46 || n - i - 1 > 6 || n - i - 1 === 0) return null;
  let frac = 0;
  for (let k = i + 1; k < n; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return null;
    frac = frac * 10 + c;
  }
  for (let k = n - i - 1; k < 6; k++) frac *= 10;
  return units * 1_000_000 + frac;
}

/** Converts a JS number of currency units to micros, rounding to the nearest micro. @example unitsToMicros(0.5) // 500000n */
export function unitsToMicros(units: number): Micros {
  if (!Number.isFinite(units)) throw new UserError("bad_amount", `amount must be a finite number, got ${units}`);
  return BigInt(Math.round(units * 1e6));
}

const SAFE_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/** Micros as a JS number of currency units (for ratios and display only). @example microsToUnits(5000250000n) // 5000.25 */
export function microsToUnits(micros: Micros): number {
  // Within 2^53 the same sum in plain numbers (both parts are exact there): no BigInt division per call.
  if (micros <= SAFE_MICROS && micros >= -SAFE_MICROS) return microsNumberToUnits(Number(micros));
  const whole = micros / MICROS_PER_UNIT;
  const rest = micros % MICROS_PER_UNIT;
  return Number(whole) + Number(rest) / 1e6;
}

/**
 * microsToUnits of micros held in a number (a safe integer, exact: callers check): the same value,
 * without a BigInt. @example microsNumberToUnits(5000250000) // 5000.25
 */
export function microsNumberToUnits(micros: number): number {
  const part = micros % 1e6;
  return (micros - part) / 1e6 + part / 1e6;
}

/** Micros as an exact decimal string with up to 6 decimals. @example microsToDecimalString(5000250000n) // "5000.25" */
export function microsToDecimalString(micros: Micros): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  const frac = (abs % MICROS_PER_UNIT).toString().padStart(6, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

const ISO_4217 = /^[A-Z]{3}$/;

/** Validates and normalises an ISO-4217 code. @example normaliseCurrency(" eur ") // "EUR" */
export function normaliseCurrency(code: string): string {
  const c = code.trim().toUpperCase();
  if (!ISO_4217.test(c)) throw new UserError("bad_currency", `'${code}' is not an ISO-4217 currency code (e.g. USD, EUR)`);
  return c;
}
