#!/usr/bin/env node
// Runs the *.test.ts files under src/ and test/ with node's own test runner (TypeScript through tsx).
// TZ is pinned to a zone with daylight saving time so hidden local-time bugs fail (DESIGN §5).
//
// Two suites:
//   npm test                 the fast suite a developer runs before each commit (every layer)
//   npm run test:slow        only the slow files: ClickHouse servers and clusters, fuzzing, browsers,
//                            kill -9 under load
//   npm run test:all         both
// A test file belongs to the slow suite when one of its first lines is the comment `// test:slow`.
// Tests read CPI_TEST_SUITE (fast | slow | all) to size themselves (e.g. a fuzz test's request count).
//
// Usage: npm test [-- name-filter ...]   e.g. npm test -- money import
//        node scripts/run-tests.mjs --suite all|fast|slow [name-filter ...]
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** True when one of the file's first 10 lines is the `// test:slow` marker. */
function isSlow(file) {
  const head = readFileSync(file, "utf8").split("\n", 10);
  return head.some((line) => line.trim() === "// test:slow");
}

const args = process.argv.slice(2);
let suite = "fast";
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--suite") {
    suite = args[++i] ?? "";
    if (!["fast", "slow", "all"].includes(suite)) {
      console.error(`--suite takes fast, slow or all, not '${suite}'`);
      process.exit(2);
    }
  } else filters.push(args[i]);
}

const matching = [...find("src"), ...find("test")]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const files = matching.filter((f) => suite === "all" || (suite === "slow") === isSlow(f));
if (files.length === 0) {
  const others = matching.length;
  const hint = others > 0 ? ` (${others} file(s) of the other suite do: npm run test:all -- ${filters.join(" ")})` : "";
  console.error(`no ${suite} test files match ${filters.join(" ")}${hint}`);
  // A name filter that selects nothing in this suite but something in the other is not a failure.
  process.exit(others > 0 ? 0 : 2);
}
console.error(`${suite} suite: ${files.length} test files`);
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files],
  { stdio: "inherit", env: { ...process.env, TZ: "America/New_York", CPI_TEST: "1", CPI_TEST_SUITE: suite } },
);
process.exit(r.status ?? 1);
