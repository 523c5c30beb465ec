// Helpers of the import-lock tests: two exports restating one campaign-month, fresh stores on the
// test cluster, `cpi import` and other cpi commands as separate processes, and a process that holds
// the store's import lock until it is killed.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ClickHouseConnection } from "../../src/store/clickhouse/connection.js";
import { initClickHouseStore } from "../../src/store/clickhouse/init-schema.js";
import { parseClickHouseUrl } from "../../src/store/clickhouse/store-url.js";
import { ROOT, write } from "../helpers.js";
import type { TestCluster } from "./harness.js";

/** Impressions of a.csv and of its restatement b.csv (one campaign-month, October 2026). */
export const A = 34_000;
export const B = 31_000;

/** Writes a.csv and b.csv into `dir`: two exports of the same campaign-month. */
export function writeRestatements(dir: string): void {
  const header = "date,source,account,campaign,ad,currency,cost,impressions,clicks";
  const day = (d: number) => `2026-10-${String(d).padStart(2, "0")}`;
  const days = Array.from({ length: 31 }, (_, i) => i + 1);
  write(dir, "a.csv", [header, ...days.map((d) => `${day(d)},meta,acct-1,Launch Q4,Visual A,USD,10.00,${d === 1 ? 4000 : 1000},10`)].join("\n"));
  write(dir, "b.csv", [header, ...days.map((d) => `${day(d)},meta,acct-1,Launch Q4,Visual A,USD,9.00,1000,9`)].join("\n"));
}

let counter = 0;

/** A fresh store (one server, or sharded over both) and its URL on the first server (`other`: on the second). */
export async function freshStore(c: TestCluster, cluster: boolean): Promise<{ url: string; other: string; conn: ClickHouseConnection }> {
  const servers = c.servers;
  const db = `concurrent_${process.pid}_${++counter}`;
  const url = (servers[0] as (typeof servers)[number]).url(db);
  const rest = servers.slice(1).map((s) => parseClickHouseUrl(s.url(db)));
  await initClickHouseStore(parseClickHouseUrl(url), cluster ? { cluster: c.cluster, nodes: rest } : { cluster: null, nodes: [] });
  return { url, other: (servers[1] as (typeof servers)[number]).url(db), conn: new ClickHouseConnection(parseClickHouseUrl(url)) };
}

export interface Child {
  /** Resolves with the exit code and stderr. */
  done: Promise<{ code: number; stderr: string }>;
  /** Resolves when stderr has matched `re`. */
  said(re: RegExp): Promise<string>;
}

/** `cpi import FILE --store URL` as its own OS process (the built CLI), in `dir`. */
export function importProcess(dir: string, file: string, url: string): Child {
  const child = spawn(process.execPath, [join(ROOT, "bin/cpi.js"), "import", file, "--store", url], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    for (const w of waiters.splice(0)) {
      if (w.re.test(stderr)) w.resolve(stderr);
      else waiters.push(w);
    }
  });
  const done = new Promise<{ code: number; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stderr })));
  return {
    done,
    said: (re) => (re.test(stderr) ? Promise.resolve(stderr) : new Promise((resolve) => waiters.push({ re, resolve }))),
  };
}

/** `cpi ARGS` as a process in `dir`; resolves with its exit code, stdout and stderr. */
export function cpiProcessAsync(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/cpi.js"), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

export async function impressions(conn: ClickHouseConnection): Promise<number> {
  return Number((await conn.query("SELECT sum(impressions) AS imp FROM spend"))[0]?.imp ?? 0);
}

export async function lockTables(conn: ClickHouseConnection): Promise<string[]> {
  const rows = await conn.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND substring(name, 1, 11) = 'import_lock' ORDER BY name");
  return rows.map((r) => String(r.name));
}

/**
 * A process on this machine that takes the store's lock and would hold it forever (as a long import
 * does); resolves once it holds it. `exited` resolves with the signal that ended it, or its code.
 */
export async function lockHoldingProcess(url: string): Promise<{ pid: number; exited: Promise<NodeJS.Signals | number | null>; stderr: () => string }> {
  const code = `const { ImportLock } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/import-lock.ts"))});
    const { ClickHouseConnection } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/connection.ts"))});
    const { parseClickHouseUrl } = await import(${JSON.stringify(join(ROOT, "src/store/clickhouse/store-url.ts"))});
    await ImportLock.acquire(new ClickHouseConnection(parseClickHouseUrl(${JSON.stringify(url)})));
    process.stderr.write("holding\\n");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (c, s) => resolve(s ?? c)));
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("holding")) resolve();
    });
    child.on("exit", () => reject(new Error(`the lock holder exited: ${stderr}`)));
  });
  return { pid: child.pid as number, exited, stderr: () => stderr };
}
