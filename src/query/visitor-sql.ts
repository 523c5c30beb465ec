// Per-visitor sums of first-party events for A/B tests with the visitor as the randomisation unit
// (`cpi abtest --unit visitor`): one compiler for every engine, through the Dialect.
import type { UnitPrices } from "../domain/tracking/contract.js";
import { conditions, contractIdExpr, dimensionSelects, type EventQueryContext } from "./events-sql.js";

/** A contract's id with its unit prices in picos (1e-6 micro). */
export interface ContractPrice extends UnitPrices {
  id: number;
}

/** Each event's price in picos: the impression or click price of the contract matched to it. */
function eventPriceExpr(prices: readonly ContractPrice[]): string {
  const whens: string[] = [];
  for (const p of prices) {
    if (p.perImpression > 0n) whens.push(`WHEN contract = ${p.id} AND type = 'impression' THEN ${p.perImpression}`);
    if (p.perClick > 0n) whens.push(`WHEN contract = ${p.id} AND type = 'click' THEN ${p.perClick}`);
  }
  return whens.length ? `CASE ${whens.join(" ")} ELSE 0 END` : "0";
}

/**
 * A histogram of visitors per arm: how many visitors (`visitors`) had each combination of impressions
 * (`imps`), clicks (`clicks`) and cost in picos (`cost`, their own events at their contracts' prices).
 * The arm is the query's first dimension; a visitor is one who has an impression or a click in the arm.
 * Every column is an integer sum, so both engines return the same numbers, and the rows are few
 * (frequencies × clicks × prices) however many visitors there are: the per-arm n, Σx, Σx², Σxy follow.
 * @example compileVisitorHistogram({ dialect: duckdbDialect, query: { metrics: [], dimensions: ["ad"], filters }, timezone: "UTC", contracts }, prices)
 */
export function compileVisitorHistogram(ctx: EventQueryContext, prices: readonly ContractPrice[]): string {
  const [arm] = dimensionSelects(ctx);
  if (arm === undefined) throw new Error("compileVisitorHistogram needs the arm as the query's first dimension");
  const where = ["type IN ('impression', 'click')", ...conditions(ctx)].join(" AND ");
  const events = `SELECT ${arm}, visitor, type, ${contractIdExpr(ctx.dialect, ctx.contracts)} AS contract FROM events WHERE ${where}`;
  const perVisitor = [
    "SELECT d0 AS arm,",
    "SUM(CASE WHEN type = 'impression' THEN 1 ELSE 0 END) AS imps,",
    "SUM(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS clicks,",
    `SUM(${eventPriceExpr(prices)}) AS cost`,
    `FROM (${events}) priced_events GROUP BY d0, visitor`,
  ].join(" ");
  return `SELECT arm, imps, clicks, cost, COUNT(*) AS visitors FROM (${perVisitor}) per_visitor GROUP BY arm, imps, clicks, cost`;
}
