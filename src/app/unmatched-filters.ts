// What a command that found nothing tells about its filters: each value (`--where campaign=Foo`,
// `--campaign Foo`, a compared campaign) that no stored row has for its dimension, with the closest
// values that do, so a typo is pointed at instead of ending in a bare "no data". Every command that
// filters through a MetricQuery uses this path, `cpi report` too (its warnings name the --where).
import { closestValues } from "../domain/closest-values.js";
import { UserError } from "../domain/errors.js";
import type { Filter } from "../domain/query.js";
import { includesTracked, TRACKED_SOURCE } from "../query/events-sql.js";
import { compileSpendQuery } from "../query/spend-sql.js";
import type { Store } from "../store/store.js";

/** A filter value no stored row has, with the closest stored values of its dimension. */
interface Unmatched {
  filter: Filter;
  value: string;
  closest: string[];
}

/** Each filter value no stored row has for its dimension and that has stored values near it. */
async function unmatchedValues(store: Store, filters: readonly Filter[]): Promise<Unmatched[]> {
  const found: Unmatched[] = [];
  for (const f of filters) {
    if (f.op === "contains" || f.dimension === "measurement") continue;
    const compiled = compileSpendQuery(store.dialect, { metrics: ["impressions"], dimensions: [f.dimension], filters: [] }, false);
    const column = compiled.dimensionColumns[0] as string;
    const existing = new Set((await store.query(compiled.sql)).map((r) => String(r[column] ?? "")));
    if (f.dimension === "source" && includesTracked([f])) existing.add(TRACKED_SOURCE);
    for (const v of f.values) {
      if (existing.has(v)) continue;
      // A store without reported rows of this dimension has nothing to point at.
      const closest = closestValues(v, [...existing]);
      if (closest.length) found.push({ filter: f, value: v, closest });
    }
  }
  return found;
}

const noteOf = (u: Unmatched) => `no stored row has ${u.filter.dimension} '${u.value}'; closest: ${u.closest.join(", ")}`;

/**
 * One line per filter value no stored row has: "no stored row has campaign 'Foo'; closest: Food, Fool".
 * Values that exist, `~` (contains) filters and a store with no row of that dimension give none.
 * @example await unmatchedFilterNotes(store, [{ dimension: "campaign", op: "eq", values: ["Lanch"] }]) // ["no stored row has campaign 'Lanch'; closest: Launch"]
 */
export async function unmatchedFilterNotes(store: Store, filters: readonly Filter[]): Promise<string[]> {
  return (await unmatchedValues(store, filters)).map(noteOf);
}

/**
 * The same notes for a report's warnings, each naming the `--where` it is about.
 * @example await unmatchedWhereNotes(store, filters) // ["--where campaign=Lanch: no stored row has campaign 'Lanch'; closest: Launch"]
 */
export async function unmatchedWhereNotes(store: Store, filters: readonly Filter[]): Promise<string[]> {
  return (await unmatchedValues(store, filters)).map((u) => `--where ${u.filter.dimension}${u.filter.op === "neq" ? "!=" : "="}${u.value}: ${noteOf(u)}`);
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
