// `cpi serve` wires the API and the dashboard: through the server's store process (RemoteStore), the
// API answers what the CLI prints, a token made while serving works, and / serves the dashboard.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cpi, tempDir } from "../helpers.js";
import { type ServerProcess, startServer, stopServer } from "../track/server-process.js";
import { ensureWebBuilt } from "../web/browser.js";
import { multipart } from "./harness.js";
import { checkedFetch } from "./openapi-check.js";

/** Every /api/ answer checked against the server's /openapi.json. */
const fetch = checkedFetch();

let dir: string;
let db: string;
let server: ServerProcess;

before(async () => {
  await ensureWebBuilt();
  dir = tempDir("cpi-serve-api-");
  const demo = await cpi(dir, "demo", "--db", "demo.duckdb");
  assert.equal(demo.code, 0, demo.stderr);
  db = join(dir, "demo.duckdb");
  server = await startServer(db);
});
after(async () => {
  if (server) await stopServer(server);
});

test("GET /api/report through cpi serve = cpi report (money intact across the store process)", async () => {
  const res = await fetch(`${server.url}/api/report?by=source&metrics=cost,impressions,cpi&currency=USD`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { rows: unknown[] };
  // While the server runs, the CLI is forwarded to it and prints from the same store.
  const r = await cpi(dir, "report", "--by", "source", "--metrics", "cost,impressions,cpi", "--currency", "USD", "--format", "json", "--db", db);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(body.rows, JSON.parse(r.stdout));
});

test("a token created while serving authorises an import over HTTP; without it the import is refused", async () => {
  const csv = "date,campaign,source,currency,cost,impressions\n2026-11-01,Served Upload,direct,USD,10,1000\n";
  const m = multipart([{ name: "s.csv", content: csv }]);
  const refused = await fetch(`${server.url}/api/imports`, { method: "POST", headers: { "content-type": m.type }, body: m.body });
  assert.equal(refused.status, 401);
  const t = await cpi(dir, "token", "create", "serve-test", "--format", "json", "--db", db);
  assert.equal(t.code, 0, t.stderr);
  const { token } = JSON.parse(t.stdout) as { token: string };
  const ok = await fetch(`${server.url}/api/imports`, { method: "POST", headers: { "content-type": m.type, authorization: `Bearer ${token}` }, body: m.body });
  assert.equal(ok.status, 200, await ok.clone().text());
  const rep = await fetch(`${server.url}/api/report?metrics=impressions&where=campaign%3DServed%20Upload`);
  assert.equal(((await rep.json()) as { total: { impressions: number } }).total.impressions, 1000);
});

test("/ serves the dashboard with a strict CSP, and /openapi.json the API's description", async () => {
  const page = await fetch(`${server.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  const script = /\/assets\/app-\w+\.js/.exec(await page.text())?.[0];
  assert.ok(script, "index.html names the hashed bundle");
  const js = await fetch(`${server.url}${script}`);
  assert.equal(js.status, 200);
  assert.equal((await fetch(`${server.url}/assets/..%2fpackage.json`)).status, 404);
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.paths["/api/report"]);
});
