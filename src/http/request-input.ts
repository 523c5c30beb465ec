// Reading untrusted request input: query strings (strict UTF-8) and bodies with a size limit.
import type { IncomingMessage } from "node:http";
import { UserError } from "../domain/errors.js";
import { HttpError } from "./server.js";

/** A parameter's name as messages show it: quoted, control characters escaped, at most 40 characters. */
export function paramName(name: string): string {
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  return `'${shown.slice(1, -1)}'`;
}

/** The UserError for a parameter given twice: the request is refused, never read one way here and another there. */
export function repeatedParam(name: string, where = "the query string"): UserError {
  return new UserError("repeated_param", `${paramName(name)} is given more than once in ${where}: send each parameter once`);
}

/**
 * Calls `each` with every parameter of a query string, decoded, in order. Percent-escapes must decode
 * to valid UTF-8, else a UserError; raw (unescaped) non-ASCII or control bytes are refused too.
 */
function eachParam(query: string, maxParams: number, each: (name: string, value: string) => void): void {
  if (query === "") return;
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
      each(decode(query.slice(start, hasEq ? eq : end)), hasEq ? decode(query.slice(eq + 1, end)) : "");
    }
    start = end + 1;
  }
}

/**
 * Parses a query string into every value of every parameter, in order (decoding as `eachParam`).
 * @example parseQueryValues("where=a%3D1&where=b%3D2") // Map { "where" => ["a=1", "b=2"] }
 */
export function parseQueryValues(query: string, maxParams = 32): Map<string, string[]> {
  const out = new Map<string, string[]>();
  eachParam(query, maxParams, (k, v) => {
    const values = out.get(k);
    if (values) values.push(v);
    else out.set(k, [v]);
  });
  return out;
}

/**
 * Parses a query string into one value per parameter; a parameter given twice is a UserError naming
 * it (whoever reads the request reads the same value). Decoding as `parseQueryValues`.
 * @example parseQuery("c=Launch%20Q4&p=news") // Map { "c" => "Launch Q4", "p" => "news" }
 */
export function parseQuery(query: string, maxParams = 32): Map<string, string> {
  // No array per name: every pixel request comes through here.
  const out = new Map<string, string>();
  let repeated: Set<string> | undefined;
  eachParam(query, maxParams, (k, v) => {
    if (!out.has(k)) out.set(k, v);
    else {
      repeated ??= new Set();
      repeated.add(k);
    }
  });
  // As parseQueryValues would say it: once the whole string is read, the first name given twice.
  if (repeated) for (const k of out.keys()) if (repeated.has(k)) throw repeatedParam(k);
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

/**
 * A body as strict UTF-8 JSON; invalid UTF-8 or JSON is a UserError. With `uniqueKeys`, an object that
 * names a key twice is one too (JSON.parse would keep the last silently).
 */
export function parseJsonBody(body: Buffer, opts: { uniqueKeys?: boolean } = {}): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new UserError("bad_encoding", "the body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError("bad_json", "the body is not valid JSON");
  }
  if (opts.uniqueKeys) {
    const twice = duplicateJsonKey(text);
    if (twice !== null) throw repeatedParam(twice, "a JSON object of the body");
  }
  return value;
}

/**
 * The first key that an object of valid JSON text names twice (keys compared decoded), or null.
 * @example duplicateJsonKey('{"a":1,"b":{"a":2},"\\u0061":3}') // "a"
 */
export function duplicateJsonKey(text: string): string | null {
  /** Keys seen per open object; null for an open array. */
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      if (keyNext) {
        const raw = text.slice(i, j + 1);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const keys = open[open.length - 1] as Set<string>;
        if (keys.has(key)) return key;
        keys.add(key);
        keyNext = false;
      }
      i = j;
    } else if (c === 0x7b) {
      open.push(new Set());
      keyNext = true;
    } else if (c === 0x5b) {
      open.push(null);
      keyNext = false;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      keyNext = false;
    } else if (c === 0x2c) keyNext = open[open.length - 1] instanceof Set;
  }
  return null;
}
