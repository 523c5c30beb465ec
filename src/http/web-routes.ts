// The dashboard's static files (built by scripts/build-web.mjs into dist/web/), served by `cpi serve`
// at / and /assets/*, with a Content-Security-Policy that allows nothing from other origins. Assets
// are named by a hash of their content, so browsers keep them for a year; index.html, which names
// them, is revalidated on every load. Text is sent compressed (brotli, else gzip) to clients that
// accept it, each encoding made once per file.
import { readFileSync, statSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { HttpError, type Route } from "./server.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** No script but ours, no requests but to this server, no framing. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** dist/web/ of this package, from src/http or dist/http alike. */
export function webRoot(): string {
  return fileURLToPath(new URL("../../dist/web/", import.meta.url));
}

interface Asset {
  body: Buffer;
  type: string;
  mtime: number;
  /** The body in each content coding, made the first time a client asks for it. */
  encoded: Map<Coding, Buffer>;
}

type Coding = "br" | "gzip";

/** A built asset's name carries its content hash (app-7NNRG3TR.js, app-8cbd61d5.css). */
const HASHED = /^assets\/app-[A-Za-z0-9]{8}\.(js|css|js\.map)$/;
/** Smaller bodies are sent as they are: compressing them saves less than its headers cost. */
const MIN_COMPRESS = 1024;

/**
 * The coding to send `req`: brotli, else gzip, when its Accept-Encoding takes it (q=0 refuses).
 * @example coding("gzip, deflate, br") // "br"
 */
export function coding(acceptEncoding: string | undefined): Coding | null {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && (q === undefined || Number(q) > 0)) accepted.add(name.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip") || accepted.has("*")) return "gzip";
  return null;
}

function encode(a: Asset, c: Coding): Buffer {
  let body = a.encoded.get(c);
  if (!body) {
    body = c === "br" ? brotliCompressSync(a.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzipSync(a.body, { level: 9 });
    a.encoded.set(c, body);
  }
  return body;
}

function compressible(a: Asset): boolean {
  return a.body.length >= MIN_COMPRESS && (/^text\//.test(a.type) || a.type.startsWith("application/json") || a.type === "image/svg+xml");
}

/** Routes for the dashboard: / (index.html) and /assets/* (the bundle), read from `root`. */
export function webRoutes(root = webRoot()): Route[] {
  const cache = new Map<string, Asset>();
  const load = (rel: string): Asset => {
    const path = normalize(join(root, rel));
    if (!path.startsWith(normalize(root))) throw new HttpError(404, "not_found", "no such file");
    let mtime: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error("not a file");
      mtime = st.mtimeMs;
    } catch {
      if (rel === "index.html") throw new HttpError(503, "dashboard_not_built", "the dashboard is not built: run 'npm run build' in the cpi folder");
      throw new HttpError(404, "not_found", "no such file");
    }
    const hit = cache.get(path);
    if (hit && hit.mtime === mtime) return hit;
    const a: Asset = { body: readFileSync(path), type: TYPES[extname(path)] ?? "application/octet-stream", mtime, encoded: new Map() };
    cache.set(path, a);
    return a;
  };
  const send = (rel: string): Route["handler"] => (req: IncomingMessage, res) => {
    const a = load(rel);
    const textual = compressible(a);
    const c = textual ? coding(req.headers["accept-encoding"]) : null;
    const body = c ? encode(a, c) : a.body;
    res.writeHead(200, {
      "content-type": a.type,
      "content-length": body.length,
      "cache-control": HASHED.test(rel) ? "public, max-age=31536000, immutable" : "no-cache",
      ...(c ? { "content-encoding": c } : {}),
      ...(textual ? { vary: "accept-encoding" } : {}),
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  return [
    { method: ["GET", "HEAD"], path: "/", handler: send("index.html") },
    {
      method: ["GET", "HEAD"],
      prefix: "/assets/",
      handler: (req, res, url) => {
        const name = url.path.slice("/assets/".length);
        // A name, not a path: no separators, and not "." or ".." (a folder is never an asset).
        if (!/^[\w.-]+$/.test(name) || /^\.+$/.test(name)) throw new HttpError(404, "not_found", "no such file");
        return send(`assets/${name}`)(req, res, url);
      },
    },
  ];
}
