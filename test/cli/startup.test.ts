// `cpi --version`, `--help` and `calc` start without loading DuckDB, ClickHouse's client, zod or
// nodemailer (checked on the modules the built CLI loads, not on time), and the help that lists the
// commands from command-index.ts says what the commands themselves say.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { COMMANDS } from "../../src/cli/command-index.js";
import { memoryIo } from "../../src/cli/io.js";
import { buildProgram, commandsOf } from "../../src/cli/main.js";
import { ROOT, tempDir } from "../helpers.js";

test("the command list of `cpi --help` is the commands' own: names, usage and descriptions", async () => {
  const full = await buildProgram(memoryIo());
  const listed = await buildProgram(memoryIo(), null);
  assert.deepEqual(
    full.commands.map((c) => c.name()),
    COMMANDS.map((c) => c.name),
  );
  const help = full.createHelp();
  for (const c of full.commands) {
    const entry = COMMANDS.find((e) => e.name === c.name());
    assert.equal(entry?.term, help.subcommandTerm(c), c.name());
    assert.equal(entry?.description, c.description(), c.name());
  }
  assert.equal(listed.helpInformation(), full.helpInformation());
  assert.deepEqual(
    commandsOf(["help", "report"])?.map((c) => c.name),
    ["report"],
  );
  assert.equal(commandsOf(["--version"]), null);
});

/** The module URLs a run of the built CLI resolves (a loader hook writes each to a file). */
function loadedModules(dir: string, ...argv: string[]): { urls: string[]; stdout: string; code: number | null } {
  const log = join(dir, "modules.log");
  writeFileSync(log, "");
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";\nexport async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(${JSON.stringify(log)}, r.url + "\\n"); return r; }\n`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, join(ROOT, "bin/cpi.js"), ...argv], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CPI_DB: "" },
  });
  return { urls: readFileSync(log, "utf8").split("\n").filter(Boolean), stdout: r.stdout, code: r.status };
}

const HEAVY = /node_modules\/(@duckdb|@clickhouse|zod|nodemailer|busboy|iconv-lite|fflate)\//;

test("cpi --version, --help and calc load no database driver, zod or mailer", () => {
  const dir = tempDir();
  const version = loadedModules(dir, "--version");
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), "0.1.0");
  const help = loadedModules(dir, "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /report \[options\]/);
  const calc = loadedModules(dir, "calc", "--cost", "5000", "--impressions", "500000", "--baseline-cpi", "0.015");
  assert.equal(calc.code, 0);
  assert.match(calc.stdout, /CPI\s+\$0\.0100/);
  for (const [what, run] of Object.entries({ version, help, calc })) {
    assert.ok(run.urls.length > 0, `${what}: the hook saw the CLI load`);
    assert.deepEqual(
      run.urls.filter((u) => HEAVY.test(u)),
      [],
      `${what} loads nothing heavy`,
    );
    // Only the command run is loaded: no other command's module.
    const commands = run.urls.filter((u) => u.includes("/dist/cli/commands/")).map((u) => u.replace(/.*\/commands\//, ""));
    assert.deepEqual(commands, what === "calc" ? ["calc.js"] : [], what);
  }
  // The hook does see DuckDB where a command needs it.
  const init = loadedModules(dir, "init", "--db", join(dir, "s.duckdb"));
  assert.equal(init.code, 0);
  assert.ok(init.urls.some((u) => u.includes("node_modules/@duckdb/")));
});
