// test:slow
// Fuzz: a few hundred thousand random requests (seeded; loopback only; bounded in count and time).
// The server must never crash, and every 2xx (and every click redirect) must match a stored event.
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { mulberry32 } from "../../src/domain/stats/random.js";
import { tempDir } from "../helpers.js";
import { type PlannedRequest, sendPlanned, startServer, stopServer } from "./server-process.js";

const REQUESTS = Number(process.env.CPI_FUZZ_REQUESTS ?? 200_000);
const MAX_SECONDS = Number(process.env.CPI_FUZZ_SECONDS ?? 240);
const CONCURRENCY = 48;

const UAS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/124.0",
  "curl/8.0",
  "",
];
const PIECES = ["Launch Q4", "news", "a", "Visual A", "é", "日本", "%", "%zz", "%C3%28", "%00", "%ED%A0%80", "+", "&", "=", "<script>", "../", "\u00ff"];

type Planned = PlannedRequest & { events: number };

function plan(rnd: () => number, i: number): Planned {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const text = () => {
    const n = Math.floor(rnd() * 4);
    let s = "";
    for (let k = 0; k < n; k++) {
      const p = pick(PIECES);
      s += p.startsWith("%") || rnd() < 0.3 ? p : encodeURIComponent(p);
    }
    return rnd() < 0.02 ? "x".repeat(Math.floor(rnd() * 12_000)) : s;
  };
  const headers: Record<string, string> = { "user-agent": rnd() < 0.8 ? (UAS[0] as string) : pick(UAS) };
  if (rnd() < 0.02) headers["sec-purpose"] = "prefetch";
  const r = rnd();
  const id = `f${i}`;
  if (r < 0.3) {
    // A valid pixel (the bulk of what gets stored).
    return { method: rnd() < 0.9 ? "GET" : "HEAD", path: `/${pick(["i", "v"])}.gif?c=${encodeURIComponent(pick(PIECES))}&p=news&id=${id}${rnd() < 0.1 ? "&m=1" : ""}`, headers, events: 1 };
  }
  if (r < 0.6) {
    const keys = ["c", "cr", "p", "id", "m", "wd", "x", "", "c"];
    const q = Array.from({ length: Math.floor(rnd() * 6) }, () => `${pick(keys)}${rnd() < 0.9 ? `=${text()}` : ""}`).join("&");
    return { method: pick(["GET", "GET", "HEAD", "POST", "PUT"]), path: `/${pick(["i.gif", "v.gif", "c", "health", "e", "I.GIF", "i.gif/", "api/cli", "nope"])}?${q}`, headers, events: 1 };
  }
  if (r < 0.85) {
    let body: string;
    let events = 0;
    const b = rnd();
    if (b < 0.5) {
      const evs = Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, k) => ({ t: pick(["impression", "viewable", "click"]), c: pick(PIECES), id: `${id}-${k}`, m: 1 }));
      events = evs.length;
      body = JSON.stringify(evs);
    } else if (b < 0.8) {
      const evs = Array.from({ length: Math.floor(rnd() * 4) }, () => {
        const o: Record<string, unknown> = {};
        for (const k of ["t", "c", "cr", "p", "id", "m", "type"]) if (rnd() < 0.5) o[k] = pick<unknown>([pick(PIECES), 1, null, [], {}, "impression", "hover", "x".repeat(300)]);
        return rnd() < 0.9 ? o : pick<unknown>([1, "s", null]);
      });
      events = evs.length;
      body = rnd() < 0.8 ? JSON.stringify(evs) : JSON.stringify(evs[0] ?? {});
    } else body = pick(["", "[", "{}", "null", "[]", "\u0000\u00ff", "[1,2,3]", "x".repeat(70_000)]);
    const bytes = rnd() < 0.05 ? Buffer.from([0x5b, 0xff, 0xfe, 0x5d]) : Buffer.from(body);
    return { method: "POST", path: "/e", body: bytes, headers: { ...headers, "content-type": "text/plain" }, events };
  }
  if (r < 0.95) {
    const to = pick(["https://evil.example/", "javascript:alert(1)", "https://shop.example/x", "", "//evil.example", "https://www.shop.example/y?z=1"]);
    return { method: "GET", path: `/c?c=a&id=${id}&to=${encodeURIComponent(to)}${rnd() < 0.3 ? `&sig=${text()}` : ""}`, headers, events: 1 };
  }
  return { method: pick(["GET", "OPTIONS", "DELETE", "PATCH"]), path: pick(["/", "/health", "/e", "/i.gif", `/${text()}`, "/api/anything"]), headers, events: 0 };
}

test(`fuzz: ${REQUESTS.toLocaleString("en-US")} random requests, no crash, every 2xx stored`, async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const server = await startServer(db, "--ip-rate", "0", "--visitor-rate", "0", "--allow-redirect", "shop.example");
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const started = Date.now();
  const statuses = new Map<number, number>();
  let next = 0;
  let expected = 0;
  let sent = 0;
  const send = (p: PlannedRequest) => sendPlanned(server.port, agent, p);
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        const rnd = mulberry32(1000 + w);
        while (next < REQUESTS && Date.now() - started < MAX_SECONDS * 1000) {
          const i = next++;
          const p = plan(rnd, i);
          const status = await send(p);
          if (status !== -2) sent++;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 204 && p.path === "/e") expected += p.events;
          else if ((status === 200 && /^\/[iv]\.gif\?/.test(p.path)) || (status === 302 && p.path.startsWith("/c?"))) expected += 1;
        }
      }),
    );
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200, "the server is still serving");
  } finally {
    agent.destroy();
  }
  assert.equal(await stopServer(server), 0, `the server drained and exited cleanly:\n${server.stderr().slice(-2000)}`);
  assert.ok(sent >= Math.min(REQUESTS, 10_000), `sent ${sent}`);
  assert.equal(statuses.get(-1) ?? 0, 0, "no connection was dropped without an answer");
  assert.equal(statuses.get(500) ?? 0, 0, "no internal error");
  for (const s of statuses.keys()) assert.ok(s === -2 || (s >= 200 && s < 500), `status ${s}`);
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const r = await conn.runAndReadAll("SELECT (SELECT COUNT(*) FROM events) + (SELECT COALESCE(SUM(n), 0) FROM invalid_counts)");
  const stored = Number(r.getRows()[0]?.[0]);
  conn.closeSync();
  inst.closeSync();
  console.log(`fuzz: ${sent.toLocaleString("en-US")} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; stored ${stored.toLocaleString("en-US")}`);
  assert.equal(stored, expected, "every acknowledged event is stored, and nothing else");
});
