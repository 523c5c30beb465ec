// A small route-table HTTP server on raw node:http: tracking, the CLI bridge and (later) /api/* and the
// dashboard all register routes here. Errors are mapped to JSON in one place (jsonError).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { isUserError } from "../domain/errors.js";
import { type ConnectionLimits, guardConnections } from "./connection-guard.js";

export type Handler = (req: IncomingMessage, res: ServerResponse, url: RequestUrl) => void | Promise<void>;

/** A route: exact `path`, or every path under `prefix` (e.g. "/api/"); the first match wins. */
export type Route = { method: string | string[]; handler: Handler } & ({ path: string } | { prefix: string });

/** The request target split once: path and raw query string (without "?"). */
export interface RequestUrl {
  path: string;
  query: string;
}

/** HTTP status of a UserError code (default 400). */
const STATUS_OF_CODE: Record<string, number> = {
  not_found: 404,
  method_not_allowed: 405,
  body_too_large: 413,
  uri_too_long: 414,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
};

/** An error with an explicit HTTP status (used by handlers for 4xx/5xx that are not UserErrors). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Sends `{ "error": { "code", "message", "details" } }` with a status; `details` is null when there are none, so the shape is always the same. */
export function jsonError(res: ServerResponse, status: number, code: string, message: string, details?: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message, details: details ?? null } });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

/** Sends a JSON value. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

/** A log function that never throws (a log that fails must not turn an answer into an exception). */
export function safeLog(log: ((msg: string) => void) | undefined): (msg: string) => void {
  return (msg) => {
    try {
      log?.(msg);
    } catch {
      // nowhere to say it
    }
  };
}

/** Maps anything a handler threw to a JSON error: UserError → 4xx, HttpError → its status, else 500. */
export function sendThrown(res: ServerResponse, e: unknown, log?: (msg: string) => void): void {
  if (e instanceof HttpError) jsonError(res, e.status, e.code, e.message, e.details);
  else if (isUserError(e)) jsonError(res, STATUS_OF_CODE[e.code] ?? 400, e.code, e.message, e.details);
  else {
    log?.(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    jsonError(res, 500, "internal", "internal error");
  }
}

/** Splits a request target into path and query. @example splitUrl("/i.gif?c=x") // { path: "/i.gif", query: "c=x" } */
export function splitUrl(target: string): RequestUrl {
  const q = target.indexOf("?");
  return q < 0 ? { path: target, query: "" } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

export interface ServerOptions {
  routes: Route[];
  /** Longest accepted request target (bytes); longer ones get 414. */
  maxUrlLength?: number;
  /** Caps on open connections, in total and per address (see connection-guard.ts); none by default. */
  limits?: ConnectionLimits;
  log?: (msg: string) => void;
}

/**
 * Time limits: headers must arrive within 10 s of a request's first byte (a connection that sends
 * nothing is cut after as long), a whole request (an upload) within 5 minutes, and a keep-alive
 * connection may idle 65 s between requests (past a load balancer's usual 60 s). Node checks them
 * every second.
 */
export const TIMEOUTS = { headersMs: 10_000, requestMs: 300_000, keepAliveMs: 65_000, checkEveryMs: 1_000 } as const;

/** Builds the server (not listening): dispatches on method + path through the route table. */
export function createRouteServer(options: ServerOptions): Server {
  const opts = { ...options, log: safeLog(options.log) };
  const exact = new Map<string, Route>();
  const prefixed: (Route & { prefix: string })[] = [];
  for (const r of opts.routes) {
    if ("path" in r) {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const m of methods) exact.set(`${m} ${r.path}`, r);
      if (!exact.has(`* ${r.path}`)) exact.set(`* ${r.path}`, r);
    } else prefixed.push(r);
  }
  const maxUrl = opts.maxUrlLength ?? 8192;
  let guard: ReturnType<typeof guardConnections> | null = null;
  const server = createServer(
    {
      keepAliveTimeout: TIMEOUTS.keepAliveMs,
      headersTimeout: TIMEOUTS.headersMs,
      requestTimeout: TIMEOUTS.requestMs,
      connectionsCheckingInterval: TIMEOUTS.checkEveryMs,
      maxHeaderSize: 16_384,
    },
    (req, res) => {
    guard?.busy(req, res);
    const target = req.url ?? "/";
    if (target.length > maxUrl) return jsonError(res, 414, "uri_too_long", `the request target is longer than ${maxUrl} bytes`);
    const url = splitUrl(target);
    const method = req.method ?? "GET";
    let route = exact.get(`${method} ${url.path}`);
    if (!route && method === "HEAD") route = exact.get(`GET ${url.path}`);
    if (!route) {
      for (const p of prefixed) {
        if (url.path.startsWith(p.prefix)) {
          const ms = Array.isArray(p.method) ? p.method : [p.method];
          if (ms.includes(method) || ms.includes("*")) route = p;
          break;
        }
      }
    }
    if (!route) {
      if (exact.has(`* ${url.path}`)) return jsonError(res, 405, "method_not_allowed", `${method} is not allowed on ${url.path}`);
      return jsonError(res, 404, "not_found", "no such endpoint");
    }
    try {
      const r = route.handler(req, res, url);
      if (r) r.catch((e) => sendThrown(res, e, opts.log));
    } catch (e) {
      sendThrown(res, e, opts.log);
    }
  });
  if (opts.limits) guard = guardConnections(server, opts.limits, opts.log);
  // Requests node's parser refuses (not HTTP, raw bytes in the target, headers too large): a bare 4xx.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

/** Starts listening; resolves with the bound port. */
/**
 * Checks that `host:port` can be listened on now (rejects with the listen error: EADDRINUSE, EACCES …),
 * so a server fails before it creates anything. Port 0 (any free port) always can.
 */
export function probeListen(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
