/** What a command may touch of its process: output streams, environment, working directory. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Whether stderr is a terminal (progress bars redraw in place only then). */
  errIsTTY: boolean;
}

/** The real process's streams. */
export function processIo(): CliIo {
  // `cpi report | head` closes the pipe early: that is not an error.
  // Output that cannot be written (a full disk, a closed file) is the environment's doing: one line, exit 2.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    process.stderr.write(`error: cannot write the output: ${e.code === "ENOSPC" ? "the disk is full" : e.message} (${e.code ?? "error"})\n`);
    process.exit(2);
  });
  // Nor is a closed stderr (`cpi report 2>&1 | head`): diagnostics nobody reads are dropped.
  let errClosed = false;
  process.stderr.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    errClosed = true;
  });
  // Names come from imported files: whatever a command prints, no control character of theirs reaches
  // the terminal (an ESC sequence in a campaign name could recolour or retitle it). Tabs and line ends
  // stay; a carriage return only on stderr, where progress bars redraw with it.
  return {
    out: (t) => process.stdout.write(withoutControls(t, false)),
    err: (t) => {
      if (!errClosed) process.stderr.write(withoutControls(t, true));
    },
    env: process.env,
    cwd: process.cwd(),
    errIsTTY: Boolean(process.stderr.isTTY),
  };
}

/** An in-memory CliIo for tests: collects what a command prints. */
export function memoryIo(env: Record<string, string | undefined> = {}, cwd = process.cwd()): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    env,
    cwd,
    errIsTTY: false,
  };
  return io;
}

/**
 * Replaces control characters other than tab and newline (and, when `keepCr`, carriage return) with U+FFFD.
 * @example withoutControls("Evil\u001b[31m\n", false) // "Evil\uFFFD[31m\n"
 */
export function withoutControls(text: string, keepCr: boolean): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(keepCr ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g : /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\uFFFD");
}
