import { type AlertFiles, loadAlertsConfig, parseInterval, runAlertCheck } from "../../app/alerts/index.js";
import { loadConnections } from "../../app/connect/manage.js";
import type { Repeating } from "../../app/repeat.js";
import { DEFAULT_DEADLINE_MS } from "../../app/sync/sync.js";
import { startSyncSchedule } from "../../app/sync/sync-schedule.js";
import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import type { CliIo } from "../io.js";
import { connectionFiles } from "./connect.js";
import { networkOptions } from "./sync-flags.js";

type Job = (store: Store) => Repeating;

/**
 * For `cpi serve --sync-every 6h`: checks the interval and that there are connections now (a bad one
 * stops the server from starting), and returns what starts the schedule on the server's Store. Each
 * sync is followed by the alert checks of the rules file, when it has rules.
 */
export async function syncSchedule(o: { every: string; connections?: string; db?: string; store?: string }, alertFiles: AlertFiles, io: CliIo): Promise<Job> {
  const everyMs = parseInterval(o.every, "--sync-every");
  const files = connectionFiles(o, io);
  const list = await loadConnections(files);
  if (list.length === 0) throw new UserError("no_connections", `--sync-every: no connections in ${files.path}: add one with 'cpi connect add'`);
  io.err(`cpi serve: syncing ${list.length} connection(s) of ${files.path} every ${o.every.trim()}\n`);
  const log = (m: string) => io.err(`${m}\n`);
  const sync = { ...networkOptions({ deadline: `${DEFAULT_DEADLINE_MS}ms`, requestTimeout: "120s" }, io), progress: () => {} };
  return (store) =>
    startSyncSchedule(store, {
      files,
      everyMs,
      sync,
      log,
      afterSync: async () => {
        const rules = (await loadAlertsConfig(alertFiles).catch(() => ({ rules: [] }))).rules.filter((r) => r.enabled !== false);
        if (rules.length > 0) await runAlertCheck(store, { files: alertFiles, log });
      },
    });
}

/** The server's background jobs as one: both started, both stopped. */
export function bothJobs(a: Job | null, b: Job | null): Job {
  return (store) => {
    const jobs = [a?.(store), b?.(store)].filter((j): j is Repeating => j !== undefined);
    return { stop: async (waitMs?: number) => void (await Promise.all(jobs.map((j) => j.stop(waitMs)))) };
  };
}
