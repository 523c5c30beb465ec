import { CommanderError } from "commander";
import { UserError } from "../domain/errors.js";

export type OutputFormat = "table" | "csv" | "json";

/** Validates --format. @example outputFormat("json") // "json" */
export function outputFormat(value: string | undefined, allowed: readonly OutputFormat[] = ["table", "csv", "json"]): OutputFormat {
  const f = (value ?? "table").toLowerCase() as OutputFormat;
  if (!allowed.includes(f)) throw new UserError("bad_format", `--format must be one of ${allowed.join(", ")}, got '${value}'`);
  return f;
}

/** Collects a repeatable option into an array (commander helper). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** JSON with bigint as numbers and a trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`;
}

/** Ends a command with its own exit code (main() returns it): alerts fired (3), a partial sync (3), … */
export function exitWith(code: number): never {
  throw new CommanderError(code, "cpi.exit", "");
}
