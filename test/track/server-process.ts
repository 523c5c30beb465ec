// Starts `cpi serve` from source as a child process and waits until it listens.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { type Agent, request } from "node:http";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./cpi-entry.ts", import.meta.url));
const TSX = fileURLToPath(import.meta.resolve("tsx"));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  stderr(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
}

/** The argv that runs the CLI from source. */
export function cpiCommand(...argv: string[]): string[] {
  return ["--import", TSX, ENTRY, ...argv];
}

/** Starts `cpi serve --db DB --port 0 …` and resolves once it listens (read from its endpoint file). */
export async function startServer(db: string, ...args: string[]): Promise<ServerProcess> {
  return startServerWith({ detached: false }, db, ...args);
}

/**
 * startServer with spawn options: `detached` puts the server and its store process in their own
 * process group; `cpus` pins it (and the processes it starts) to those CPUs (taskset's list, "0-1").
 */
export async function startServerWith(opts: { detached: boolean; cpus?: string }, db: string, ...args: string[]): Promise<ServerProcess> {
  const argv = cpiCommand("serve", "--db", db, "--host", "127.0.0.1", "--port", "0", ...args);
  const [cmd, cmdArgs] = opts.cpus ? ["taskset", ["-c", opts.cpus, process.execPath, ...argv]] : [process.execPath, argv];
  const child = spawn(cmd, cmdArgs, { stdio: ["ignore", "pipe", "pipe"], detached: opts.detached });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => {
      if (signal) err += `\n(killed by ${signal})`;
      resolve(code);
    }),
  );
  for (;;) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
    if (m) {
      const port = Number(m[1]);
      JSON.parse(readFileSync(`${db}.serve.json`, "utf8"));
      return { child, port, url: `http://127.0.0.1:${port}`, stderr: () => err, exited };
    }
    if (child.exitCode !== null) throw new Error(`cpi serve exited with ${child.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True while process `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then wait for the drain to finish. */
export async function stopServer(s: ServerProcess): Promise<number | null> {
  s.child.kill("SIGTERM");
  return s.exited;
}

/** A request a fuzz test plans. */
export interface PlannedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

/**
 * Sends one planned request on `agent`: the answer's status, -1 when the connection failed without
 * one, -2 when the client itself refused to send it (not the server's doing).
 */
export function sendPlanned(port: number, agent: Agent, p: PlannedRequest): Promise<number> {
  return new Promise<number>((resolve) => {
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: "127.0.0.1", port, method: p.method, path: p.path, headers: p.headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(-1));
      });
    } catch {
      return resolve(-2);
    }
    req.on("error", () => resolve(-1));
    req.end(p.body);
  });
}
