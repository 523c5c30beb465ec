import { UserError } from "../../domain/errors.js";
import type { Store } from "../../store/store.js";
import { type Repeating, repeatEvery } from "../repeat.js";
import type { AlertFiles } from "./alert-files.js";
import { type CheckOptions, type CheckOutcome, checkAlerts } from "./check-alerts.js";

export interface ScheduleOptions {
  files: AlertFiles;
  /** Milliseconds between the end of one check and the start of the next. */
  everyMs: number;
  /** Passed to every check (not `date`: each check judges the latest complete day). */
  check?: Omit<CheckOptions, "date">;
  /** Where to say what happened (one line per check that fired or failed). */
  log?: (message: string) => void;
  /** Called after each check (tests, metrics). */
  onCheck?: (outcome: CheckOutcome | null, error: unknown) => void;
}

export type AlertSchedule = Repeating;

/**
 * Runs `checkAlerts` now and then every `everyMs` (never two at once) until stopped, for `cpi serve
 * --alerts-every 15m`. Errors are logged, never thrown: a bad rules file or a dead webhook does not stop the server.
 * @example const schedule = startAlertSchedule(store, { files, everyMs: 15 * 60_000, log: (m) => io.err(`${m}\n`) }); await schedule.stop()
 */
export function startAlertSchedule(store: Store, options: ScheduleOptions): AlertSchedule {
  return repeatEvery(options.everyMs, () => runAlertCheck(store, options));
}

/**
 * One check as the schedule runs it: logs what fired or failed (one line), never throws.
 * @example await runAlertCheck(store, { files, everyMs: 0, log: console.error })
 */
export async function runAlertCheck(store: Store, options: Omit<ScheduleOptions, "everyMs">): Promise<void> {
  const log = options.log ?? (() => {});
  try {
    const out = await checkAlerts(store, options.files, options.check ?? {});
    const fresh = out.fired.filter((f) => f.isNew).length;
    if (fresh > 0 || out.errors.length > 0 || out.deliveryFailures > 0) {
      log(
        `alerts ${out.day}: ${out.fired.length} firing, ${fresh} new` +
          (out.deliveryFailures > 0 ? `, ${out.deliveryFailures} webhook send(s) failed (retried next check)` : "") +
          out.errors.map((e) => `; rule ${e.rule}: ${e.message}`).join(""),
      );
    }
    options.onCheck?.(out, null);
  } catch (e) {
    log(`alerts: check failed: ${e instanceof Error ? e.message : String(e)}`);
    options.onCheck?.(null, e);
  }
}

/**
 * Parses an interval as written after --alerts-every: "90s", "15m", "1h", "1d" (at least `leastMs`, 10 s by default).
 * @example parseInterval("15m") // 900000
 */
export function parseInterval(text: string, flag = "--alerts-every", leastMs = 10_000): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$/i.exec(text);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m?.[2] ?? "").toLowerCase() as "s"];
  const ms = m && unit ? Number(m[1]) * unit : Number.NaN;
  if (!(ms >= leastMs)) {
    const least = leastMs >= 60_000 ? `${leastMs / 60_000}m` : `${leastMs / 1000}s`;
    throw new UserError("bad_flag", `${flag} must be an interval of at least ${least} like 90s, 15m, 1h or 1d, got '${text}'`);
  }
  return Math.round(ms);
}
