// A/B tests on a store in several currencies: CTR and CVR count clicks and conversions, so they run
// without --currency; only the arms' cost, which cannot be added across currencies, is then left out.
import type { MeasureRole } from "../domain/stats/index.js";

/**
 * Whether a metric's numerator or denominator is an amount of money (it then needs one currency).
 * @example needsMoney({ numerator: "clicks", denominator: "impressions" }) // false
 */
export function needsMoney(metric: { numerator: MeasureRole; denominator: MeasureRole }): boolean {
  return [metric.numerator, metric.denominator].some((r) => r === "cost" || r === "revenue");
}

/**
 * The note beside a count-only test whose arms spent in several currencies: why their cost is null.
 * @example mixedCostNote("ctr", ["USD", "EUR"]) // "the arms spent in EUR, USD: their cost is left out (null), …"
 */
export function mixedCostNote(metric: string, currencies: string[]): string {
  const list = [...currencies].sort();
  return `the arms spent in ${list.join(", ")}: their cost is left out (null), since it cannot be added up without rates; ${metric.toUpperCase()} needs no money. Pass --currency (e.g. --currency ${list[0]}) with rates from 'cpi fx import' to see it`;
}

