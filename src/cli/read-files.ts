import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { ReportFileOnDisk } from "../app/import.js";
import { UserError } from "../domain/errors.js";
import type { CliIo } from "./io.js";

const REPORT_EXTENSIONS = /\.(csv|tsv|txt|xlsx)$/i;

/** Expands paths (files or folders of reports) into the files to read, in a stable order. */
export function expandReportPaths(paths: readonly string[], io: CliIo): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const full = resolve(io.cwd, p);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(full);
    } catch {
      throw new UserError("no_such_file", `${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      const inside = readdirSync(full)
        .filter((n) => REPORT_EXTENSIONS.test(n) && !n.startsWith("."))
        .sort()
        .map((n) => join(full, n));
      if (inside.length === 0) throw new UserError("empty_folder", `${p}: no report files (.csv, .tsv, .txt, .xlsx) in this folder`);
      out.push(...inside);
    } else out.push(full);
  }
  return out;
}

/**
 * Reads a file's bytes, naming it in the error when it cannot be read. The bytes are in shared
 * memory, so a large report's parse thread reads them where they are (a copy of a 178 MB export
 * took 60-100 ms before the parse could start).
 */
export function readInputFile(path: string, shownAs = basename(path)): { name: string; bytes: Uint8Array } {
  try {
    return { name: shownAs, bytes: readShared(path) };
  } catch (e) {
    throw new UserError("unreadable_file", `${shownAs}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function readShared(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let read = 0;
    for (let n = 1; read < size && n > 0; read += n) n = readSync(fd, bytes, read, size - read, read);
    return read === size ? bytes : bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Files from this size on are read in parts while they are imported, never whole (see app/import-stream/parse-parts.ts). */
export const READ_IN_PARTS_FROM = 8 * 1024 * 1024;

/**
 * A report to import: its bytes when small, else the file on disk, read in parts as the import goes
 * (a 5 GB export is never in memory whole). Names the file when it cannot be read.
 * @example importInputFile("/data/spend.csv", "spend.csv")
 */
export function importInputFile(path: string, shownAs = basename(path)): { name: string; bytes: Uint8Array } | ReportFileOnDisk {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new UserError("unreadable_file", `${shownAs}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size < READ_IN_PARTS_FROM) return readInputFile(path, shownAs);
  return {
    name: shownAs,
    size,
    read(position: number, length: number): Uint8Array {
      try {
        const fd = openSync(path, "r");
        try {
          const bytes = new Uint8Array(length);
          let read = 0;
          for (let n = 1; read < length && n > 0; read += n) n = readSync(fd, bytes, read, length - read, position + read);
          return read === length ? bytes : bytes.slice(0, read);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        throw new UserError("unreadable_file", `${shownAs}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    },
  };
}
