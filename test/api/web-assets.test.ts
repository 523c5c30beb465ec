// The dashboard's files as `cpi serve` sends them: hashed asset names kept for a year, index.html
// revalidated, text compressed with brotli or gzip for clients that accept it (and the bytes the
// same once decoded), and paths that name a folder or leave assets/ answered 404, never 500.
import assert from "node:assert/strict";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createRouteServer, listen } from "../../src/http/server.js";
import { coding, webRoutes } from "../../src/http/web-routes.js";
import { ensureWebBuilt } from "../web/browser.js";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let port = 0;
const server = createRouteServer({ routes: webRoutes() });

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  await ensureWebBuilt();
  await listen(server, 0, "127.0.0.1");
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function assetNames(): Promise<{ script: string; style: string }> {
  const html = (await get("/")).body.toString("utf8");
  const script = /\/assets\/app-[A-Za-z0-9]{8}\.js/.exec(html)?.[0];
  const style = /\/assets\/app-[A-Za-z0-9]{8}\.css/.exec(html)?.[0];
  assert.ok(script && style, `index.html names hashed assets: ${html}`);
  return { script, style };
}

test("hashed assets are cached for a year; index.html, which names them, is revalidated on every load", async () => {
  const page = await get("/");
  assert.equal(page.status, 200);
  assert.equal(page.headers["cache-control"], "no-cache");
  const { script, style } = await assetNames();
  for (const path of [script, style]) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers["cache-control"], "public, max-age=31536000, immutable", path);
    assert.equal(r.headers["content-security-policy"]?.toString().includes("script-src 'self'"), true);
  }
});

test("text is sent as brotli or gzip to clients that accept it, the same bytes once decoded; others get it plain", async () => {
  const { script } = await assetNames();
  const plain = await get(script);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(Number(plain.headers["content-length"]), plain.body.length);
  assert.ok(plain.body.length > 10_000, "the bundle is large enough to compress");

  const br = await get(script, { "accept-encoding": "gzip, deflate, br" });
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(br.headers.vary, "accept-encoding");
  assert.equal(Number(br.headers["content-length"]), br.body.length);
  assert.ok(br.body.length < plain.body.length / 2, `brotli ${br.body.length} of ${plain.body.length} bytes`);
  assert.deepEqual(brotliDecompressSync(br.body), plain.body);

  const gz = await get(script, { "accept-encoding": "gzip" });
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.deepEqual(gunzipSync(gz.body), plain.body);

  const refused = await get(script, { "accept-encoding": "br;q=0, gzip;q=0" });
  assert.equal(refused.headers["content-encoding"], undefined);
  assert.deepEqual(refused.body, plain.body);

  const head = await get(script, { "accept-encoding": "br" }, "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], br.headers["content-length"]);
  assert.equal(head.body.length, 0);
});

test("Accept-Encoding is read as RFC 9110 writes it: preference for brotli, q=0 refuses, * stands for gzip", () => {
  assert.equal(coding(undefined), null);
  assert.equal(coding(""), null);
  assert.equal(coding("identity"), null);
  assert.equal(coding("gzip"), "gzip");
  assert.equal(coding("GZIP;q=0.5, BR;q=0.8"), "br");
  assert.equal(coding("br;q=0, gzip"), "gzip");
  assert.equal(coding("br; q=0 , gzip;q=0.0"), null);
  assert.equal(coding("*"), "gzip");
});

test("/assets/. and other names that are folders or leave assets/ answer 404, never 500 or a stack trace", async () => {
  for (const path of ["/assets/.", "/assets/..", "/assets/...", "/assets/", "/assets/%2e", "/assets/%2e%2e", "/assets/..%2fpackage.json", "/assets/app.js", "/assets/nope-12345678.js"]) {
    const r = await get(path);
    assert.equal(r.status, 404, `${path}: ${r.status} ${r.body.toString("utf8").slice(0, 200)}`);
    assert.doesNotMatch(r.body.toString("utf8"), /at \S+ \(|node:internal/, `${path}: no stack trace`);
  }
});
