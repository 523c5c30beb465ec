import type { NetworkOptions } from "../../app/sync/open-session.js";
import { UserError } from "../../domain/errors.js";
import type { CliIo } from "../io.js";

/**
 * A duration flag ("500ms", "30s", "2m", "1h") in milliseconds.
 * @example parseDuration("2m", "--deadline") // 120000
 */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/i.exec(text);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m?.[2] ?? "").toLowerCase() as "s"];
  const ms = m && unit ? Number(m[1]) * unit : Number.NaN;
  if (!(ms > 0)) throw new UserError("bad_flag", `${flag} must be a duration like 30s, 10m or 1h, got '${text}'`);
  return Math.round(ms);
}

/**
 * How a command reaches the platforms: its deadline and per-call timeout, the environment (secrets
 * named by connections), progress on stderr. $CPI_SYNC_WAIT_MS sets every short wait at once (first
 * retry, first poll, throttle pause): tests keep the fake platforms' waits short with it.
 */
export function networkOptions(o: { deadline: string; requestTimeout: string }, io: CliIo): NetworkOptions {
  const wait = io.env.CPI_SYNC_WAIT_MS;
  const waitMs = wait === undefined || wait === "" ? null : Number(wait);
  if (waitMs !== null && !(Number.isFinite(waitMs) && waitMs >= 0)) throw new UserError("bad_env", `CPI_SYNC_WAIT_MS must be a number of milliseconds, got '${wait}'`);
  return {
    deadlineMs: parseDuration(o.deadline, "--deadline"),
    timing: { requestTimeoutMs: parseDuration(o.requestTimeout, "--request-timeout"), ...(waitMs !== null ? { retryBaseMs: waitMs, pollMs: waitMs, pauseMs: waitMs } : {}) },
    env: io.env,
    progress: (m) => io.err(`${m}\n`),
  };
}
