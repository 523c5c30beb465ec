// Bad input gets a 4xx with a short reason, nothing is stored, and the server keeps serving; clicks
// redirect only to signed or allow-listed targets; rate limits hold.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { signClickTarget } from "../../src/app/track/click-target.js";
import { loadOrCreateSecret } from "../../src/cli/serve/secret.js";
import { checkedFetch } from "../api/openapi-check.js";
import { cpi, tempDir } from "../helpers.js";
import { startServer, stopServer } from "./server-process.js";

/** Every /api/ answer checked against the server's /openapi.json. */
const fetch = checkedFetch();

const UA = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0" };

/** Sends raw bytes and returns the status code of the answer (0 when the connection closed without one). */
function raw(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1", () => s.end(bytes));
    let data = "";
    s.on("data", (d) => {
      data += d.toString("latin1");
    });
    s.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
    s.on("error", () => resolve(0));
  });
}

async function storedCount(db: string): Promise<number> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  const r = await conn.runAndReadAll("SELECT (SELECT COUNT(*) FROM events) + (SELECT COALESCE(SUM(n), 0) FROM invalid_counts)");
  const n = Number(r.getRows()[0]?.[0]);
  conn.closeSync();
  inst.closeSync();
  return n;
}

test("malformed requests get a short 4xx and store nothing", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const server = await startServer(db, "--ip-rate", "0", "--visitor-rate", "0", "--allow-redirect", "shop.example");
  try {
    const get = (path: string, headers: Record<string, string> = UA) => fetch(`${server.url}${path}`, { headers, redirect: "manual" });
    const post = (body: string | Uint8Array, path = "/e") => fetch(`${server.url}${path}`, { method: "POST", body, headers: UA });
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ["no campaign", get("/i.gif?cr=A"), 400, /campaign/],
      ["empty query", get("/i.gif"), 400, /required/],
      ["oversized campaign", get(`/i.gif?c=${"x".repeat(300)}`), 400, /longer than/],
      ["10 KB query string", get(`/i.gif?c=a&junk=${"y".repeat(10_240)}`), 414, /longer than/],
      ["invalid UTF-8", get("/i.gif?c=%C3%28"), 400, /UTF-8/],
      ["lone surrogate escape", get("/i.gif?c=%ED%A0%80"), 400, /UTF-8/],
      ["control character", get("/i.gif?c=a%00b"), 400, /control/],
      ["bad impression id", get("/i.gif?c=a&id=%3Cscript%3E"), 400, /impression id/],
      ["a parameter twice", get("/i.gif?c=a&c=b"), 400, /'c' is given more than once/],
      ["too many parameters", get(`/i.gif?${Array.from({ length: 40 }, (_, i) => `k${i}=1`).join("&")}`), 400, /parameters/],
      ["not JSON", post("{nope"), 400, /JSON/],
      ["not an array", post('{"t":"impression","c":"a"}'), 400, /array/],
      ["unknown type", post('[{"t":"hover","c":"a"}]'), 400, /unknown event type/],
      ["one bad event spoils the batch", post('[{"t":"impression","c":"a"},{"t":"impression"}]'), 400, /event 1/],
      ["invalid UTF-8 body", post(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d])), 400, /UTF-8/],
      ["oversized body", post(`[${'{"t":"impression","c":"a"},'.repeat(4000)}{"t":"impression","c":"a"}]`), 413, /larger than/],
      ["open redirect", get("/c?c=a&to=https%3A%2F%2Fevil.example%2F"), 400, /neither signed/],
      ["forged signature", get(`/c?c=a&to=https%3A%2F%2Fevil.example%2F&sig=${"A".repeat(22)}`), 400, /signature/],
      ["javascript: target", get("/c?c=a&to=javascript%3Aalert(1)"), 400, /http or https/],
      ["no target", get("/c?c=a"), 400, /required/],
      ["unknown path", get("/x.gif?c=a"), 404, /no such endpoint/],
      ["wrong method", fetch(`${server.url}/i.gif?c=a`, { method: "DELETE" }), 405, /not allowed/],
      ["forwarding without the token", fetch(`${server.url}/api/cli`, { method: "POST", body: '{"argv":["report"],"cwd":"/"}' }), 401, /token/],
    ];
    for (const [name, pending, status, reason] of cases) {
      const res = await pending;
      assert.equal(res.status, status, name);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.match(body.error.message, reason, name);
      assert.ok(body.error.message.length < 120, `${name}: a short reason`);
    }
    // Raw garbage on the wire: not even HTTP, raw non-ASCII bytes in the target, a header flood.
    assert.equal(await raw(server.port, Buffer.from("GARBAGE\r\n\r\n")), 400);
    assert.equal(await raw(server.port, Buffer.concat([Buffer.from("GET /i.gif?c="), Buffer.from([0xff, 0xfe]), Buffer.from(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")])), 400);
    assert.equal(await raw(server.port, Buffer.from(`GET /i.gif?c=a HTTP/1.1\r\nHost: x\r\nX-Big: ${"z".repeat(20_000)}\r\n\r\n`)), 431);

    // Still serving; valid clicks redirect and are stored.
    const secret = loadOrCreateSecret(db);
    const to = "https://landing.example/q4?utm=1";
    const signed = await get(`/c?c=a&id=c1&to=${encodeURIComponent(to)}&sig=${signClickTarget(to, secret)}`);
    assert.equal(signed.status, 302);
    assert.equal(signed.headers.get("location"), to);
    const listed = await get(`/c?c=a&id=c2&to=${encodeURIComponent("https://www.shop.example/x")}`);
    assert.equal(listed.status, 302);
    const ok = await get("/i.gif?c=a&id=i1");
    assert.equal(ok.status, 200);
    const head = await fetch(`${server.url}/i.gif?c=a&id=i2`, { method: "HEAD", headers: UA });
    assert.equal(head.status, 200);
    const beacon = await post('[{"t":"impression","c":"a","id":"b1","m":1}]');
    assert.equal(beacon.status, 204);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal(await stopServer(server), 0);
    assert.equal(await storedCount(db), 5, "two clicks, two pixels (GET and HEAD), one beacon event … and nothing else");
  } finally {
    if (server.child.exitCode === null) await stopServer(server);
  }
});

test("click targets that stopped the server: each is refused or redirected to its parsed URL, and the server keeps answering", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const server = await startServer(db, "--allow-redirect", "shop.example");
  try {
    const click = async (to: string, sig = "") => {
      const r = await fetch(`${server.url}/c?c=a&to=${encodeURIComponent(to)}${sig ? `&sig=${sig}` : ""}`, { headers: UA, redirect: "manual" });
      await r.arrayBuffer();
      return { status: r.status, location: r.headers.get("location") };
    };
    // Allow-listed host: CR/LF, an ideographic or fullwidth full stop, a backslash before "@".
    assert.deepEqual(await click("https://shop.example/\r\nSet-Cookie: x=1"), { status: 302, location: "https://shop.example/Set-Cookie:%20x=1" });
    assert.deepEqual(await click("https://shop.example/%0D%0Ax"), { status: 302, location: "https://shop.example/%0D%0Ax" });
    assert.deepEqual(await click("https://shop\u3002example/"), { status: 302, location: "https://shop.example/" });
    assert.deepEqual(await click("https://\uff53\uff48\uff4f\uff50\uff0e\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45/"), { status: 302, location: "https://shop.example/" });
    assert.deepEqual(await click("https://shop.example\\@evil.com/"), { status: 302, location: "https://shop.example/@evil.com/" });
    assert.equal((await click("https://shop.example@evil.com/")).status, 400, "the host is evil.com");
    assert.equal((await click("https://evil.com@shop.example/")).status, 400, "no user names in targets");
    // Signed by `cpi snippet --click-url`, with a path beyond Latin-1: redirected, every time.
    const snippet = await cpi(dir, "snippet", "--db", db, "--endpoint", server.url, "--campaign", "a", "--click-url", "https://landing.example/\u65e5\u672c/sale?q=\u00e9", "--format", "json");
    assert.equal(snippet.code, 0, snippet.stderr);
    const signed = new URL(JSON.parse(snippet.stdout).click_url as string);
    for (let i = 0; i < 3; i++) {
      const r = await click(signed.searchParams.get("to") as string, signed.searchParams.get("sig") as string);
      assert.deepEqual(r, { status: 302, location: "https://landing.example/%E6%97%A5%E6%9C%AC/sale?q=%C3%A9" });
    }
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal(server.child.exitCode, null, "still running");
    assert.equal(await stopServer(server), 0, server.stderr());
    assert.equal(await storedCount(db), 8, "every redirected click is stored");
  } finally {
    if (server.child.exitCode === null) await stopServer(server);
  }
});

test("over the rate limits, impressions are kept as invalid traffic 'rate' (invalid_rate shows them); only a beacon flood gets a 429", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  // One address, as behind a NAT: 200 impressions at once, 3 a second within the address's limit.
  const server = await startServer(db, "--ip-rate", "3", "--visitor-rate", "0", "--flood-rate", "5");
  try {
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(`${server.url}/i.gif?c=a&id=r${i}`, { headers: UA })));
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [200], "every pixel is answered");
    const health = (await (await fetch(`${server.url}/health`)).json()) as { recorded: number; invalid: number; rateLimited: number };
    assert.equal(health.recorded + health.invalid, 200);
    assert.ok(health.rateLimited > 0 && health.rateLimited === health.invalid, JSON.stringify(health));
    // A beacon past --flood-rate is refused whole (and stores nothing); within it, it is stored.
    const beacon = (n: number, at: number) => fetch(`${server.url}/e`, { method: "POST", headers: UA, body: JSON.stringify(Array.from({ length: n }, (_, i) => ({ t: "impression", c: "a", id: `b${at}-${i}` }))) });
    const floods = await Promise.all([beacon(4, 1), beacon(4, 2), beacon(4, 3)]);
    const codes = floods.map((r) => r.status).sort();
    assert.ok(codes.includes(429), `a flood is refused: ${codes}`);
    const refusedBeaconEvents = 4 * codes.filter((c) => c === 429).length;
    assert.equal(await stopServer(server), 0);
    assert.equal(await storedCount(db), 200 + 12 - refusedBeaconEvents, "every answered event is stored, as valid or invalid");
    // invalid_rate counts them: Σinvalid / (Σimpressions + Σinvalid), all of them impressions here.
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    const [valid, rate, other] = (await conn.runAndReadAll("SELECT (SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(n), 0) FROM invalid_counts WHERE reason = 'rate'), (SELECT COALESCE(SUM(n), 0) FROM invalid_counts WHERE reason <> 'rate')")).getRows()[0] as bigint[];
    conn.closeSync();
    inst.closeSync();
    assert.ok(Number(rate) >= health.rateLimited && Number(rate) > 0, `rate ${rate}`);
    assert.equal(Number(other), 0);
    const r = await cpi(dir, "report", "--db", db, "--where", "source=tracked", "--metrics", "impressions,invalid_rate", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ impressions: Number(valid), invalid_rate: Number(rate) / (Number(valid) + Number(rate)) }]);
  } finally {
    if (server.child.exitCode === null) await stopServer(server);
  }
});
