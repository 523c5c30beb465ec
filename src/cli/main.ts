import { Command, CommanderError, Help } from "commander";
import { isUserError } from "../domain/errors.js";
import { COMMANDS, type CommandEntry } from "./command-index.js";
import { engineIoProblem, systemProblem } from "./environment.js";
import { forwardToServer } from "./forward.js";
import { VERSION } from "./invocation.js";
import { type CliIo, processIo } from "./io.js";
import { terminalSafe } from "./render/format.js";


/**
 * The commands a command line runs: the one it names (`cpi help NAME` names NAME), or null when it
 * names none that exists (`cpi`, `cpi --help`, `cpi --version`, a typo), which only needs the list.
 * @example commandsOf(["report", "--by", "campaign"]) // [the report entry]
 */
export function commandsOf(argv: readonly string[]): CommandEntry[] | null {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  const entry = COMMANDS.find((c) => c.name === name);
  return entry ? [entry] : null;
}

/**
 * The `cpi` program writing to `io`, with `commands` registered in full (default: all of them).
 * With null, every command is listed by its help line only (enough for `cpi --help`, `--version` and
 * "unknown command"), and no command module is loaded.
 */
export async function buildProgram(io: CliIo, commands: readonly CommandEntry[] | null = COMMANDS): Promise<Command> {
  const program = new Command("cpi")
    .description("cpi — what every impression costs you: import ad reports, report CPI/CPM/CTR/CPA/ROAS, compare campaigns")
    .version(VERSION)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError("(run with --help for usage and examples)")
    .addHelpText("after", "\nQuick start:\n  $ cpi demo\n  $ cpi calc --cost 5000 --impressions 500000 --baseline-cpi 0.015\n  $ cpi import spend.csv && cpi report --by campaign");
  if (commands === null) {
    const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
    const help = new Help();
    program.configureHelp({ subcommandTerm: (c) => terms.get(c.name()) ?? help.subcommandTerm(c) });
    for (const c of COMMANDS) program.command(c.name).description(c.description);
  } else {
    const registers = await Promise.all(commands.map((c) => c.load()));
    for (const register of registers) register(program, io);
  }
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
  try {
    const program = await buildProgram(io, commandsOf(argv));
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
