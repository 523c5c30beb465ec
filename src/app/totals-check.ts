import { microsToUnits } from "../domain/money.js";
import type { ParsedReport } from "../domain/spend.js";

/**
 * Compares what was parsed with the totals rows the file itself carries; a mismatch beyond a
 * rounding tolerance is a warning naming both numbers. @example crossCheckTotals(report) // []
 */
export function crossCheckTotals(report: ParsedReport): string[] {
  const warnings: string[] = [];
  for (const check of report.fileTotals) {
    let actual = 0;
    if (check.measure === "cost") actual = microsToUnits(report.rows.reduce((s, r) => s + r.cost, 0n));
    else for (const r of report.rows) actual += r[check.measure];
    const tolerance = check.measure === "cost" ? Math.max(0.01 * report.rows.length, 0.011) : 0.5;
    if (Math.abs(actual - check.expected) > tolerance) {
      warnings.push(`the file's '${check.label}' row says ${check.measure} ${check.expected}, but its rows add up to ${Number(actual.toFixed(6))}`);
    }
  }
  return warnings;
}
