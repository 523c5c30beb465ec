import type { AlertFiles } from "./alert-files.js";
import { type AlertRecord, type CheckRecord, readAlertHistory } from "./alert-log.js";

/** An alert firing on the last checked day, with how its sends went. */
export interface ActiveAlert extends AlertRecord {
  /** Per webhook: delivered or not, attempts made, the last error. */
  deliveries: { webhook: string; delivered: boolean; attempts: number; lastError: string | null }[];
}

export interface ActiveAlerts {
  /** The day the last check judged, null when no check has run. */
  day: string | null;
  checkedAt: string | null;
  alerts: ActiveAlert[];
}

/**
 * The alerts firing on the day the latest check judged (for the API and the dashboard), read from the
 * alerts log; an ongoing episode (a campaign still not delivering) stays active while checks see it.
 * @example (await activeAlerts(files)).alerts.map((a) => a.scopeLabel) // ["campaign=Launch Q4"]
 */
export async function activeAlerts(files: AlertFiles): Promise<ActiveAlerts> {
  const history = readAlertHistory(await files.readLog());
  let last: CheckRecord | null = null;
  for (const r of history.records) if (r.type === "check") last = r;
  if (!last) return { day: null, checkedAt: null, alerts: [] };
  const day = last.day;
  const byKey = new Map<string, ActiveAlert>();
  for (const r of history.records) {
    if (r.type === "alert" && r.day === day) byKey.set(r.key, { ...r, deliveries: [] });
  }
  for (const r of history.records) {
    if (r.type !== "send") continue;
    const a = byKey.get(r.key);
    if (!a) continue;
    let d = a.deliveries.find((x) => x.webhook === r.webhook);
    if (!d) {
      d = { webhook: r.webhook, delivered: false, attempts: 0, lastError: null };
      a.deliveries.push(d);
    }
    d.attempts++;
    if (r.ok) d.delivered = true;
    else d.lastError = r.error;
  }
  return { day, checkedAt: last.at, alerts: [...byKey.values()] };
}
