// Who may call the API: reads are open to this machine when the server listens on loopback; writes,
// and every request from beyond loopback, need a bearer token (`cpi token create`, stored hashed).
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ListedToken, verifyApiToken } from "../../app/api-tokens.js";
import type { Store } from "../../store/store.js";
import { HttpError } from "../server.js";

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/** True when a listening address is loopback only. @example isLoopbackHost("127.0.0.1") // true */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || LOOPBACK_ADDRESS.test(host.replace(/^\[|\]$/g, ""));
}

/**
 * A request from this machine to a loopback-only server: the peer is loopback, nothing says it was
 * proxied, and the Host header names loopback (so a web page cannot reach it by DNS rebinding).
 */
export function isLocalRequest(req: IncomingMessage, boundHost: string): boolean {
  if (!isLoopbackHost(boundHost)) return false;
  if (!LOOPBACK_ADDRESS.test(req.socket?.remoteAddress ?? "")) return false;
  if (req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined) return false;
  return LOOPBACK_HOST.test(String(req.headers.host ?? ""));
}

function refuse(res: ServerResponse, code: string, message: string): never {
  res.setHeader("www-authenticate", 'Bearer realm="cpi"');
  throw new HttpError(401, code, message);
}

/** The presented bearer token, if any. */
function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (h === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? (m[1] as string) : "";
}

/**
 * The token a request carries: null when it carries none; a 401 when it carries one that is not valid
 * (revoked, mistyped), except on `public` endpoints (which answer who is asking).
 */
export async function authenticate(req: IncomingMessage, res: ServerResponse, o: { store: Store; public?: boolean }): Promise<ListedToken | null> {
  const presented = bearer(req);
  if (presented === null) return null;
  const token = presented === "" ? null : await verifyApiToken(o.store, presented);
  if (token || o.public) return token;
  refuse(res, "bad_token", "the bearer token is not valid (revoked, mistyped, or from another store): 'cpi token list' shows the live ones");
}

/** A 401 for a request that writes without a token: writes need one on every address. */
export function refuseWrite(res: ServerResponse): never {
  refuse(res, "unauthorized", "this request writes to the store: send a token as 'Authorization: Bearer TOKEN' (create one with 'cpi token create NAME')");
}

/**
 * What a request without a token may do: read, from this machine, when the server listens on
 * loopback. A request from beyond loopback is a 401.
 */
export function checkTokenless(req: IncomingMessage, res: ServerResponse, boundHost: string): void {
  if (!isLocalRequest(req, boundHost)) refuse(res, "unauthorized", "requests from beyond this machine need a token: 'Authorization: Bearer TOKEN' (create one with 'cpi token create NAME')");
}

/**
 * A web page of another origin must not act on this server through a browser that can reach it (a
 * form or `fetch` POST to loopback needs no CORS preflight: multipart/form-data, text/plain and
 * urlencoded bodies). A request that is not GET/HEAD, carries no token and says it comes from another
 * origin than the server's own (Origin, else Sec-Fetch-Site) and not one `--cors-origin` allows, is a 403.
 * Requests with a token are not a browser's doing: it never adds a bearer token by itself.
 */
export function checkSameOrigin(req: IncomingMessage, allowed: readonly string[]): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.origin;
  if (origin === undefined) {
    if (req.headers["sec-fetch-site"] === "cross-site") throw new HttpError(403, "cross_origin", "a page of another site may not send this request");
    return;
  }
  if (allowed.includes(origin) || allowed.includes("*")) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null; // "null" (a sandboxed page, a file) or garbage: another origin
  }
  if (host === null || host !== String(req.headers.host ?? "").toLowerCase()) {
    throw new HttpError(403, "cross_origin", "a web page of another origin may not send this request (cpi serve --cors-origin ORIGIN allows one)");
  }
}
