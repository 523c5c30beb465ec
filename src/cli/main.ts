import { Command, CommanderError } from "commander";
import { isUserError } from "../domain/errors.js";
import { registerAbtest } from "./commands/abtest.js";
import { registerAlerts } from "./commands/alerts.js";
import { registerAllocate } from "./commands/allocate.js";
import { registerCalc } from "./commands/calc.js";
import { registerCompare } from "./commands/compare.js";
import { registerConnect } from "./commands/connect.js";
import { registerContract } from "./commands/contract.js";
import { registerCurves } from "./commands/curves.js";
import { registerDemo } from "./commands/demo.js";
import { registerDiscrepancy } from "./commands/discrepancy.js";
import { registerForecast } from "./commands/forecast.js";
import { registerFx } from "./commands/fx.js";
import { registerImport } from "./commands/import.js";
import { registerInit } from "./commands/init.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerPacing } from "./commands/pacing.js";
import { registerReach } from "./commands/reach.js";
import { registerReport } from "./commands/report.js";
import { registerServe } from "./commands/serve.js";
import { registerSnippet } from "./commands/snippet.js";
import { registerStore } from "./commands/store.js";
import { registerSync } from "./commands/sync.js";
import { registerToken } from "./commands/token.js";
import { engineIoProblem, systemProblem } from "./environment.js";
import { forwardToServer } from "./forward.js";
import { VERSION } from "./invocation.js";
import { type CliIo, processIo } from "./io.js";
import { terminalSafe } from "./render/format.js";


/** The `cpi` program with every command registered, writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("cpi")
    .description("cpi — what every impression costs you: import ad reports, report CPI/CPM/CTR/CPA/ROAS, compare campaigns")
    .version(VERSION)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError("(run with --help for usage and examples)")
    .addHelpText("after", "\nQuick start:\n  $ cpi demo\n  $ cpi calc --cost 5000 --impressions 500000 --baseline-cpi 0.015\n  $ cpi import spend.csv && cpi report --by campaign");
  registerCalc(program, io);
  registerInit(program, io);
  registerMigrate(program, io);
  registerImport(program, io);
  registerConnect(program, io);
  registerSync(program, io);
  registerReport(program, io);
  registerCompare(program, io);
  registerAbtest(program, io);
  registerReach(program, io);
  registerCurves(program, io);
  registerForecast(program, io);
  registerAllocate(program, io);
  registerPacing(program, io);
  registerFx(program, io);
  registerDemo(program, io);
  registerServe(program, io);
  registerContract(program, io);
  registerSnippet(program, io);
  registerDiscrepancy(program, io);
  registerToken(program, io);
  registerStore(program, io);
  registerAlerts(program, io);
  addStoreOption(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Commands whose --db is a DuckDB file by nature (a demo file, the click-signing secret beside it). */
const DUCKDB_ONLY = new Set(["demo", "snippet"]);

/** Gives every command that opens a store (it has --db) the --store option for ClickHouse. */
function addStoreOption(cmd: Command): void {
  for (const c of cmd.commands) {
    const opts = c.options.map((o) => o.long);
    if (opts.includes("--db") && !opts.includes("--store") && !DUCKDB_ONLY.has(c.name())) {
      c.option("--store <url>", "ClickHouse store, clickhouse://user:password@host:8123/database (or $CPI_STORE)");
    }
    addStoreOption(c);
  }
}

/**
 * Runs the CLI and returns its exit code: 0 ok, 2 usage or input error (UserError), 1 a bug.
 * Errors are mapped here, in one place.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    const forwarded = await forwardToServer(argv, io);
    if (forwarded !== null) return forwarded;
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      if (e.exitCode === 0) return 0;
      if (e.code === "cpi.exit") return e.exitCode; // a command's own exit code (cpi alerts check --fail-on-alert: 3)
      return 2;
    }
    const environment = isUserError(e) ? e : (systemProblem(e) ?? engineIoProblem(e));
    if (environment) {
      io.err(`error: ${environment.message.split("\n").map(terminalSafe).join("\n")}\n`);
      return 2;
    }
    io.err(`internal error (a bug in cpi; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
