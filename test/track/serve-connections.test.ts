// test:slow
// Connection limits (issue 17, item 6): thousands of idle sockets from one address once exhausted the
// file descriptors and took the pixel and /health down for everyone; slow headers were not cut. Here
// the server runs with a small open-file limit; one address (127.0.0.1) opens far more sockets than
// it allows, idle or busy, while another (127.0.0.2) keeps being served.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers.js";
import { cpiCommand } from "./server-process.js";

const UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0";

/** `cpi serve` under `ulimit -n` (soft and hard: node cannot raise it). */
async function serveWithFileLimit(limit: number, ...args: string[]): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const db = join(tempDir(), "cpi.duckdb");
  const argv = cpiCommand("serve", "--db", db, "--host", "127.0.0.1", "--port", "0", ...args);
  const child = spawn("sh", ["-c", `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, ...argv], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  for (;;) {
    if (/listening on/.test(err)) return { child, port: JSON.parse(readFileSync(`${db}.serve.json`, "utf8")).port as number, stderr: () => err };
    if (child.exitCode !== null) throw new Error(`cpi serve exited: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Opens a socket from `from`; resolves once connected (or null when refused). */
function open(port: number, from: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = connect({ port, host: "127.0.0.1", localAddress: from });
    s.once("connect", () => resolve(s));
    s.once("error", () => resolve(null));
  });
}

/** One GET on a fresh connection from `from`: its status, or 0 when the connection failed. */
function get(port: number, from: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const s = connect({ port, host: "127.0.0.1", localAddress: from }, () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUser-Agent: ${UA}\r\nConnection: close\r\n\r\n`));
    let data = "";
    s.on("data", (d) => {
      data += d.toString("latin1");
    });
    s.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
    s.on("error", () => resolve(0));
  });
}

const stillOpen = (sockets: (Socket | null)[]) => sockets.filter((s) => s && !s.destroyed && s.readyState === "open").length;

test("1,200 idle sockets from one address under a 512-file limit: the others are still served, the server never runs out", async () => {
  const server = await serveWithFileLimit(512);
  const idle: (Socket | null)[] = [];
  try {
    for (let i = 0; i < 1200; i++) idle.push(await open(server.port, "127.0.0.1"));
    assert.equal(await get(server.port, "127.0.0.2", "/health"), 200, "another address gets /health");
    assert.equal(await get(server.port, "127.0.0.2", "/i.gif?c=a"), 200, "and the pixel");
    assert.equal(await get(server.port, "127.0.0.1", "/health"), 200, "so does the crowded address itself: an idle socket gives way");
    await new Promise((r) => setTimeout(r, 200));
    const open_ = stillOpen(idle);
    console.log(`connections: ${open_} of 1,200 idle sockets still open under a 512-file limit`);
    assert.ok(open_ <= 256, `the total cap (512 − 256) holds: ${open_} open`);
    assert.doesNotMatch(server.stderr(), /EMFILE|internal error/);
  } finally {
    for (const s of idle) s?.destroy();
    server.child.kill("SIGTERM");
  }
});

test("busy connections from one address past its cap get a 503; another address is served; slow headers get a 408", async () => {
  const server = await serveWithFileLimit(4096, "--max-connections-per-address", "50");
  const busy: Socket[] = [];
  try {
    // Requests whose bodies never finish: busy, not idle, so nothing gives way for the 51st. Each asks
    // `Expect: 100-continue`, so its first answer (100 once the server has taken the request, or the
    // refusal) says the server has seen it before the next connection opens: no fixed sleeps, which
    // raced a loaded machine (a request not yet parsed looked idle and gave way).
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const s = await open(server.port, "127.0.0.1");
      if (!s) continue;
      busy.push(s);
      const first = new Promise<number>((resolve) => {
        s.once("data", (d) => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString("latin1"))?.[1] ?? 0)));
        s.once("close", () => resolve(0));
      });
      s.write(`POST /e HTTP/1.1\r\nHost: x\r\nUser-Agent: ${UA}\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n`);
      const status = await first;
      if (status !== 100) statuses.push(status);
      else s.write("[");
    }
    assert.deepEqual(statuses, Array(10).fill(503), "the ten past the cap were refused");
    assert.equal(await get(server.port, "127.0.0.2", "/i.gif?c=a"), 200, "another address is served");
    // Headers sent a byte at a time are cut (Node's headersTimeout, checked every second): 408.
    const t0 = performance.now();
    const slow = await open(server.port, "127.0.0.2");
    assert.ok(slow);
    const answer = await new Promise<string>((resolve) => {
      let data = "";
      slow.write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      const drip = setInterval(() => {
        if (!slow.destroyed) slow.write("a");
      }, 200);
      slow.on("data", (d) => {
        data += d.toString("latin1");
      });
      slow.on("close", () => {
        clearInterval(drip);
        resolve(data);
      });
    });
    console.log(`connections: slow headers cut after ${Math.round(performance.now() - t0)} ms`);
    assert.match(answer, /^HTTP\/1\.1 408/);
  } finally {
    for (const s of busy) s.destroy();
    server.child.kill("SIGTERM");
  }
});
