import { accessSync, constants, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.js";

/** The installed package's root folder (this file is src/cli/ or dist/cli/ under it). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The package's version, from its package.json (what `cpi --version` prints). */
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;

/**
 * How the user, standing in `io.cwd` with `io.env.PATH`, runs this very cpi, so that suggested command
 * lines run as printed:
 * - `cpi` when the first `cpi` on PATH is this package's (a global install, `npm link`);
 * - `npx cpi` inside the clone or a project that has it installed (npx finds the project's own bin);
 * - `npx cpi-engine` when npx fetched the package into its cache for this one run;
 * - otherwise `node <path to bin/cpi.js>`.
 */
export function cpiCommand(io: Pick<CliIo, "env" | "cwd">, root = PACKAGE_ROOT): string {
  const bin = real(join(root, "bin", "cpi.js"));
  const onPath = firstOnPath("cpi", io.env.PATH ?? "");
  if (onPath !== null && bin !== null && real(onPath) === bin) return "cpi";
  const pkg = real(root) ?? root;
  const cwd = real(io.cwd) ?? io.cwd;
  if (inside(cwd, pkg)) return "npx cpi";
  const projectBin = real(join(io.cwd, "node_modules", ".bin", "cpi"));
  if (projectBin !== null && projectBin === bin) return "npx cpi";
  if (pkg.split(sep).includes("_npx")) return "npx cpi-engine";
  const shown = relative(cwd, join(pkg, "bin", "cpi.js"));
  return `node ${shellQuote(shown.startsWith("..") || shown === "" ? join(pkg, "bin", "cpi.js") : shown)}`;
}

/** A word for a POSIX shell: quoted only when it needs to be. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function firstOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function inside(path: string, folder: string): boolean {
  const r = relative(folder, path);
  return r === "" || (!r.startsWith("..") && !r.startsWith(sep));
}
