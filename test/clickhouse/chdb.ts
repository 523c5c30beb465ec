// ClickHouse 26 in this process, through chdb (installed into test/chdb/ by `npm run chdb:install`,
// never a dependency of cpi). Each test process gets one chdb data folder (chdb runs one engine per
// process); each store is a database in it, as on a server.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClickHouseTarget, InProcessConnection } from "../../src/store/clickhouse/store-url.js";

const PACKAGE = fileURLToPath(new URL("../chdb/package.json", import.meta.url));

type Connection = ReturnType<InProcessConnection>;
interface ChdbModule {
  createChdbConnection(o: { path: string }): Connection;
}

let loaded: ChdbModule | null | undefined;
function chdb(): ChdbModule | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(PACKAGE)("chdb/connection") as ChdbModule;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** Why the ClickHouse 26 (chdb) cases skip here, or null when chdb is installed. */
export function chdbSkipReason(): string | null {
  return chdb() ? null : "chdb (ClickHouse 26) is not installed: run `npm run chdb:install` (the slow suite and CI do)";
}

let dataDir: string | null = null;

function path(): string {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), "cpi-chdb-"));
    dataDir = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return dataDir;
}

/**
 * chdb's Connection ignores the client's `database`: every statement runs after `USE database`,
 * which is what the HTTP interface does with it.
 */
const inProcess: InProcessConnection = (database) => {
  const m = chdb();
  if (!m) throw new Error(chdbSkipReason() ?? "");
  const inner = m.createChdbConnection({ path: path() });
  const use = <P extends { query: string }>(p: P): P => (database ? { ...p, query: `USE ${database}; ${p.query}` } : p);
  return {
    query: (p) => inner.query(use(p)),
    exec: (p) => inner.exec(use(p)),
    command: (p) => inner.command(use(p)),
    insert: (p) => inner.insert(use(p)),
    ping: (p) => inner.ping(p),
    close: () => inner.close(),
  } as Connection;
};

/** A target for `database` in this process's chdb. */
export function chdbTarget(database: string): ClickHouseTarget {
  return { endpoint: "chdb://in-process", username: "default", password: "", database, inProcess };
}
