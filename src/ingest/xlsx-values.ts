import { epochDayToIso } from "../domain/dates.js";

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the CJK ones). */
const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/**
 * True when a cell's number format shows a date: a built-in date format, or a custom code with
 * day, month, year, hour or second letters outside quoted text and [brackets].
 * @example isDateFormat(164, "yyyy-mm-dd") // true
 */
export function isDateFormat(id: number, code: string | undefined): boolean {
  if (BUILTIN_DATES.has(id)) return true;
  if (!code) return false;
  const bare = code
    .replace(/"[^"]*"/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\\./g, "");
  if (/^general$/i.test(bare.trim())) return false;
  return /[dmyhs]/i.test(bare);
}

/** Days from 1970-01-01 to Excel's day 0 (1899-12-30, past the fictitious 1900-02-29). */
const EXCEL_1900_EPOCH = -25569;
const EXCEL_1904_EPOCH = -24107;

/**
 * The text of an Excel date serial: "YYYY-MM-DD", with " HH:MM:SS" when it has a time of day.
 * @example excelSerialToText(45292, false) // "2024-01-01"
 */
export function excelSerialToText(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 0) return null;
  let days = Math.floor(serial);
  let seconds = Math.round((serial - days) * 86400);
  if (seconds >= 86400) {
    days += 1;
    seconds -= 86400;
  }
  // 1900 system: serials below 60 are before Excel's fictitious 1900-02-29.
  const epoch = date1904 ? EXCEL_1904_EPOCH : days < 60 ? EXCEL_1900_EPOCH + 1 : EXCEL_1900_EPOCH;
  const date = epochDayToIso(days + epoch);
  if (seconds === 0) return date;
  const hh = String(Math.floor(seconds / 3600)).padStart(2, "0");
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return `${date} ${hh}:${mm}:${ss}`;
}

const PLAIN = /^-?\d+(?:\.\d+)?$/;

/**
 * A stored cell number as Excel shows it: 15 significant digits, no exponent (binary noise such
 * as 0.30000000000000004 becomes 0.3).
 * @example normaliseExcelNumber("1.2345E-3") // "0.0012345"
 */
export function normaliseExcelNumber(raw: string): string {
  if (PLAIN.test(raw) && raw.replace(/[-.]/g, "").replace(/^0+/, "").length <= 15) return raw;
  const n = Number(raw);
  if (!Number.isFinite(n)) return raw;
  const rounded = Number(n.toPrecision(15));
  if (rounded !== 0 && Math.abs(rounded) < 1e-6) return rounded.toFixed(20).replace(/\.?0+$/, "");
  if (Math.abs(rounded) >= 1e21) return BigInt(Math.round(rounded)).toString();
  return String(rounded);
}
