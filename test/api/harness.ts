// In-process API calls (no port): requests are emitted into the real route-table server as mock
// request/response objects, so routing, auth, validation and handlers all run as in `cpi serve`.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { hostStore } from "../../src/cli/compose.js";
import { type ApiOptions, apiRoutes } from "../../src/http/api/index.js";
import { createRouteServer } from "../../src/http/server.js";
import { webRoutes } from "../../src/http/web-routes.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { Store } from "../../src/store/store.js";
import { cpi, ROOT, tempDir } from "../helpers.js";
import { OpenApiChecker, type OpenApiDoc } from "./openapi-check.js";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  json: any;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The peer address (default loopback). */
  remote?: string;
}

class MockResponse {
  statusCode = 200;
  headersSent = false;
  private readonly h: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  constructor(private readonly done: (r: Reply) => void) {}
  setHeader(k: string, v: string | number | string[]) {
    this.h[k.toLowerCase()] = String(v);
    return this;
  }
  getHeader(k: string) {
    return this.h[k.toLowerCase()];
  }
  writeHead(status: number, headers: Record<string, string | number> = {}) {
    this.statusCode = status;
    for (const [k, v] of Object.entries(headers)) this.h[k.toLowerCase()] = String(v);
    this.headersSent = true;
    return this;
  }
  write(c: string | Buffer) {
    this.chunks.push(Buffer.from(c));
    return true;
  }
  end(c?: string | Buffer) {
    if (c !== undefined) this.chunks.push(Buffer.from(c));
    this.headersSent = true;
    const text = Buffer.concat(this.chunks).toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    this.done({ status: this.statusCode, headers: this.h, text, json });
  }
  destroy() {
    this.done({ status: this.statusCode, headers: this.h, text: "", json: undefined });
  }
}

/**
 * An API over `store` as `cpi serve --host boundHost` would serve it; `call` sends one request. Every
 * /api/ answer is checked against the server's own /openapi.json (openapi-check.ts): one the document
 * does not describe rejects the call.
 */
export function inProcessApi(store: Store, boundHost = "127.0.0.1", more: Partial<ApiOptions> = {}) {
  const server = createRouteServer({ routes: [...apiRoutes({ store, boundHost, ...more }), ...webRoutes()], log: () => {} });
  let checker: OpenApiChecker | undefined;
  const send = (target: string, o: CallOptions = {}): Promise<Reply> =>
      new Promise((resolve) => {
        const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
        const req = Readable.from(body.length ? [body] : []) as unknown as IncomingMessage;
        Object.assign(req, {
          method: o.method ?? "GET",
          url: target,
          headers: { host: "127.0.0.1:8080", ...(body.length ? { "content-length": String(body.length) } : {}), ...Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) },
          socket: { remoteAddress: o.remote ?? "127.0.0.1", localAddress: "127.0.0.1" },
        });
        server.emit("request", req, new MockResponse(resolve) as unknown as ServerResponse);
      });
  return {
    async call(target: string, o: CallOptions = {}): Promise<Reply> {
      const reply = await send(target, o);
      if (!target.startsWith("/api/")) return reply;
      checker ??= new OpenApiChecker((await send("/openapi.json")).json as OpenApiDoc);
      const problems = checker.problems(o.method ?? "GET", target, reply.status, reply.json ?? (reply.text || undefined), reply.headers["content-type"]);
      if (problems.length) throw new Error(`the answer does not match /openapi.json:\n${problems.join("\n")}\nbody: ${reply.text.slice(0, 500)}`);
      return reply;
    },
  };
}

/** A multipart/form-data body of files and fields. */
export function multipart(files: { name: string; content: string | Buffer }[], fields: Record<string, string> = {}): { body: Buffer; type: string } {
  const boundary = "----cpitest7MA4YWxkTrZu0gW";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: text/csv\r\n\r\n`), Buffer.from(f.content), Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** A demo store (`cpi demo`) in a temporary folder, opened, and hosted so in-process CLI calls use it. */
export async function demoStore(): Promise<{ dir: string; db: string; store: Store; cli: (...argv: string[]) => ReturnType<typeof cpi> }> {
  const dir = tempDir("cpi-api-");
  const r = await cpi(dir, "demo", "--db", "demo.duckdb");
  if (r.code !== 0) throw new Error(r.stderr);
  const db = join(dir, "demo.duckdb");
  const store = await DuckDbStore.open(db);
  hostStore(db, store);
  return { dir, db, store, cli: (...argv: string[]) => cpi(dir, ...argv, "--db", db) };
}

/** A demo-data file's text. */
export function demoFile(name: string): string {
  return readFileSync(join(ROOT, "demo-data", name), "utf8");
}
