// The endpoint file `cpi serve` writes next to the store (`<db>.serve.json`, mode 0600): where the
// running server listens and the token that lets this user's other `cpi` commands run through it.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

export interface ServerEndpoint {
  pid: number;
  host: string;
  port: number;
  token: string;
}

/** The endpoint file of a store. */
export function endpointPath(dbPath: string): string {
  return `${dbPath}.serve.json`;
}

/** Writes the endpoint file, readable by its owner only. */
export function writeEndpoint(dbPath: string, e: ServerEndpoint): void {
  writeFileSync(endpointPath(dbPath), `${JSON.stringify(e)}\n`, { mode: 0o600 });
}

/** Removes the endpoint file if it is this process's. */
export function removeEndpoint(dbPath: string, pid = process.pid): void {
  const e = readEndpoint(dbPath);
  if (e && e.pid === pid) rmSync(endpointPath(dbPath), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The endpoint of a server running on `dbPath`, or null (none, unreadable, or its process is gone). */
export function readEndpoint(dbPath: string): ServerEndpoint | null {
  let e: ServerEndpoint;
  try {
    e = JSON.parse(readFileSync(endpointPath(dbPath), "utf8")) as ServerEndpoint;
  } catch {
    return null;
  }
  if (typeof e.pid !== "number" || typeof e.port !== "number" || typeof e.token !== "string") return null;
  return alive(e.pid) ? e : null;
}
