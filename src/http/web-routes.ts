// The dashboard's static files (built by scripts/build-web.mjs into dist/web/), served by `cpi serve`
// at / and /assets/*, with a Content-Security-Policy that allows nothing from other origins.
import { readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
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
}

/** Routes for the dashboard: / (index.html) and /assets/* (the bundle), read from `root`. */
export function webRoutes(root = webRoot()): Route[] {
  const cache = new Map<string, Asset>();
  const load = (rel: string): Asset => {
    const path = normalize(join(root, rel));
    if (!path.startsWith(normalize(root))) throw new HttpError(404, "not_found", "no such file");
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      if (rel === "index.html") throw new HttpError(503, "dashboard_not_built", "the dashboard is not built: run 'npm run build' in the cpi folder");
      throw new HttpError(404, "not_found", "no such file");
    }
    const hit = cache.get(path);
    if (hit && hit.mtime === mtime) return hit;
    const a = { body: readFileSync(path), type: TYPES[extname(path)] ?? "application/octet-stream", mtime };
    cache.set(path, a);
    return a;
  };
  const send = (rel: string): Route["handler"] => (_req, res) => {
    const a = load(rel);
    res.writeHead(200, {
      "content-type": a.type,
      "content-length": a.body.length,
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(a.body);
  };
  return [
    { method: ["GET", "HEAD"], path: "/", handler: send("index.html") },
    {
      method: ["GET", "HEAD"],
      prefix: "/assets/",
      handler: (req, res, url) => {
        const name = url.path.slice("/assets/".length);
        if (!/^[\w.-]+$/.test(name)) throw new HttpError(404, "not_found", "no such file");
        return send(`assets/${name}`)(req, res, url);
      },
    },
  ];
}
