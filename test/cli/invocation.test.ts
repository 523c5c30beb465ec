// The commands cpi suggests (the demo's "Try next" lines) start the way the user can run cpi from where
// they stand: `cpi` when this cpi is on PATH, `npx cpi` inside the clone or a project that installed it,
// `npx cpi-engine` from npx's cache, else `node <path>/bin/cpi.js`. package-install.test.ts runs them.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cpiCommand, shellQuote } from "../../src/cli/invocation.js";
import { ROOT, tempDir } from "../helpers.js";

test("cpi on PATH is named cpi only when it is this package's bin", () => {
  const dir = tempDir();
  const ours = join(dir, "ours");
  const other = join(dir, "other");
  mkdirSync(ours);
  mkdirSync(other);
  symlinkSync(join(ROOT, "bin/cpi.js"), join(ours, "cpi"));
  writeFileSync(join(other, "cpi"), "#!/bin/sh\necho unrelated\n");
  chmodSync(join(other, "cpi"), 0o755);
  assert.equal(cpiCommand({ cwd: dir, env: { PATH: `${ours}:/usr/bin` } }), "cpi");
  // An unrelated `cpi` first on PATH (the registry's package of that name) is not ours.
  assert.equal(cpiCommand({ cwd: dir, env: { PATH: `${other}:${ours}` } }), `node ${join(ROOT, "bin/cpi.js")}`);
  assert.equal(cpiCommand({ cwd: dir, env: {} }), `node ${join(ROOT, "bin/cpi.js")}`);
});

test("inside the clone, or a project that installed cpi-engine, it is npx cpi", () => {
  assert.equal(cpiCommand({ cwd: ROOT, env: { PATH: "/usr/bin" } }), "npx cpi");
  assert.equal(cpiCommand({ cwd: join(ROOT, "docs"), env: {} }), "npx cpi");
  const project = tempDir();
  mkdirSync(join(project, "node_modules/.bin"), { recursive: true });
  symlinkSync(join(ROOT, "bin/cpi.js"), join(project, "node_modules/.bin/cpi"));
  assert.equal(cpiCommand({ cwd: project, env: {} }), "npx cpi");
});

test("a package npx fetched for one run is npx cpi-engine; a path with spaces is quoted", () => {
  const cache = join(tempDir(), "_npx", "abc", "node_modules", "cpi-engine");
  mkdirSync(join(cache, "bin"), { recursive: true });
  writeFileSync(join(cache, "bin/cpi.js"), "");
  assert.equal(cpiCommand({ cwd: tempDir(), env: {} }, cache), "npx cpi-engine");
  const spaced = join(tempDir(), "my tools", "cpi");
  mkdirSync(join(spaced, "bin"), { recursive: true });
  writeFileSync(join(spaced, "bin/cpi.js"), "");
  assert.equal(cpiCommand({ cwd: tempDir(), env: {} }, spaced), `node '${join(spaced, "bin/cpi.js")}'`);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});
