// Fuzz every route of `cpi serve` in every parameter form (issue 17): the endpoints and their fields are
// read from the server's own /openapi.json; each request goes as a query string, a JSON body, a
// multipart upload, urlencoded or text/plain, with fields repeated, in two places, with broken
// escapes, NUL bytes, wrong types and oversized values, with and without a token and a foreign Origin.
// No answer may be a 5xx, no connection may drop without one, and the server must drain and exit 0.
// Seeded; CPI_TEST_SUITE sizes it (a small run in the fast suite, a large one with the slow suite).
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { mulberry32 } from "../../src/domain/stats/random.js";
import { cpi, tempDir, write } from "../helpers.js";
import { type PlannedRequest, sendPlanned, startServer, stopServer } from "./server-process.js";

const REQUESTS = Number(process.env.CPI_FUZZ_ROUTE_REQUESTS ?? (process.env.CPI_TEST_SUITE === "fast" || !process.env.CPI_TEST_SUITE ? 800 : 25_000));
const CONCURRENCY = 16;

interface Operation {
  method: string;
  path: string;
  fields: string[];
  body: "query" | "json" | "multipart";
}

/** Values a field may get: plausible ones, and every awkward kind. */
const VALUES = [
  "true",
  "false",
  "1",
  "0",
  "",
  "USD",
  "eur",
  "2026-10-01",
  "2026-13-45",
  "campaign",
  "campaign,day",
  "cost,impressions,cpi",
  "campaign=Launch Q4",
  "source=tracked",
  "campaign~launch",
  "Europe/Berlin",
  "Mars/Olympus",
  "100",
  "-5",
  "1e308",
  "NaN",
  "9223372036854775808",
  "a\u0000b",
  "é日本",
  "<script>alert(1)</script>",
  "'; DROP TABLE spend; --",
  "x".repeat(600),
  "../../etc/passwd",
  "campaign=A|B",
  "impressions",
  "meta",
  "2026-10",
];
const RAW_PIECES = ["%", "%zz", "%C3%28", "%00", "%ED%A0%80", "%E0", "+", "&", "=", "%26", "%3D"];
const CSV = [
  "date,source,account,campaign,currency,cost,impressions,clicks\n2026-10-01,direct,a,Fuzz,USD,12.50,1000,3\n",
  "date,campaign,cost,impressions\n2026-10-01,Fuzz,9223372036854.775808,1\n",
  "date,campaign,cost,impressions\n2026-10-01,Fu\u0000zz,1,1\n",
  "not,a,report\n1,2\n",
  "",
  "date,campaign,cost,impressions\n\"2026-10-01,Fuzz,1,1\n",
];

function planRequest(rnd: () => number, ops: Operation[], token: string, i: number): PlannedRequest {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const value = () => (rnd() < 0.15 ? pick(RAW_PIECES) : encodeURIComponent(pick(VALUES)));
  const headers: Record<string, string> = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0" };
  if (rnd() < 0.5) headers.authorization = rnd() < 0.9 ? `Bearer ${token}` : `Bearer ${pick(["nope", "", "cpi_x"])}`;
  if (rnd() < 0.15) headers.origin = pick(["https://evil.example", "null", "http://127.0.0.1:1"]);
  const r = rnd();
  if (r < 0.2) {
    // The tracking routes.
    const path = pick(["/i.gif", "/v.gif", "/c", "/e", "/health", "/", "/assets/app.js", "/assets/%2e%2e", "/openapi.json", "/api/cli", "/nope"]);
    const q = Array.from({ length: Math.floor(rnd() * 5) }, () => `${pick(["c", "cr", "p", "id", "m", "to", "sig", "c"])}=${value()}`).join("&");
    const method = pick(["GET", "GET", "HEAD", "POST", "OPTIONS", "DELETE"]);
    const body = method === "POST" ? Buffer.from(pick(['[{"t":"impression","c":"a"}]', "[", '{"argv":["report"],"cwd":"/"}', "x".repeat(70_000), `[{"t":"click","c":"a","id":"f${i}"}]`])) : undefined;
    return { method, path: `${path}${q ? `?${q}` : ""}`, headers, ...(body ? { body } : {}) };
  }
  const op = pick(ops);
  const path = op.path.replace(/\{(\w+)\}/g, () => pick(["1", "999", "%E0", "abc", "-1", "%00", "1.5"]));
  const fields = () => Array.from({ length: Math.floor(rnd() * 5) }, () => (rnd() < 0.9 && op.fields.length ? pick(op.fields) : pick(["colour", "", "dry_run", "__proto__"])));
  const query = () => fields().map((f) => `${rnd() < 0.1 ? encodeURIComponent(f).replace(/^./, (c) => `%${c.charCodeAt(0).toString(16)}`) : f}=${value()}`).join("&");
  const method = rnd() < 0.9 ? op.method : pick(["GET", "POST", "DELETE", "PUT", "PATCH"]);
  const form = rnd();
  if (op.body === "json" || form < 0.2) {
    const obj: Record<string, unknown> = {};
    for (const f of fields()) obj[f] = pick<unknown>([pick(VALUES), 1, -1, null, [], [pick(VALUES)], {}, true, 1e308, [{ dimension: "campaign", values: ["a\u0000"] }]]);
    let text = JSON.stringify(obj);
    if (rnd() < 0.2 && op.fields.length) text = text.replace(/^\{/, `{"${pick(op.fields)}":1,`).replace(",}", "}");
    if (rnd() < 0.1) text = pick(["{", "[]", "null", '"x"', "\uFFFE", '{"metrics":["cost"],"filters":[{"dimension":"campaign","values":["\\ud800"]}]}']);
    return { method, path: `${path}${rnd() < 0.2 ? `?${query()}` : ""}`, headers: { ...headers, "content-type": rnd() < 0.9 ? "application/json" : "text/plain" }, body: Buffer.from(text) };
  }
  if (op.body === "multipart" || form < 0.35) {
    const boundary = `----fuzz${i}`;
    const parts: string[] = [];
    for (const f of fields()) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${f}"\r\n\r\n${decodeURIComponent(pick(VALUES.map(encodeURIComponent)))}\r\n`);
    for (let k = 0; k < Math.floor(rnd() * 3); k++) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${pick(["a.csv", "../b.csv", "c.xlsx", ""])}"\r\n\r\n${pick(CSV)}\r\n`);
    const body = rnd() < 0.1 ? parts.join("") : `${parts.join("")}--${boundary}--\r\n`;
    return { method, path: `${path}${rnd() < 0.6 ? `?${query()}` : ""}`, headers: { ...headers, "content-type": rnd() < 0.95 ? `multipart/form-data; boundary=${boundary}` : "multipart/form-data" }, body: Buffer.from(body) };
  }
  if (form < 0.45) {
    return { method: "POST", path, headers: { ...headers, "content-type": pick(["application/x-www-form-urlencoded", "text/plain"]) }, body: Buffer.from(query()) };
  }
  return { method, path: `${path}?${query()}`, headers };
}

test(`fuzz every route in every parameter form: ${REQUESTS.toLocaleString("en-US")} requests, no 5xx, no exit`, async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  write(dir, "seed.csv", CSV[0] as string);
  assert.equal((await cpi(dir, "import", "seed.csv", "--db", db)).code, 0);
  const created = await cpi(dir, "token", "create", "fuzz", "--db", db, "--format", "json");
  assert.equal(created.code, 0, created.stderr);
  const token = JSON.parse(created.stdout).token as string;
  const server = await startServer(db, "--allow-redirect", "shop.example", "--ip-rate", "0", "--visitor-rate", "0", "--flood-rate", "0");
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const body = "application/json" in content ? "json" : "multipart/form-data" in content ? "multipart" : "query";
      const fields = [...(op.parameters ?? []).filter((p) => p.in !== "path").map((p) => p.name), ...Object.keys(content["application/json"]?.schema.properties ?? {})];
      ops.push({ method: method.toUpperCase(), path, fields, body });
    }
  }
  assert.ok(ops.length >= 20, `${ops.length} operations`);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  const fivexx: string[] = [];
  let next = 0;
  const send = (p: PlannedRequest) => sendPlanned(server.port, agent, p);
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        const rnd = mulberry32(17_000 + w);
        while (next < REQUESTS) {
          const i = next++;
          const p = planRequest(rnd, ops, token, i);
          const status = await send(p);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500 || status === -1) fivexx.push(`${status} ${p.method} ${p.path.slice(0, 200)} ${p.headers["content-type"] ?? ""}`);
        }
      }),
    );
    assert.equal((await fetch(`${server.url}/health`)).status, 200, "the server still answers");
  } finally {
    agent.destroy();
  }
  console.log(`fuzz routes: ${REQUESTS.toLocaleString("en-US")} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  assert.deepEqual(fivexx.slice(0, 20), [], `no 5xx and no dropped connection (${fivexx.length} in all)`);
  assert.equal(server.child.exitCode, null, "still running");
  assert.equal(await stopServer(server), 0, `drained and exited cleanly:\n${server.stderr().slice(-3000)}`);
  assert.doesNotMatch(server.stderr(), /internal error/, "nothing reached the last-resort handler");
});
