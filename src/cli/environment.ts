// Environment errors: what is wrong with the machine, not with cpi (a port in use, a path that is a
// folder or not a store, no permission, a full disk, a store locked by another process or written by a
// newer cpi). Each becomes a UserError (exit 2) of one line naming the path or port and what to do;
// exit 1 stays for real bugs.
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../domain/errors.js";

/** DuckDB database files carry "DUCK" at byte 8. */
function isDuckDbFile(path: string): boolean {
  const head = Buffer.alloc(12);
  const fd = openSync(path, "r");
  try {
    const n = readSync(fd, head, 0, 12, 0);
    return n === 0 || head.subarray(8, 12).toString("latin1") === "DUCK";
  } finally {
    closeSync(fd);
  }
}

function errno(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof (e as { code: unknown }).code === "string" ? (e as { code: string }).code : undefined;
}

/**
 * What is wrong with `path` as a DuckDB store, checked before DuckDB opens it (so nothing is created
 * when it cannot be used), or null when nothing visible is.
 */
export function storePathProblem(path: string): UserError | null {
  if (existsSync(path)) {
    const st = statSync(path);
    if (st.isDirectory()) return new UserError("store_path", `the store path ${path} is a folder, not a store file: name a file, e.g. --db ${path.replace(/\/$/, "")}/cpi.duckdb`);
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
      if (!isDuckDbFile(path)) return new UserError("not_a_store", `${path} is not a cpi store (not a DuckDB database file): point --db or CPI_DB at your store, or name a new file`);
    } catch (e) {
      return fileProblem(path, e, "open the store");
    }
    return null;
  }
  const dir = dirname(path);
  if (!existsSync(dir)) return new UserError("store_path", `cannot create the store ${path}: the folder ${dir} does not exist; create it (mkdir -p ${dir}) or pick another --db`);
  if (!statSync(dir).isDirectory()) return new UserError("store_path", `cannot create the store ${path}: ${dir} is a file, not a folder; pick another --db`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    return fileProblem(dir, e, `create the store ${path} in`);
  }
  return null;
}

/** A DuckDB error met opening or writing the store at `path`, as a one-line UserError, or null for other errors. */
export function storeEngineProblem(path: string, e: unknown): UserError | null {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split("\n")[0] ?? msg;
  if (/Could not set lock|Conflicting lock|lock on file/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new UserError("store_locked", `the store ${path} is in use by another process${pid ? ` (pid ${pid})` : ""}: wait for it to finish or stop it, then run the command again`);
  }
  if (/not a valid DuckDB database file/i.test(msg)) return new UserError("not_a_store", `${path} is not a cpi store (not a DuckDB database file): point --db or CPI_DB at your store, or name a new file`);
  if (/database file with version number|newer version of DuckDB|storage version/i.test(msg)) {
    return new UserError("store_newer", `the store ${path} was written by a newer cpi: upgrade cpi (npm install -g cpi-engine@latest) to open it`);
  }
  if (/Is a directory/i.test(msg)) return new UserError("store_path", `the store path ${path} is a folder, not a store file: name a file, e.g. --db ${path}/cpi.duckdb`);
  if (/Permission denied|Operation not permitted/i.test(msg)) return new UserError("no_permission", `cannot write the store ${path}: permission denied; pick a path you may write (--db) or fix the file's permissions`);
  if (/Read-only file system/i.test(msg)) return new UserError("no_permission", `cannot write the store ${path}: the file system is read-only; pick another --db`);
  if (/No space left|Disk quota|File too large|could not write all bytes|out of disk/i.test(msg)) return diskFull(path);
  if (/Not a directory|No such file or directory/i.test(msg) && /^IO Error/i.test(first)) return new UserError("store_path", `cannot create the store ${path}: ${first.replace(/^IO Error:\s*/i, "")}; pick another --db`);
  return null;
}

function diskFull(path: string): UserError {
  return new UserError("disk_full", `cannot write ${path}: the disk is full (or the file size limit is reached); free some space and run the command again (what was being written is not kept)`);
}

/** A DuckDB error about a file, wherever it happened (a full disk mid-import), or null. */
export function engineIoProblem(e: unknown): UserError | null {
  const msg = e instanceof Error ? e.message : String(e);
  const path = /\b(?:file|File) "([^"]+)"/.exec(msg)?.[1];
  return path === undefined ? null : storeEngineProblem(path.replace(/\.wal$/, ""), e);
}

/** Node's file-system and network errors (EACCES, ENOSPC, EADDRINUSE …) as one-line UserErrors, or null for others. */
export function systemProblem(e: unknown): UserError | null {
  const code = errno(e);
  if (code === undefined) return null;
  const x = e as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  const path = x.path ?? x.dest;
  if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || (code === "EACCES" && x.syscall === "listen")) return listenProblem(x.address ?? "", x.port ?? 0, e) as UserError;
  if (path === undefined) return code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG" ? diskFull("the output") : null;
  return fileProblem(path, e, "write");
}

function fileProblem(path: string, e: unknown, doing: string): UserError {
  const code = errno(e);
  switch (code) {
    case "EACCES":
    case "EPERM":
      return new UserError("no_permission", `cannot ${doing} ${path}: permission denied; pick a path you may write or fix its permissions`);
    case "EROFS":
      return new UserError("no_permission", `cannot ${doing} ${path}: the file system is read-only; pick another path`);
    case "ENOSPC":
    case "EDQUOT":
    case "EFBIG":
      return diskFull(path);
    case "EISDIR":
      return new UserError("bad_path", `${path} is a folder, not a file: name a file`);
    case "ENOTDIR":
      return new UserError("bad_path", `cannot ${doing} ${path}: part of the path is a file, not a folder`);
    case "ENOENT":
      return new UserError("bad_path", `cannot ${doing} ${path}: no such file or folder`);
    case "EMFILE":
    case "ENFILE":
      return new UserError("too_many_files", `cannot ${doing} ${path}: too many open files; raise the limit (ulimit -n) and run the command again`);
    default:
      return new UserError("io_error", `cannot ${doing} ${path}: ${e instanceof Error ? (e.message.split("\n")[0] ?? code) : String(code)}`);
  }
}

/** A server that cannot listen on host:port, as a one-line UserError (null for other errors). */
export function listenProblem(host: string, port: number, e: unknown): UserError | null {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  switch (errno(e)) {
    case "EADDRINUSE":
      return new UserError("port_in_use", `cannot listen on ${where}: port ${port} is in use by another program; stop it or pick another --port`);
    case "EACCES":
    case "EPERM":
      return new UserError("port_denied", `cannot listen on ${where}: permission denied (ports below 1024 need privileges); pick a --port above 1023`);
    case "EADDRNOTAVAIL":
      return new UserError("bad_host", `cannot listen on ${where}: ${host} is not an address of this machine; pick another --host (127.0.0.1, or 0.0.0.0 for every interface)`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new UserError("bad_host", `cannot listen on ${where}: ${host} is not a known host name; pick another --host`);
    default:
      return null;
  }
}
