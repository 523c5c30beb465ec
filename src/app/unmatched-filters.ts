// What a command that found nothing tells about its filters: each value (`--where campaign=Foo`,
// `--campaign Foo`, a compared campaign) that no stored row has for its dimension, with the closest
// values that do, so a typo is pointed at instead of ending in a bare "no data". Every command that
// filters through a MetricQuery uses this path (report.ts has its own copy, to fold into this one).
import { closestValues } from "../domain/closest-values.js";
import { UserError } from "../domain/errors.js";
import type { Filter } from "../domain/query.js";
import { includesTracked, TRACKED_SOURCE } from "../query/events-sql.js";
import { compileSpendQuery } from "../query/spend-sql.js";
import type { Store } from "../store/store.js";

/**
 * One line per filter value no stored row has: "no stored row has campaign 'Foo'; closest: Food, Fool".
 * Values that exist, `~` (contains) filters and a store with no row of that dimension give none.
 * @example await unmatchedFilterNotes(store, [{ dimension: "campaign", op: "eq", values: ["Lanch"] }]) // ["no stored row has campaign 'Lanch'; closest: Launch"]
 */
export async function unmatchedFilterNotes(store: Store, filters: readonly Filter[]): Promise<string[]> {
  const notes: string[] = [];
  for (const f of filters) {
    if (f.op === "contains" || f.dimension === "measurement") continue;
    const compiled = compileSpendQuery(store.dialect, { metrics: ["impressions"], dimensions: [f.dimension], filters: [] }, false);
    const column = compiled.dimensionColumns[0] as string;
    const existing = new Set((await store.query(compiled.sql)).map((r) => String(r[column] ?? "")));
    if (f.dimension === "source" && includesTracked([f])) existing.add(TRACKED_SOURCE);
    for (const v of f.values) {
      if (existing.has(v)) continue;
      const near = closestValues(v, [...existing]);
      if (near.length) notes.push(`no stored row has ${f.dimension} '${v}'; closest: ${near.join(", ")}`);
    }
  }
  return notes;
}

/**
 * The UserError of a command whose filters found nothing, its message followed by the closest-value
 * notes of `unmatchedFilterNotes`.
 * @example throw await nothingMatched(store, filters, "no_data", "no spend in 2026-10-01 … 2026-10-31 for these filters")
 */
export async function nothingMatched(store: Store, filters: readonly Filter[], code: string, message: string): Promise<UserError> {
  const notes = await unmatchedFilterNotes(store, filters);
  return new UserError(code, notes.length ? `${message}: ${notes.join("; ")}` : message);
}
