// What a request that writes nothing works on: the Store and the alerts' files with every writing
// method refused. A read endpoint, an import's dry run and an alerts check's dry run get these, so that
// "writes nothing" (and so needs no token) is not a promise of their code but a property of what they hold.
import type { AlertFiles } from "../../app/alerts/index.js";
import type { Store } from "../../store/store.js";

/** The Store methods that only read (and its two plain properties). */
const STORE_READS = new Set<string | symbol>(["dialect", "location", "query", "queryColumns", "snapshot", "fxRates", "eventLogOffset", "contracts", "apiTokens", "campaignStatuses", "setting"]);

function refused(what: string): () => never {
  return () => {
    throw new Error(`a request that writes nothing called ${what}`);
  };
}

/** `store` with every writing method throwing (a bug: the request was let in as one that writes nothing). */
export function readOnlyStore(store: Store): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (STORE_READS.has(prop)) return typeof value === "function" ? value.bind(target) : value;
      if (prop === "importSpendBatches") return undefined; // optional: its absence means "use importSpend"
      return typeof value === "function" ? refused(`Store.${String(prop)}`) : value;
    },
  });
}

/** `files` that can be read but not written, nor locked (a dry run records nothing). */
export function readOnlyAlertFiles(files: AlertFiles): AlertFiles {
  return {
    configPath: files.configPath,
    logPath: files.logPath,
    readConfig: () => files.readConfig(),
    readLog: () => files.readLog(),
    writeConfig: refused("AlertFiles.writeConfig"),
    appendLog: refused("AlertFiles.appendLog"),
    withLock: refused("AlertFiles.withLock"),
  };
}

/** A fetch for webhooks that sends nothing (a dry run's deliveries are never attempted). */
export const refusedFetch: typeof fetch = refused("fetch (a webhook delivery)");
