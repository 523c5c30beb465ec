import { conditions, dimensionSelects, type EventQueryContext } from "./events-sql.js";

/**
 * How many visitors saw k impressions, by the query's dimensions. Visitor keys rotate daily (no
 * personal data is kept), so a frequency counts one visitor's impressions within one day in the
 * query's time zone: `people` at frequency k sums visitor-days.
 * @example compileFrequency({ dialect: duckdbDialect, query, timezone: "UTC", contracts: [] })
 */
export function compileFrequency(ctx: EventQueryContext): string {
  const d = ctx.dialect;
  const dims = ctx.query.dimensions.map((_, i) => `d${i}`);
  const inner = [
    `SELECT ${[...dimensionSelects(ctx), `${d.localDate("ts", ctx.timezone)} AS local_day`, "visitor", "COUNT(*) AS freq"].join(", ")}`,
    "FROM events",
    `WHERE ${["type = 'impression'", ...conditions(ctx)].join(" AND ")}`,
    `GROUP BY ${[...dims, "local_day", "visitor"].join(", ")}`,
  ].join("\n");
  return `SELECT ${[...dims, "freq", "COUNT(*) AS people"].join(", ")} FROM (${inner}) per_visitor GROUP BY ${[...dims, "freq"].join(", ")} ORDER BY ${[...dims, "freq"].join(", ")}`;
}
