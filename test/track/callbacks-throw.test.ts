// No exception thrown in a request handler, a group-commit callback or an event log listener may end
// the server (issue 17, item 1): a real route-table server over a real segmented log, with the real
// tracking routes beside routes and listeners that throw. Every request is answered, the log goes on
// committing, and the test process (which would die of an uncaught exception) lives.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { TrackingRecorder } from "../../src/app/track/recorder.js";
import { createRouteServer, type Route } from "../../src/http/server.js";
import { trackingRoutes } from "../../src/http/tracking-routes.js";
import { SegmentedEventLog } from "../../src/store/event-log/segmented-log.js";
import { tempDir } from "../helpers.js";

const UA = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0" };

test("handlers, commit callbacks and log listeners that throw: every request is answered and the log goes on", async () => {
  const dir = tempDir();
  const reported: string[] = [];
  const report = (e: unknown) => reported.push(e instanceof Error ? e.message : String(e));
  const boom = (where: string) => {
    throw new Error(`boom in ${where}`);
  };
  const listened = { committed: 0, began: 0, sealed: 0 };
  // 4 KiB segments: rotations (began, sealed) happen while requests come in, and every listener throws.
  const log = SegmentedEventLog.open(
    join(dir, "cpi.duckdb.events.log"),
    4096,
    {
      committed: () => {
        listened.committed++;
        boom("committed");
      },
      began: () => {
        listened.began++;
        boom("began");
      },
      sealed: () => {
        listened.sealed++;
        boom("sealed");
      },
    },
    { onCallbackError: report },
  );
  const recorder = new TrackingRecorder(log, { ipPerSecond: 0, visitorPerSecond: 0 });
  const routes: Route[] = [
    ...trackingRoutes({
      recorder,
      secret: Buffer.alloc(32, 7),
      allowHosts: ["shop.example"],
      trustProxy: false,
      maxBodyBytes: 65_536,
      health: () => ({}),
      log: (m) => {
        report(new Error(m));
        boom("the tracking routes' log");
      },
    }),
    { method: "GET", path: "/sync", handler: () => boom("a handler") },
    { method: "GET", path: "/async", handler: async () => boom("an async handler") },
    {
      method: "GET",
      path: "/commit",
      handler: (_req, res) =>
        log.append('[1790000000000,"i","x"]\n', () => {
          res.end("ok");
          boom("a commit callback");
        }),
    },
  ];
  // The server's own log throws too (a closed stderr): errors are still answered.
  const server = createRouteServer({
    routes,
    log: (m) => {
      report(new Error(m));
      boom("the server's log");
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const paths = ["/sync", "/async", "/commit", "/i.gif?c=a", "/c?c=a&to=https%3A%2F%2Fshop%E3%80%82example%2F%0D%0A"];
    const statuses = new Map<string, number[]>();
    for (let round = 0; round < 60; round++) {
      const rs = await Promise.all(paths.map((p) => fetch(`${base}${p}`, { redirect: "manual", headers: UA }).then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          })));
      for (const [i, s] of rs.entries()) statuses.set(paths[i] as string, [...(statuses.get(paths[i] as string) ?? []), s]);
    }
    assert.deepEqual(new Set(statuses.get("/sync")), new Set([500]));
    assert.deepEqual(new Set(statuses.get("/async")), new Set([500]));
    assert.deepEqual(new Set(statuses.get("/commit")), new Set([200]));
    assert.deepEqual(new Set(statuses.get("/i.gif?c=a")), new Set([200]));
    assert.deepEqual(new Set(statuses.get("/c?c=a&to=https%3A%2F%2Fshop%E3%80%82example%2F%0D%0A")), new Set([302]));
    assert.ok(listened.began >= 2 && listened.sealed >= 1, `segments rotated: ${JSON.stringify(listened)}`);
    assert.equal(recorder.stats.recorded, 120, "every pixel and click was committed, through every throwing listener");
    for (const where of ["committed", "began", "sealed", "a handler", "an async handler", "a commit callback"]) {
      assert.ok(reported.some((m) => m.includes(`boom in ${where}`)), `what ${where} threw was reported`);
    }
    // The server still answers, and the log still commits.
    assert.equal((await fetch(`${base}/health`)).status, 200);
    const before = log.committedOffset;
    assert.equal((await fetch(`${base}/i.gif?c=after`, { headers: UA })).status, 200);
    assert.ok(log.committedOffset > before || log.seq > 0);
  } finally {
    server.close();
    server.closeAllConnections();
    await log.close();
  }
});
