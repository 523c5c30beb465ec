// Small files cpi keeps beside a store (alert rules, connections, sync state): replaced atomically
// (written under a private name, synced, renamed), created readable only by their owner, and locks
// that name their holder and are taken over from a process that died holding them.
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { UserError } from "../domain/errors.js";

/** How long a caller waits for another process holding a lock before giving up. */
const LOCK_WAIT_MS = 10 * 60_000;
const LOCK_POLL_MS = 100;

/** In-process queue per lock file: callers of one process take turns without polling. */
const queues = new Map<string, Promise<unknown>>();

/** A file's text, or null when it does not exist; other failures are a UserError (`code`) naming the file. */
export async function readTextOrNull(path: string, code = "unreadable_file"): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new UserError(code, `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Whether users other than the owner may read a file (group or other read bits); false on Windows or when it is missing. */
export function othersMayRead(path: string): boolean {
  if (process.platform === "win32") return false;
  try {
    return (statSync(path).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}

/** Replaces a file's content atomically (write, sync, rename), mode 0600. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(tmp, "w", 0o600);
  } catch (e) {
    throw new UserError("unwritable_file", `cannot write ${path}: ${(e as Error).message}`);
  }
  try {
    await fh.writeFile(text, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Who holds a lock, for the UserError (its `code`) a caller gets after waiting too long: "another alerts check". */
export interface LockHolder {
  code: string;
  what: string;
}

/**
 * Runs `fn` holding the lock file `lockPath` (one at a time per process, and across processes).
 * @example await withFileLock("/data/cpi.alerts.lock", { code: "alerts_locked", what: "another alerts check" }, async () => send())
 */
export function withFileLock<T>(lockPath: string, what: LockHolder, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(lockPath) ?? Promise.resolve();
  const run = prev.then(
    () => holdingLock(lockPath, what, fn),
    () => holdingLock(lockPath, what, fn),
  );
  const tail = run.catch(() => {});
  queues.set(lockPath, tail);
  void tail.then(() => {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  });
  return run;
}

async function holdingLock<T>(lockPath: string, what: LockHolder, fn: () => Promise<T>): Promise<T> {
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
        // Left by a process that died holding it: take it over.
        try {
          unlinkSync(lockPath);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > until) {
        throw new UserError(what.code, `${what.what} (pid ${holder}) has held ${lockPath} for over ${LOCK_WAIT_MS / 60_000} minutes`);
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
