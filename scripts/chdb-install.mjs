#!/usr/bin/env node
// Installs chdb (ClickHouse 26 in process, ~540 MB) into test/chdb/ for the slow test suite and the
// bench: the ClickHouse tests run against it as well as against the clickhouse-server binary (18.16).
// It is never a dependency of cpi itself. Runs `npm install` there (with its lock) only when the installed version is not
// the locked one, so calling it before every slow run costs nothing. CPI_SKIP_CHDB=1 skips it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "chdb");
const version = (file) => {
  try {
    return JSON.parse(readFileSync(file, "utf8")).version ?? null;
  } catch {
    return null;
  }
};
const locked = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")).packages["node_modules/chdb"].version;
if (process.env.CPI_SKIP_CHDB === "1") {
  console.error("chdb: skipped (CPI_SKIP_CHDB=1); the ClickHouse 26 tests will skip");
} else if (version(join(dir, "node_modules", "chdb", "package.json")) === locked) {
  console.error(`chdb ${locked}: installed in test/chdb`);
} else {
  console.error(`chdb ${locked}: installing into test/chdb (about 540 MB)…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // `npm install` with the lock, not `npm ci`: the lock lists chdb's prebuilt library for every
  // platform as optional, and `npm ci` refuses to run when a registry (a mirror) lacks the other
  // platforms' packages; `npm install` takes the locked versions it can use and skips the rest.
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("chdb: npm install in test/chdb failed");
    process.exit(r.status ?? 1);
  }
}
