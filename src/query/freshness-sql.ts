import type { Dialect } from "./dialect.js";

/**
 * The freshest day the store holds per source and account (the latest date_end), for the accounts
 * asked: columns `source`, `account_id`, `day` ("YYYY-MM-DD").
 * @example compileFreshestDays(duckdbDialect, [{ source: "meta", account_id: "123" }])
 */
export function compileFreshestDays(d: Dialect, accounts: readonly { source: string; account_id: string }[]): string {
  const sources = [...new Set(accounts.map((a) => a.source))];
  const ids = [...new Set(accounts.map((a) => a.account_id))];
  if (sources.length === 0 || ids.length === 0) return `SELECT source, account_id, ${d.dateToText("MAX(date_end)")} AS day FROM spend WHERE 1 = 0 GROUP BY source, account_id`;
  return `SELECT source, account_id, ${d.dateToText("MAX(date_end)")} AS day FROM spend WHERE source IN (${sources.map(d.quoteString).join(", ")}) AND account_id IN (${ids.map(d.quoteString).join(", ")}) GROUP BY source, account_id`;
}
