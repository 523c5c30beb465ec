// GET /api/sync: per connection the last success, the last error in plain words and the freshest day
// the store holds for each account (synced or imported); the same token rules as every read.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { hostStore, openConnectionFiles } from "../../src/cli/compose.js";
import { addDays } from "../../src/domain/dates.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { addGoogle, addMeta, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, metaDelivery, startFakes, yesterday } from "../connect/fakes.js";
import { tempDir } from "../helpers.js";
import { inProcessApi } from "./harness.js";

let fakes: Fakes;
let dir: string;
before(async () => {
  fakes = await startFakes(googleDelivery(4), metaDelivery(4));
  dir = tempDir("cpi-api-sync-");
  await addGoogle(dir, fakes, "acme-google", GOOGLE_ACCOUNTS.map((a) => a.id));
  await addMeta(dir, fakes, "acme-meta", META_ACCOUNTS.map((a) => a.id));
  const ok = await cpiEnv(dir, ENV, "sync", "--since", "3d");
  assert.equal(ok.code, 0, ok.stderr);
  fakes.meta.failRunsOf.add(META_ACCOUNTS[1]?.id as string);
  const partial = await cpiEnv(dir, ENV, "sync", "acme-meta", "--since", "10d");
  assert.equal(partial.code, 3, partial.stderr);
});
after(() => fakes.close());

test("GET /api/sync: last success, last error in plain words, freshest day per account; no secret", async () => {
  const db = join(dir, "cpi.duckdb");
  const store = await DuckDbStore.open(db);
  hostStore(db, store);
  try {
    const api = inProcessApi(store, "127.0.0.1", { connections: openConnectionFiles(join(dir, "cpi.connections.json")) });
    const r = await api.call("/api/sync");
    assert.equal(r.status, 200, r.text);
    const [google, meta] = r.json.connections;
    assert.equal(google.name, "acme-google");
    assert.equal(google.source, "google-ads");
    assert.equal(google.last_error, null);
    assert.match(google.last_success, /^\d{4}-\d{2}-\d{2}T/);
    for (const a of google.accounts) {
      const zone = GOOGLE_ACCOUNTS.find((x) => x.id === a.account)?.timezone as string;
      assert.equal(a.synced_through, yesterday(zone));
      assert.equal(a.freshest_day, yesterday(zone), "the store's latest day for the account");
      assert.equal(a.last_error, null);
    }
    assert.equal(meta.label, "Meta (Facebook, Instagram)");
    assert.match(meta.last_error, /^account 5040302010: the insights of act_5040302010 for .*: Meta's report run \d+ ended 'Job Failed': The report could not be generated/);
    const [ok, failed] = meta.accounts;
    assert.equal(ok.last_error, null);
    assert.match(failed.last_error, /Job Failed/);
    assert.match(failed.last_success, /T/, "the earlier success is kept beside the error");
    assert.equal(failed.freshest_day, yesterday("Asia/Tokyo"));
    assert.ok(!r.text.includes("EAAB") && !r.text.includes("1//0g"));

    // Non-loopback callers need a token, as for every read.
    const remote = inProcessApi(store, "0.0.0.0", { connections: openConnectionFiles(join(dir, "cpi.connections.json")) });
    assert.equal((await remote.call("/api/sync", { remote: "192.0.2.7" })).status, 401);
    // Bad input: the endpoint takes no parameters.
    const bad = await api.call("/api/sync?verbose=1");
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /verbose/);
    // A server without a connections file lists none.
    assert.deepEqual((await inProcessApi(store).call("/api/sync")).json, { connections: [] });
  } finally {
    await store.close();
  }
});

test("the freshest day counts imported rows too", async () => {
  const d = tempDir("cpi-api-sync-import-");
  await addMeta(d, fakes, "m", [META_ACCOUNTS[0]?.id as string]);
  const day = addDays(yesterday("Europe/Berlin"), 3);
  const csv = `Account ID,Campaign name,Day,Amount spent (EUR),Impressions\n${META_ACCOUNTS[0]?.id},Later,${day},1.00,100\n`;
  const file = join(d, "meta.csv");
  (await import("node:fs")).writeFileSync(file, csv);
  assert.equal((await cpiEnv(d, {}, "import", file)).code, 0);
  const db = join(d, "cpi.duckdb");
  const store = await DuckDbStore.open(db);
  try {
    const r = await inProcessApi(store, "127.0.0.1", { connections: openConnectionFiles(join(d, "cpi.connections.json")) }).call("/api/sync");
    assert.equal(r.json.connections[0].accounts[0].freshest_day, day);
    assert.equal(r.json.connections[0].accounts[0].last_success, null, "never synced");
  } finally {
    await store.close();
  }
});
