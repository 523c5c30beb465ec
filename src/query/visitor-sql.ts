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
export function compileVisitorHistogram(ctx: EventQueryContext, prices: readonly ContractPrice[], opts: { flagShared?: boolean } = {}): string {
  const where = unitEventsWhere(ctx);
  const events = `SELECT ${armSelect(ctx)}, visitor, type, ${contractIdExpr(ctx.dialect, ctx.contracts)} AS contract FROM events WHERE ${where}`;
  // With flagShared, `shared` is 1 for a visitor who is in more than one arm, so the caller can drop them.
  const shared = opts.flagShared ? `CASE WHEN ${ctx.dialect.inSubquery("visitor", sharedVisitors(ctx))} THEN 1 ELSE 0 END` : "0";
  const perVisitor = [
    `SELECT d0 AS arm, ${shared} AS shared,`,
    "SUM(CASE WHEN type = 'impression' THEN 1 ELSE 0 END) AS imps,",
    "SUM(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS clicks,",
    `SUM(${eventPriceExpr(prices)}) AS cost`,
    `FROM (${events}) priced_events GROUP BY d0, visitor`,
  ].join(" ");
  return `SELECT arm, shared, imps, clicks, cost, COUNT(*) AS visitors FROM (${perVisitor}) per_visitor GROUP BY arm, shared, imps, clicks, cost`;
}

/** The arm aliased d0 (the query's first dimension). */
function armSelect(ctx: EventQueryContext): string {
  const [arm] = dimensionSelects(ctx);
  if (arm === undefined) throw new Error("visitor-level queries need the arm as the query's first dimension");
  return arm;
}

/** The events that make a visitor a unit of an arm: impressions and clicks within the query's filters and period. */
function unitEventsWhere(ctx: EventQueryContext): string {
  return ["type IN ('impression', 'click')", ...conditions(ctx)].join(" AND ");
}

/** Visitors with units in more than one arm. */
function sharedVisitors(ctx: EventQueryContext): string {
  return `SELECT visitor FROM (SELECT ${armSelect(ctx)}, visitor FROM events WHERE ${unitEventsWhere(ctx)}) shared_events GROUP BY visitor HAVING COUNT(DISTINCT d0) > 1`;
}

/**
 * How many visitors are units of the test (`visitors`: distinct visitors with an impression or a click
 * in any arm) and how many of them are in more than one arm (`shared`): a visitor-level test needs each
 * visitor to see one arm, else the arms are not independent samples.
 * @example compileVisitorOverlap({ dialect: duckdbDialect, query: { metrics: [], dimensions: ["ad"], filters }, timezone: "UTC", contracts })
 */
export function compileVisitorOverlap(ctx: EventQueryContext): string {
  const perVisitor = `SELECT visitor, COUNT(DISTINCT d0) AS arms FROM (SELECT ${armSelect(ctx)}, visitor FROM events WHERE ${unitEventsWhere(ctx)}) overlap_events GROUP BY visitor`;
  return `SELECT COUNT(*) AS visitors, SUM(CASE WHEN arms > 1 THEN 1 ELSE 0 END) AS shared FROM (${perVisitor}) per_visitor`;
}
