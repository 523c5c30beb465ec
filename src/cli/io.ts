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
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
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
