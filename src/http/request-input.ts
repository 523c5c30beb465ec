// Reading untrusted request input: query strings (strict UTF-8) and bodies with a size limit.
import type { IncomingMessage } from "node:http";
import { UserError } from "../domain/errors.js";
import { HttpError } from "./server.js";

/**
 * Parses a query string into a map (first value wins). Percent-escapes must decode to valid UTF-8,
 * else a UserError; raw (unescaped) non-ASCII or control bytes are refused too.
 */
export function parseQuery(query: string, maxParams = 32): Map<string, string> {
  const out = new Map<string, string>();
  if (query === "") return out;
  if (RAW_NON_ASCII.test(query)) throw new UserError("bad_encoding", "the query string holds bytes that are not percent-encoded");
  let start = 0;
  let n = 0;
  while (start <= query.length) {
    let end = query.indexOf("&", start);
    if (end < 0) end = query.length;
    if (end > start) {
      if (++n > maxParams) throw new UserError("too_many_params", `more than ${maxParams} query parameters`);
      const eq = query.indexOf("=", start);
      const hasEq = eq >= 0 && eq < end;
      const k = decode(query.slice(start, hasEq ? eq : end));
      if (!out.has(k)) out.set(k, hasEq ? decode(query.slice(eq + 1, end)) : "");
    }
    start = end + 1;
  }
  return out;
}

/** Raw (unescaped) control, space and non-ASCII characters. */
const RAW_NON_ASCII = /[^\u0021-\u007e]/;

function decode(s: string): string {
  const plus = s.indexOf("+") >= 0 ? s.replace(/\+/g, " ") : s;
  if (plus.indexOf("%") < 0) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    throw new UserError("bad_encoding", "a query parameter is not valid percent-encoded UTF-8");
  }
}

/** Reads a request body up to `limit` bytes; a longer one is a 413 and the rest is not read. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? -1);
    if (declared > limit) {
      reject(new HttpError(413, "body_too_large", `the body is larger than ${limit} bytes`));
      req.resume();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, "body_too_large", `the body is larger than ${limit} bytes`));
        return;
      }
      parts.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
    });
    req.on("error", (e) => {
      if (!failed) reject(e);
      failed = true;
    });
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A body as strict UTF-8 JSON; invalid UTF-8 or JSON is a UserError. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new UserError("bad_encoding", "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError("bad_json", "the body is not valid JSON");
  }
}
