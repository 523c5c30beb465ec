/**
 * Where connections live: the connections file (JSON with credentials, readable only by its owner),
 * the sync state beside it (last success, last error, the last day synced per account), and locks.
 * app/ does no file IO itself: `store/connections/connection-files.ts` implements this on disk and
 * tests may use the in-memory one.
 */
export interface ConnectionFiles {
  /** The connections file's path, for messages. */
  readonly path: string;
  /** The sync state's path, for messages. */
  readonly statePath: string;
  /** The connections file's text, and whether anyone but its owner may read it; null when there is none. */
  readConnections(): Promise<{ text: string; othersMayRead: boolean } | null>;
  /** Replaces the connections file atomically, readable only by its owner (it holds secrets). */
  writeConnections(text: string): Promise<void>;
  /** The sync state's text, or null when no sync has run. */
  readState(): Promise<string | null>;
  /** Replaces the sync state atomically. */
  writeState(text: string): Promise<void>;
  /**
   * Runs `fn` holding a lock: "sync" for a whole sync (two syncs never pull the same accounts at
   * once), "edit" around a change to the connections file, "state" around a change to the state.
   */
  withLock<T>(lock: "sync" | "edit" | "state", fn: () => Promise<T>): Promise<T>;
}

/**
 * ConnectionFiles kept in memory (tests).
 * @example const files = memoryConnectionFiles(); await files.writeConnections('{"connections":[]}')
 */
export function memoryConnectionFiles(text: string | null = null): ConnectionFiles {
  let connections = text;
  let state: string | null = null;
  const chains = new Map<string, Promise<unknown>>();
  return {
    path: "(memory)/cpi.connections.json",
    statePath: "(memory)/cpi.connections.state.json",
    readConnections: async () => (connections === null ? null : { text: connections, othersMayRead: false }),
    writeConnections: async (t) => {
      connections = t;
    },
    readState: async () => state,
    writeState: async (t) => {
      state = t;
    },
    withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
      const prev = chains.get(lock) ?? Promise.resolve();
      const run = prev.then(fn, fn);
      chains.set(
        lock,
        run.catch(() => {}),
      );
      return run;
    },
  };
}
