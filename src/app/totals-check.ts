import { microsToUnits } from "../domain/money.js";
import type { FileTotalsCheck, ParsedReport, SpendRow } from "../domain/spend.js";
import type { SpendColumns } from "../domain/spend-columns.js";

/** The measures a totals row can state, summed over rows. */
export interface RowSums {
  rows: number;
  cost: bigint;
  impressions: number;
  clicks: number;
}

/** Adds rows to running sums. @example addRowSums(emptyRowSums(), rows).cost */
export function addRowSums(s: RowSums, rows: readonly SpendRow[]): RowSums {
  for (const r of rows) {
    s.cost += r.cost;
    s.impressions += r.impressions;
    s.clicks += r.clicks;
  }
  s.rows += rows.length;
  return s;
}

/** Adds a column batch to running sums. @example addColumnSums(emptyRowSums(), batch).rows */
export function addColumnSums(s: RowSums, c: SpendColumns): RowSums {
  let cost = 0n;
  let impressions = 0;
  let clicks = 0;
  for (let i = 0; i < c.length; i++) {
    cost += c.cost[i] as bigint;
    impressions += Number(c.impressions[i]);
    clicks += Number(c.clicks[i]);
  }
  s.cost += cost;
  s.impressions += impressions;
  s.clicks += clicks;
  s.rows += c.length;
  return s;
}

/** Sums of nothing yet. @example emptyRowSums().rows // 0 */
export function emptyRowSums(): RowSums {
  return { rows: 0, cost: 0n, impressions: 0, clicks: 0 };
}

/**
 * Compares the sums of the parsed rows with the totals rows the file itself carries; a mismatch
 * beyond a rounding tolerance is a warning naming both numbers. @example crossCheckSums(report.fileTotals, sums) // []
 */
export function crossCheckSums(fileTotals: readonly FileTotalsCheck[], sums: RowSums): string[] {
  const warnings: string[] = [];
  for (const check of fileTotals) {
    const actual = check.measure === "cost" ? microsToUnits(sums.cost) : sums[check.measure];
    const tolerance = check.measure === "cost" ? Math.max(0.01 * sums.rows, 0.011) : 0.5;
    if (Math.abs(actual - check.expected) > tolerance) {
      warnings.push(`the file's '${check.label}' row says ${check.measure} ${check.expected}, but its rows add up to ${Number(actual.toFixed(6))}`);
    }
  }
  return warnings;
}

/** crossCheckSums over a parsed report's rows. @example crossCheckTotals(report) // [] */
export function crossCheckTotals(report: ParsedReport): string[] {
  return crossCheckSums(report.fileTotals, addRowSums(emptyRowSums(), report.rows));
}
