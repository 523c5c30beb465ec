// End to end: `cpi serve` as its own process records pixel and beacon events; while it runs, `cpi
// contract add` and `cpi report` work (forwarded to it); the tracked report gives CPI, vCPM and reach.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, tempDir } from "../helpers.js";
import { startServer, stopServer } from "./server-process.js";

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

test("events → contract → cpi report --where source=tracked, while the server runs and after it stops", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const server = await startServer(db, "--ip-rate", "0", "--visitor-rate", "0");
  try {
    const pixel = (q: string, ua = CHROME) => fetch(`${server.url}/i.gif?${q}`, { headers: { "user-agent": ua } });
    // 400 impressions on news (40 visitors), 100 on sports (10 visitors); 200 of news's are measurable
    // (sent by the script in batches) and 150 of those became viewable.
    const sends: Promise<Response>[] = [];
    for (let i = 0; i < 200; i++) sends.push(pixel(`c=Launch%20Q4&cr=Visual%20A&p=news&id=n${i}`, `${CHROME} v${i % 40}`));
    for (let i = 0; i < 100; i++) sends.push(pixel(`c=Launch%20Q4&cr=Visual%20A&p=sports&id=s${i}`, `${CHROME} w${i % 10}`));
    for (let b = 0; b < 20; b++) {
      const events = Array.from({ length: 10 }, (_, k) => ({ t: "impression", c: "Launch Q4", cr: "Visual A", p: "news", id: `m${b * 10 + k}`, m: 1 }));
      const viewable = events.slice(0, b < 15 ? 10 : 0).map((e) => ({ ...e, t: "viewable" }));
      sends.push(fetch(`${server.url}/e`, { method: "POST", body: JSON.stringify(events), headers: { "user-agent": `${CHROME} v${b}` } }));
      if (viewable.length) sends.push(fetch(`${server.url}/e`, { method: "POST", body: JSON.stringify(viewable), headers: { "user-agent": `${CHROME} v${b}` } }));
    }
    // Invalid traffic: a crawler, a headless browser, a prefetch, and an impression id seen twice.
    sends.push(pixel("c=Launch%20Q4&p=news&id=bot1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
    sends.push(pixel("c=Launch%20Q4&p=news&id=hl1", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/124.0"));
    sends.push(fetch(`${server.url}/i.gif?c=Launch%20Q4&p=news&id=pf1`, { headers: { "user-agent": CHROME, "sec-purpose": "prefetch" } }));
    const responses = await Promise.all(sends);
    assert.deepEqual([...new Set(responses.map((r) => r.status))].sort(), [200, 204]);
    const gif = await responses[0]?.arrayBuffer();
    assert.equal(gif?.byteLength, 43);
    assert.match(responses[0]?.headers.get("cache-control") ?? "", /no-cache/);
    assert.equal((await pixel("c=Launch%20Q4&p=news&id=n7", `${CHROME} v7`)).status, 200);

    const flight = ["--from", day(-2), "--to", day(2)];
    const add = await cpi(dir, "contract", "add", "--campaign", "Launch Q4", "--placement", "news", "--flat", "5000", ...flight, "--db", db);
    assert.equal(add.code, 0, add.stderr);
    const add2 = await cpi(dir, "contract", "add", "--campaign", "Launch Q4", "--placement", "sports", "--cpm", "12", ...flight, "--db", db);
    assert.equal(add2.code, 0, add2.stderr);
    const clash = await cpi(dir, "contract", "add", "--campaign", "Launch Q4", "--cpc", "1", ...flight, "--db", db);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /already prices this flight/);

    const args = ["report", "--where", "source=tracked", "--by", "campaign,placement", "--metrics", "impressions,viewable_rate,cpi,vcpm,reach,invalid_rate", "--format", "json", "--db", db];
    const live = await cpi(dir, ...args);
    assert.equal(live.code, 0, live.stderr);
    const rows = JSON.parse(live.stdout) as Record<string, number | string | null>[];
    assert.equal(rows.length, 2);
    const news = rows.find((r) => r.placement === "news");
    const sports = rows.find((r) => r.placement === "sports");
    assert.equal(news?.impressions, 400);
    assert.equal(news?.viewable_rate, 150 / 200);
    assert.equal(news?.cpi, 5000 / 400);
    assert.equal(news?.vcpm, (1000 * 5000) / 150);
    assert.ok(Math.abs(Number(news?.reach) - 40) <= 8, `reach ${news?.reach}`);
    assert.equal(news?.invalid_rate, 4 / 404);
    assert.equal(sports?.impressions, 100);
    assert.equal(sports?.cpi, 0.012);
    assert.equal(sports?.viewable_rate, null, "no impression on sports was measurable");
    assert.ok(Math.abs(Number(sports?.reach) - 10) <= 2, `reach ${sports?.reach}`);

    const table = await cpi(dir, "report", "--where", "source=tracked", "--by", "placement", "--metrics", "cost,impressions,cpm", "--db", db);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /news\s+\$5,000\.00\s+400\s+\$12,500\.00/);
    const list = await cpi(dir, "contract", "list", "--format", "json", "--db", db);
    assert.equal(JSON.parse(list.stdout).length, 2);
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.status, "ok");
    // Where the requests' time went: the event loop's delay and each log batch's time to durable.
    for (const key of ["event_loop_delay_ms", "durable_ms"]) {
      const t = health[key] as { p50: number; p99: number; max: number };
      assert.ok(t.p50 <= t.p99 && t.p99 <= t.max, `${key} ${JSON.stringify(t)}`);
    }
    assert.ok((health.durable_ms as { max: number }).max > 0, "events were written, each batch took some time");

    assert.equal(await stopServer(server), 0);
    // Stopped: the same report straight from the file.
    const after = await cpi(dir, ...args);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(JSON.parse(after.stdout), rows);
  } finally {
    if (server.child.exitCode === null) await stopServer(server);
  }
});

test("an impression id counted before a restart is a duplicate after it", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const send = async (url: string) => (await fetch(`${url}/i.gif?c=C&id=same-1`, { headers: { "user-agent": CHROME } })).status;
  const first = await startServer(db);
  assert.equal(await send(first.url), 200);
  assert.equal(await stopServer(first), 0);
  const second = await startServer(db);
  assert.equal(await send(second.url), 200);
  assert.equal(await stopServer(second), 0);
  const r = await cpi(dir, "report", "--where", "source=tracked", "--metrics", "impressions,invalid_rate", "--format", "json", "--db", db);
  assert.deepEqual(JSON.parse(r.stdout), [{ impressions: 1, invalid_rate: 0.5 }]);
});
