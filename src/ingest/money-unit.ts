import type { AliasTable, Columns, Role } from "./columns.js";

/** How a file writes its money amounts: currency units ("12.50") or micros ("12500000"). */
export type MoneyUnit = "units" | "micros";

function moved(columns: Columns, pairs: readonly (readonly [Role, Role])[]): Columns {
  const index = { ...columns.index };
  const name = { ...columns.name };
  for (const [from, to] of pairs) {
    if (index[from] === undefined) continue;
    index[to] = index[from];
    name[to] = name[from] as string;
    delete index[from];
    delete name[from];
  }
  return { ...columns, index, name };
}

/**
 * The columns with cost read as micros (a report format that writes money so: the AdWords API's
 * "Cost", Reddit's API "spend").
 * @example costInMicros(columns).index.cost_micros // the former cost column
 */
export function costInMicros(columns: Columns): Columns {
  return moved(columns, [["cost", "cost_micros"]]);
}

/**
 * The columns as `--money-unit` says the money columns are written: "micros" reads cost and revenue
 * as micros, "units" as currency units (even columns named for micros); undefined leaves them.
 * @example withMoneyUnit(columns, "micros").index.revenue_micros // the former revenue column
 */
export function withMoneyUnit(columns: Columns, unit: MoneyUnit | undefined): Columns {
  if (unit === "micros") {
    return moved(columns, [
      ["cost", "cost_micros"],
      ["revenue", "revenue_micros"],
    ]);
  }
  if (unit === "units") {
    return moved(columns, [
      ["cost_micros", "cost"],
      ["revenue_micros", "revenue"],
    ]);
  }
  return columns;
}

/** Column names that hold money in micros in any report format (API exports, connectors). */
const MICROS_NAMES = {
  cost_micros: ["cost_micros", "metrics.cost_micros", "spend_micros", "cost (micros)", "spend (micros)", "costmicros"],
  revenue_micros: ["revenue_micros", "conversion_value_micros", "revenue (micros)"],
} as const;

/**
 * An alias table that also knows the usual micros columns (`cost_micros`, `metrics.cost_micros`,
 * `spend_micros`…), after its own names for them.
 * @example withMicrosNames({ cost: ["spend"] }).cost_micros // ["cost_micros", "metrics.cost_micros", …]
 */
export function withMicrosNames(aliases: AliasTable): AliasTable {
  const out: AliasTable = { ...aliases };
  for (const role of ["cost_micros", "revenue_micros"] as const) {
    const own = aliases[role] ?? [];
    out[role] = [...own, ...MICROS_NAMES[role].filter((n) => !own.includes(n))];
  }
  return out;
}
