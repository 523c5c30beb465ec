// The connections' files on disk: the connections file (credentials: replaced atomically, mode 0600),
// the sync state beside it, and their locks. `cpi.connections.json` → `cpi.connections.state.json`,
// `cpi.connections.sync.lock`, `cpi.connections.edit.lock`, `cpi.connections.state.lock`.
import { othersMayRead, readTextOrNull, withFileLock, writeFileAtomically } from "../local-files.js";

/** The file-system side of app/connect's ConnectionFiles (same shape; store/ does not import app/). */
export interface ConnectionFilesOnDisk {
  readonly path: string;
  readonly statePath: string;
  readConnections(): Promise<{ text: string; othersMayRead: boolean } | null>;
  writeConnections(text: string): Promise<void>;
  readState(): Promise<string | null>;
  writeState(text: string): Promise<void>;
  withLock<T>(lock: "sync" | "edit" | "state", fn: () => Promise<T>): Promise<T>;
}

const HOLDERS = {
  sync: { code: "sync_running", what: "another sync" },
  edit: { code: "connections_locked", what: "another change to the connections" },
  state: { code: "connections_locked", what: "another sync recording its state" },
} as const;

/** The state file that goes with a connections file: `cpi.connections.json` → `cpi.connections.state.json`. */
export function connectionStatePath(path: string): string {
  return `${path.replace(/\.json$/i, "")}.state.json`;
}

/** The connections' files for a connections file at an absolute path. */
export function openConnectionFilesOnDisk(path: string): ConnectionFilesOnDisk {
  const stem = path.replace(/\.json$/i, "");
  const statePath = connectionStatePath(path);
  return {
    path,
    statePath,
    async readConnections() {
      const text = await readTextOrNull(path, "bad_connections");
      return text === null ? null : { text, othersMayRead: othersMayRead(path) };
    },
    writeConnections: (text) => writeFileAtomically(path, text),
    readState: () => readTextOrNull(statePath, "bad_connections"),
    writeState: (text) => writeFileAtomically(statePath, text),
    withLock: (lock, fn) => withFileLock(`${stem}.${lock}.lock`, HOLDERS[lock], fn),
  };
}
