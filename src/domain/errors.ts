/** Where in an input a problem was found (file, line, column or field). */
export interface Location {
  file?: string;
  line?: number;
  column?: string;
  field?: string;
}

/**
 * A problem the user can fix: bad input, unknown option, missing rate.
 * Entry points map it to exit code 2 / HTTP 4xx. Anything else is a bug.
 * @example throw new UserError("bad_flag", "--cost must be a number, got 'abc'")
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** True when `e` is a UserError. @example isUserError(new UserError("x", "y")) // true */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Formats a location as "file:line, column X". @example describeLocation({ file: "a.csv", line: 3 }) // "a.csv:3" */
export function describeLocation(loc: Location): string {
  let s = loc.file ?? "";
  if (loc.line !== undefined) s += `${s ? ":" : "line "}${loc.line}`;
  if (loc.column !== undefined) s += `${s ? ", " : ""}column '${loc.column}'`;
  if (loc.field !== undefined) s += `${s ? ", " : ""}${loc.field}`;
  return s;
}
