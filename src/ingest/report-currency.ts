import { UserError } from "../domain/errors.js";
import { signCurrencies, signCurrency, splitMoneySign } from "./currency-signs.js";
import type { PlatformContext, Table } from "./platform.js";
import { sampleCells } from "./table-samples.js";
import { addWarning } from "./types.js";

const ISO = /^[A-Z]{3}$/;

/**
 * The currency a file states for all its rows (in a header or its preamble), checked against
 * --currency: a disagreement is a UserError, since every amount would be wrong.
 * @example checkFileCurrency("GBP", "the header 'Amount spent (GBP)'", ctx) // "GBP"
 */
export function checkFileCurrency(found: string | null, where: string, ctx: PlatformContext): string | null {
  if (found === null) return null;
  const code = found.trim().toUpperCase();
  if (ctx.currency && code !== ctx.currency) {
    throw new UserError("currency_mismatch", `${where} states currency ${code}, but --currency is ${ctx.currency}`);
  }
  return code;
}

/**
 * Throws the UserError asking for --currency when neither the file nor the options say which
 * currency its amounts are in.
 * @example requireCurrency(null, false, ctx) // throws "…does not state its currency: pass --currency"
 */
export function requireCurrency(fileCurrency: string | null, hasCurrencyColumn: boolean, ctx: PlatformContext): void {
  if (fileCurrency || hasCurrencyColumn || ctx.currency) return;
  throw new UserError("missing_currency", `the file does not state its currency: pass --currency`);
}

/**
 * The currency of a file's amounts: the one it states (`stated`, a currency column, --currency),
 * else the one its money cells are written in ("Rs.201.68" is INR, "1 234,56 zł" PLN). Cells that
 * disagree with it are refused row by row later (RecordReader). Throws the UserError asking for
 * --currency when nothing tells, or when the cells' sign is shared by several currencies ("$").
 * @example currencyOfMoneyCells(table, [7], null, false, ctx) // "INR" for "Rs.201.68"
 */
export function currencyOfMoneyCells(
  table: Table,
  moneyColumns: readonly (number | undefined)[],
  stated: string | null,
  hasCurrencyColumn: boolean,
  ctx: PlatformContext,
): string | null {
  if (stated || hasCurrencyColumn || ctx.currency) return stated;
  const signs = new Map<string, string | null>();
  for (const cell of sampleCells(table, moneyColumns, 500)) {
    const { sign } = splitMoneySign(cell.replace(/^[-−(]\s*/, ""));
    if (sign !== null && !signs.has(sign)) signs.set(sign, signCurrency(sign));
  }
  if (signs.size === 0) requireCurrency(null, false, ctx);
  const shared = [...signs].find(([, code]) => code === null);
  if (shared) {
    const [sign] = shared;
    throw new UserError(
      "missing_currency",
      `the file's amounts are written with '${sign}', which ${signCurrencies(sign).slice(0, 4).join(", ")}${signCurrencies(sign).length > 4 ? "…" : ""} all use, and the file does not say which: pass --currency`,
    );
  }
  const codes = [...new Set(signs.values())] as string[];
  if (codes.length > 1) {
    throw new UserError(
      "mixed_currency",
      `the file's amounts are written in ${[...signs].map(([sign, code]) => `${code} ('${sign}')`).join(" and ")}, and it has no currency column to tell each row's: export one currency per file`,
    );
  }
  return codes[0] ?? null;
}

/**
 * A reader of each row's currency: the row's currency cell when the file has one (checked: ISO code,
 * agreeing with --currency), else the file's or --currency's.
 * @example rowCurrencyReader("USD", ctx, undefined, undefined)("", 2, fail) // "USD"
 */
export function rowCurrencyReader(
  fileCurrency: string | null,
  ctx: PlatformContext,
  column: number | undefined,
  columnName: string | undefined,
): (raw: string, line: number, fail: (role: "currency", message: string) => void) => string {
  const fallback = fileCurrency ?? ctx.currency ?? "";
  if (column === undefined) return () => fallback;
  // Most files repeat one currency: a cell equal to the last good one is that code again.
  let lastRaw: string | null = null;
  let lastCode = "";
  const read = (raw: string, line: number, fail: (role: "currency", message: string) => void): string => {
    const code = raw.trim().toUpperCase();
    if (code === "" || code === "--" || code === "-") {
      if (!fallback) fail("currency", `${columnName} is empty and --currency was not given`);
      return fallback;
    }
    if (!ISO.test(code)) {
      fail("currency", `'${raw.trim()}' is not an ISO-4217 currency code`);
      return "";
    }
    if (ctx.currency && code !== ctx.currency) {
      throw new UserError("currency_mismatch", `line ${line} states currency ${code} (column '${columnName}'), but --currency is ${ctx.currency}`);
    }
    if (fileCurrency && code !== fileCurrency) {
      fail("currency", `currency ${code} disagrees with the file's ${fileCurrency}`);
      return code;
    }
    lastRaw = raw;
    lastCode = code;
    return code;
  };
  return (raw, line, fail) => (raw === lastRaw ? lastCode : read(raw, line, fail));
}

/**
 * The account time zone: the file's when it states one, else --timezone (or the store's default),
 * else UTC. A --timezone that disagrees with the file's is reported as a warning (the file wins); the
 * store's default is only a fallback, so overriding it is not.
 * @example reportTimezone("America/New_York", ctx, 3) // "America/New_York"
 */
export function reportTimezone(fileZone: string | null, ctx: PlatformContext, line = 1): string {
  if (fileZone) {
    if (ctx.opts.timezone && ctx.timezone && ctx.timezone !== fileZone) {
      addWarning(ctx.sink, line, undefined, `the file states time zone ${fileZone}; --timezone ${ctx.timezone} is ignored`);
    }
    return fileZone;
  }
  return ctx.timezone ?? "UTC";
}
