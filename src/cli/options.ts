import { CommanderError } from "commander";
import { UserError } from "../domain/errors.js";
import { toJsonValue } from "../domain/json-output.js";

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

/** JSON as every answer gives it (money in currency units, snake_case keys; domain/json-output.ts) and a trailing newline. */
export function toJson(value: unknown): string {
  if (process.env.CPI_JSON_TRACE) traceBigints(value, "");
  return `${JSON.stringify(toJsonValue(value), null, 2)}\n`;
}
function traceBigints(v: unknown, path: string): void {
  if (typeof v === "bigint") process.stderr.write(`BIGINT ${path} = ${v}\n`);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) traceBigints(x, `${path}.${k}`);
}

/** Ends a command with its own exit code (main() returns it): alerts fired (3), a partial sync (3), … */
export function exitWith(code: number): never {
  throw new CommanderError(code, "cpi.exit", "");
}
