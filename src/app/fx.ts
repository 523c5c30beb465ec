import { UserError } from "../domain/errors.js";
import { parseFxRates } from "../ingest/fx-rates.js";
import type { Store } from "../store/store.js";
import type { ReportFile } from "./import.js";

/**
 * Imports exchange-rate files (all or nothing): any bad line rejects them with file, line, column.
 * @example await importFxRates(store, [{ name: "rates.csv", bytes }]) // { files: [{ file: "rates.csv", format: "cpi", rates: 3 }] }
 */
export async function importFxRates(store: Store, files: readonly ReportFile[]) {
  const parsed = files.map((f) => ({ f, p: parseFxRates(f.bytes, f.name) }));
  const errors = parsed.flatMap(({ f, p }) => p.issues.map((i) => `${f.name}:${i.line}${i.column ? `, column '${i.column}'` : ""}: ${i.message}`));
  if (errors.length) throw new UserError("invalid_input", `no rates were imported: ${errors.length} problem(s):\n${errors.slice(0, 20).join("\n")}`);
  await store.upsertFxRates(parsed.flatMap(({ p }) => p.rates));
  return { files: parsed.map(({ f, p }) => ({ file: f.name, format: p.format, rates: p.rates.length })) };
}

/** Which currencies have rates and over which dates. @example await listFxCoverage(store) // [{ base: "EUR", currency: "USD", first: "2026-01-02", last: "2026-11-27", days: 234 }] */
export async function listFxCoverage(store: Store) {
  const rates = await store.fxRates();
  const by = new Map<string, { base: string; currency: string; first: string; last: string; days: number }>();
  for (const r of rates) {
    const k = `${r.base}|${r.currency}`;
    const e = by.get(k) ?? { base: r.base, currency: r.currency, first: r.date, last: r.date, days: 0 };
    e.days++;
    if (r.date < e.first) e.first = r.date;
    if (r.date > e.last) e.last = r.date;
    by.set(k, e);
  }
  return [...by.values()].sort((a, b) => (a.base + a.currency < b.base + b.currency ? -1 : 1));
}
