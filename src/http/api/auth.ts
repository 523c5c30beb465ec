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
 * Checks a request against the policy; returns the token it carried (or null), else throws a 401.
 * A token, when sent, must be valid even where none is needed.
 */
export async function authorize(req: IncomingMessage, res: ServerResponse, o: { store: Store; boundHost: string; write: boolean; public?: boolean }): Promise<ListedToken | null> {
  const presented = bearer(req);
  if (presented !== null) {
    const token = presented === "" ? null : await verifyApiToken(o.store, presented);
    if (token) return token;
    if (o.public) return null;
    refuse(res, "bad_token", "the bearer token is not valid (revoked, mistyped, or from another store): 'cpi token list' shows the live ones");
  }
  if (o.public) return null;
  if (o.write) refuse(res, "unauthorized", "this request writes to the store: send a token as 'Authorization: Bearer TOKEN' (create one with 'cpi token create NAME')");
  if (!isLocalRequest(req, o.boundHost)) refuse(res, "unauthorized", "requests from beyond this machine need a token: 'Authorization: Bearer TOKEN' (create one with 'cpi token create NAME')");
  return null;
}
