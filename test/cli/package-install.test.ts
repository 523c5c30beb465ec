// test:slow
// The package as published: `npm pack`, then `npm install -g` of the tarball into an empty prefix
// (only the npm registry reachable) gives a working `cpi demo` and `cpi --version`, and every
// "Try next" line the demo prints runs as printed, there and inside the clone (`npx cpi …`).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { test } from "node:test";
import { ROOT, tempDir } from "../helpers.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
/** PATH without any folder that already has a `cpi` (so only the one under test is found). */
const basePath = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((d) => d !== "" && !existsSync(join(d, "cpi")))
  .join(delimiter);

function run(cwd: string, PATH: string, line: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("sh", ["-c", line], { cwd, encoding: "utf8", env: { ...process.env, PATH, CPI_DB: "" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The demo's suggested command lines. */
function tryNext(stdout: string): string[] {
  const after = stdout.split("\nTry next:\n")[1] ?? "";
  return after.split("\n").filter((l) => l.startsWith("  ")).map((l) => l.trim());
}

test("the packed tarball installed globally into an empty prefix runs cpi demo and cpi --version", () => {
  assert.equal(pkg.name, "cpi-engine");
  const dir = tempDir("cpi-pack-");
  // dist/ is already built (the test scripts build first): packing must not rebuild it under running tests.
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, stdio: "pipe" });
  const tarball = join(dir, `${pkg.name}-${pkg.version}.tgz`);
  assert.ok(existsSync(tarball), readdirSync(dir).join(", "));
  const prefix = join(dir, "prefix");
  execFileSync("npm", ["install", "-g", "--prefix", prefix, tarball, "--no-audit", "--no-fund"], { cwd: dir, stdio: "pipe" });
  const PATH = `${join(prefix, "bin")}${delimiter}${basePath}`;
  const work = join(dir, "work");
  mkdirSync(work);

  const version = run(work, PATH, "cpi --version");
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);

  const demo = run(work, PATH, "cpi demo");
  assert.equal(demo.code, 0, demo.stderr);
  assert.match(demo.stdout, /Launch Q4: \$5,000\.00 for 500,000 impressions → CPI \$0\.0100, CPM \$10\.00/);
  assert.ok(existsSync(join(work, "cpi-demo.duckdb")));
  const lines = tryNext(demo.stdout);
  assert.ok(lines.length >= 5, demo.stdout);
  for (const line of lines) {
    assert.match(line, /^cpi /);
    const r = run(work, PATH, line);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    assert.ok(r.stdout.length > 0, line);
  }
});

test("inside the clone, with no cpi on PATH, the demo suggests npx cpi and those lines run", () => {
  const dir = tempDir("cpi-clone-demo-");
  const demo = run(ROOT, basePath, `node bin/cpi.js demo --db ${join(dir, "demo.duckdb")}`);
  assert.equal(demo.code, 0, demo.stderr);
  const lines = tryNext(demo.stdout);
  assert.ok(lines.length >= 5, demo.stdout);
  for (const line of lines) {
    assert.match(line, /^npx cpi /);
    const r = run(ROOT, basePath, line);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
  }
});
