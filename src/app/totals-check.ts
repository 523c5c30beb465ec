import { microsToUnits } from "../domain/money.js";
import type { FileTotalsCheck, SpendRow } from "../domain/spend.js";
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

/** A totals row of a file that its rows do not add up to, and what most likely went wrong. */
export interface TotalsMismatch {
  check: FileTotalsCheck;
  /** What the rows add up to, in the check's unit (currency units for cost). */
  actual: number;
  cause: string;
}

const near = (a: number, b: number) => b !== 0 && Math.abs(a / b - 1) < 0.01;

/** The likeliest reason a measure's rows add up to `actual` where the file says `expected`. */
function likelyCause(check: FileTotalsCheck, actual: number): string {
  const { measure, expected } = check;
  if (measure === "cost" && near(actual, expected * 1e6)) return "cost looks like micros: pass --money-unit micros";
  if (measure === "cost" && near(actual * 1e6, expected)) return "cost looks like currency units read as micros: pass --money-unit units";
  if (near(actual, expected * 1000) || near(actual * 1000, expected)) {
    return "the numbers look read with the wrong decimal mark (a thousands separator taken for a decimal point, or the reverse)";
  }
  return actual < expected
    ? "rows the total counts are not in the file (removed or filtered rows, a cut-off export)"
    : "the file lists rows its total leaves out (rows added by hand, or a row repeated)";
}

/**
 * The totals rows of a file its rows do not add up to, beyond rounding (a cent per row for cost,
 * half a unit for counts), each with the likely cause. A total may exceed the rows by its slack
 * (masked counts such as "<5" read as 0), and a micros column's total may state units.
 * @example totalsMismatches(report.fileTotals, sums) // [] when every totals row agrees
 */
export function totalsMismatches(fileTotals: readonly FileTotalsCheck[], sums: RowSums): TotalsMismatch[] {
  const out: TotalsMismatch[] = [];
  for (const check of fileTotals) {
    const actual = check.measure === "cost" ? microsToUnits(sums.cost) : sums[check.measure];
    const tolerance = check.measure === "cost" ? Math.max(0.01 * sums.rows, 0.011) : 0.5;
    const agrees = (expected: number) => {
      const short = expected - actual;
      return Math.abs(short) <= tolerance || (check.slack !== undefined && short > 0 && short <= check.slack + tolerance);
    };
    if (agrees(check.expected) || (check.expectedOr !== undefined && agrees(check.expectedOr))) continue;
    out.push({ check, actual: Number(actual.toFixed(6)), cause: likelyCause(check, actual) });
  }
  return out;
}

/** A mismatch as one line naming the row, both figures and the likely cause. @example describeMismatch(m) // "the 'Total' row (line 9) says cost 6.91, …" */
export function describeMismatch(m: TotalsMismatch): string {
  const { label, line, measure, expected } = m.check;
  return `the '${label}' row${line !== undefined ? ` (line ${line})` : ""} says ${measure} ${expected}, but its rows add up to ${m.actual}: ${m.cause}`;
}
