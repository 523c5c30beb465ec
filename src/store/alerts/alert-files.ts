// The alerts' files on disk: the rules file (JSON, replaced atomically, mode 0600 since webhook URLs
// are secrets), the JSON-lines log beside it (appended and synced), and a lock file so that a cron
// `cpi alerts check` and `cpi serve --alerts-every` never send the same alert twice.
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { UserError } from "../../domain/errors.js";

/** The file-system side of app/alerts' AlertFiles (same shape; store/ does not import app/). */
export interface AlertFilesOnDisk {
  readonly configPath: string;
  readonly logPath: string;
  readConfig(): Promise<string | null>;
  writeConfig(text: string): Promise<void>;
  readLog(): Promise<string>;
  appendLog(lines: readonly string[]): Promise<void>;
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

/** How long a check waits for another one holding the lock before giving up. */
const LOCK_WAIT_MS = 10 * 60_000;
const LOCK_POLL_MS = 100;

/** In-process queue per lock file: checks of one process take turns without polling. */
const queues = new Map<string, Promise<unknown>>();

/** The log and lock paths that go with a rules file: `cpi.alerts.json` → `cpi.alerts.log.jsonl`, `cpi.alerts.lock`. */
export function alertSidePaths(configPath: string): { logPath: string; lockPath: string } {
  const stem = configPath.replace(/\.json$/i, "");
  return { logPath: `${stem}.log.jsonl`, lockPath: `${stem}.lock` };
}

/** The alerts' files for a rules file at an absolute path. */
export function openAlertFilesOnDisk(configPath: string): AlertFilesOnDisk {
  const { logPath, lockPath } = alertSidePaths(configPath);
  return {
    configPath,
    logPath,
    async readConfig() {
      try {
        return await readFile(configPath, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw new UserError("bad_config", `cannot read ${configPath}: ${(e as Error).message}`);
      }
    },
    async writeConfig(text) {
      const tmp = `${configPath}.tmp-${process.pid}`;
      const fh = await open(tmp, "w", 0o600);
      try {
        await fh.writeFile(text, "utf8");
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, configPath);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
    },
    async readLog() {
      try {
        return await readFile(logPath, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
        throw e;
      }
    },
    async appendLog(lines) {
      if (lines.length === 0) return;
      const fh = await open(logPath, "a", 0o600);
      try {
        await fh.writeFile(lines.map((l) => `${l}\n`).join(""), "utf8");
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
    withLock(fn) {
      const prev = queues.get(lockPath) ?? Promise.resolve();
      const run = prev.then(
        () => holdingLock(lockPath, fn),
        () => holdingLock(lockPath, fn),
      );
      const tail = run.catch(() => {});
      queues.set(lockPath, tail);
      void tail.then(() => {
        if (queues.get(lockPath) === tail) queues.delete(lockPath);
      });
      return run;
    },
  };
}

async function holdingLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    // Written whole under a private name, then linked into place: the lock file always names its holder.
    const mine = `${lockPath}.${process.pid}`;
    const fd = openSync(mine, "w", 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    try {
      linkSync(mine, lockPath);
      unlinkSync(mine);
      break;
    } catch (e) {
      unlinkSync(mine);
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = lockHolder(lockPath);
      if (holder === null || !alive(holder)) {
        // Left by a process that died mid-check: take it over.
        try {
          unlinkSync(lockPath);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > until) {
        throw new UserError("alerts_locked", `another alerts check (pid ${holder}) has held ${lockPath} for over ${LOCK_WAIT_MS / 60_000} minutes`);
      }
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  }
}

function lockHolder(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
