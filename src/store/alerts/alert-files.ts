// The alerts' files on disk: the rules file (JSON, replaced atomically, mode 0600 since webhook URLs
// are secrets), the JSON-lines log beside it (appended and synced), and a lock file so that a cron
// `cpi alerts check` and `cpi serve --alerts-every` never send the same alert twice.
import { open, readFile } from "node:fs/promises";
import { readTextOrNull, withFileLock, writeFileAtomically } from "../local-files.js";

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
    readConfig: () => readTextOrNull(configPath, "bad_config"),
    writeConfig: (text) => writeFileAtomically(configPath, text),
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
    withLock: (fn) => withFileLock(lockPath, { code: "alerts_locked", what: "another alerts check" }, fn),
  };
}
