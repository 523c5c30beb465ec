/**
 * Where alerts keep their rules and their history: the rules file (JSON, edited by `cpi alerts add` or
 * by hand) and an append-only log (JSON lines) of fired alerts, webhook attempts and checks beside it.
 * app/ does no file IO itself; `store/alerts/alert-files.ts` implements this on the file system and
 * tests may use an in-memory one.
 */
export interface AlertFiles {
  /** The rules file's path, for messages. */
  readonly configPath: string;
  /** The log's path, for messages. */
  readonly logPath: string;
  /** The rules file's text, or null when there is none yet. */
  readConfig(): Promise<string | null>;
  /** Replaces the rules file atomically (write then rename), readable only by its owner (webhook URLs are secrets). */
  writeConfig(text: string): Promise<void>;
  /** The whole log ("" when there is none). */
  readLog(): Promise<string>;
  /** Appends lines (each a JSON document without its newline) and syncs them to disk. */
  appendLog(lines: readonly string[]): Promise<void>;
  /** Runs `fn` while holding the alerts lock, so two checks (cron and `cpi serve`) never send the same alert. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * An AlertFiles kept in memory (tests, dry runs).
 * @example const files = memoryAlertFiles(); await files.writeConfig("{}")
 */
export function memoryAlertFiles(config: string | null = null): AlertFiles & { log: string[] } {
  let text = config;
  let chain: Promise<unknown> = Promise.resolve();
  const files = {
    configPath: "(memory)/cpi.alerts.json",
    logPath: "(memory)/cpi.alerts.log.jsonl",
    log: [] as string[],
    readConfig: async () => text,
    writeConfig: async (t: string) => {
      text = t;
    },
    readLog: async () => files.log.map((l) => `${l}\n`).join(""),
    appendLog: async (lines: readonly string[]) => {
      files.log.push(...lines);
    },
    withLock<T>(fn: () => Promise<T>): Promise<T> {
      const run = chain.then(fn, fn);
      chain = run.catch(() => {});
      return run;
    },
  };
  return files;
}
