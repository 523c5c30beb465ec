// Helpers for CLI tests: run `cpi` in-process on a temporary folder, or as a real process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { memoryIo } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";

export const ROOT = resolve(import.meta.dirname, "..");

/** The folders tempDir made in this process: removed when it exits (CPI_KEEP_TEMP=1 keeps them to look at). */
const made: string[] = [];
process.on("exit", () => {
  if (process.env.CPI_KEEP_TEMP === "1") return;
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch (e) {
      // A process the test started may still be writing there: the folder stays, the test's result stands.
      process.stderr.write(`could not remove ${dir}: ${(e as Error).message}\n`);
    }
  }
});

/** A fresh temporary working folder, removed when the test process exits. */
export function tempDir(prefix = "cpi-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Runs the CLI in-process in `cwd`; returns exit code and what it printed. */
export async function cpi(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({}, cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Runs the built `bin/cpi.js` as a real process (needs `npm run build`, which `npm test` does first). */
export function cpiProcess(cwd: string, ...argv: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/cpi.js"), ...argv], { cwd, encoding: "utf8", env: { ...process.env, CPI_DB: "" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a file into a folder and returns its path. */
export function write(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
