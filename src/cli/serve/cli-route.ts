// POST /api/cli: runs a `cpi` command line inside the server, against its open store (see forward.ts).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonBody, readBody } from "../../http/request-input.js";
import { HttpError, type Route, sendJson } from "../../http/server.js";
import type { CliResult } from "./worker-host.js";

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The route; `run` executes argv in the store worker. */
export function cliRoute(token: string, run: (argv: string[], cwd: string, env: Record<string, string | undefined>) => Promise<CliResult>): Route {
  const want = Buffer.from(`Bearer ${token}`);
  return {
    method: "POST",
    path: "/api/cli",
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      const got = Buffer.from(String(req.headers.authorization ?? ""));
      // From this machine only: loopback, or the address the server is bound to (--host 192.0.2.10).
      const remote = req.socket.remoteAddress ?? "";
      const local = remote !== "" && remote === req.socket.localAddress;
      if (!(LOOPBACK.test(remote) || local) || got.length !== want.length || !timingSafeEqual(got, want)) {
        throw new HttpError(401, "unauthorized", "this endpoint needs the token of the server's endpoint file, from this machine");
      }
      const body = parseJsonBody(await readBody(req, 1_000_000)) as { argv?: unknown; cwd?: unknown; env?: unknown };
      if (!Array.isArray(body.argv) || !body.argv.every((a) => typeof a === "string") || typeof body.cwd !== "string") {
        throw new HttpError(400, "bad_request", "expected { argv: string[], cwd: string }");
      }
      // The command's environment: $CPI_DB, and for `cpi sync` the variables its connections name (forward.ts).
      const env: Record<string, string> = {};
      if (typeof body.env === "object" && body.env !== null) for (const [k, v] of Object.entries(body.env)) if (typeof v === "string") env[k] = v;
      sendJson(res, 200, await run(body.argv as string[], body.cwd, env));
    },
  };
}
