import { compileRecentImpressionIds } from "../../query/events-sql.js";
import type { Store } from "../../store/store.js";

/**
 * The (type, impression id) pairs stored in the last day, newest first, at most `limit`: the tracking
 * server remembers them on start so an impression counted before a restart is not counted again.
 * @example await recentImpressionIds(store, Date.now(), 200_000) // [["impression", "4f1c…"], …]
 */
export async function recentImpressionIds(store: Store, now: number, limit: number): Promise<[string, string][]> {
  const rows = await store.query(compileRecentImpressionIds(store.dialect, now - 86_400_000, limit));
  return rows.map((r) => [String(r.type), String(r.impression_id)]);
}
