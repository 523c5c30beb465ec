// test:slow
// `cpi serve --sync-every` as its own process: it syncs the connections (the fake Google Ads and Meta
// APIs) at once, then runs the alert checks on the fresh data and posts to the webhook; GET /api/sync
// says when; a `cpi sync` run while serving is forwarded into the server with the variables its
// connections read their secrets from.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startReceiver } from "../alerts/receivers.js";
import { checkedFetch } from "../api/openapi-check.js";
import { cpi, tempDir } from "../helpers.js";
import { startServer, stopServer } from "../track/server-process.js";
import { addGoogle, addMeta, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, metaDelivery, SECRETS, startFakes } from "./fakes.js";

/** Every /api/ answer checked against the server's /openapi.json. */
const fetch = checkedFetch();

let fakes: Fakes;
before(async () => {
  fakes = await startFakes(googleDelivery(4), metaDelivery(4));
});
after(() => fakes.close());

test("cpi serve --sync-every syncs, then checks alerts on the fresh data; a forwarded cpi sync runs in the server", async () => {
  const dir = tempDir("cpi-serve-sync-");
  const refused = await cpi(dir, "serve", "--port", "0", "--sync-every", "1h");
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--sync-every: no connections in .*cpi\.connections\.json: add one with 'cpi connect add'/);
  await addGoogle(dir, fakes, "acme-google", GOOGLE_ACCOUNTS.map((a) => a.id));
  await addMeta(dir, fakes, "acme-meta", META_ACCOUNTS.map((a) => a.id));
  const short = await cpi(dir, "serve", "--port", "0", "--sync-every", "2s");
  assert.equal(short.code, 2);
  assert.match(short.stderr, /--sync-every must be an interval of at least 10s/);
  const receiver = await startReceiver([200]);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "impressions", "--above", "1", "--by", "source", "--id", "delivering")).code, 0);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", receiver.url, "--name", "ops")).code, 0);
  // The server reads the secrets from its own environment, as a service would.
  Object.assign(process.env, ENV);
  const server = await startServer(join(dir, "cpi.duckdb"), "--sync-every", "1h");
  try {
    while (receiver.requests === 0) await new Promise((r) => setTimeout(r, 50));
    assert.match(server.stderr(), /cpi serve: syncing 2 connection\(s\) of .*cpi\.connections\.json every 1h/);
    assert.match(server.stderr(), /sync: 4 of 4 accounts synced, [\d,]+ rows/);
    const alert = JSON.stringify(receiver.bodies[0]);
    assert.match(alert, /delivering/, "the alert check ran on the synced rows");
    const status = (await (await fetch(`${server.url}/api/sync`)).json()) as { connections: { name: string; last_success: string | null; accounts: { freshest_day: string | null }[] }[] };
    assert.deepEqual(status.connections.map((c) => c.name), ["acme-google", "acme-meta"]);
    for (const c of status.connections) {
      assert.match(c.last_success ?? "", /^\d{4}-/);
      for (const a of c.accounts) assert.match(a.freshest_day ?? "", /^\d{4}-\d{2}-\d{2}$/);
    }
    // A cpi sync while serving runs inside the server (DuckDB has one writer), with the variables its connections name.
    for (const k of Object.keys(SECRETS)) delete process.env[k];
    const forwarded = await cpiEnv(dir, ENV, "sync", "acme-meta", "--since", "3d", "--format", "json");
    assert.equal(forwarded.code, 0, forwarded.stderr);
    assert.deepEqual(JSON.parse(forwarded.stdout).map((a: { error: string | null }) => a.error), [null, null]);
  } finally {
    for (const k of Object.keys(ENV)) delete process.env[k];
    assert.equal(await stopServer(server), 0);
    await receiver.close();
  }
  for (const s of Object.values(SECRETS)) assert.ok(!server.stderr().includes(s), "no secret in the server's log");
});
