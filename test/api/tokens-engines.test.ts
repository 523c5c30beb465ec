// API tokens behave the same on DuckDB, one ClickHouse server and a two-shard cluster: created,
// listed without their secret, verified, revoked.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from "../../src/app/api-tokens.js";
import { skipReason, startClickHouse, type TestCluster } from "../clickhouse/harness.js";
import { engineStores, type NamedStore } from "../clickhouse/stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];

before(async () => {
  if (skip) return;
  cluster = await startClickHouse(2);
  stores = await engineStores(cluster);
});
after(async () => {
  for (const s of stores) await s.store.close();
  await cluster?.stop();
});

test("tokens on every engine: create, list, verify, revoke", { skip }, async () => {
  for (const { name, store } of stores) {
    const a = await createApiToken(store, "alpha");
    const b = await createApiToken(store, "beta");
    assert.deepEqual([a.id, b.id], [1, 2], name);
    assert.deepEqual((await listApiTokens(store)).map((t) => t.name), ["alpha", "beta"], name);
    assert.equal((await verifyApiToken(store, b.token))?.name, "beta", name);
    assert.equal(await verifyApiToken(store, `${b.token}x`), null, name);
    await revokeApiToken(store, a.id);
    assert.equal(await verifyApiToken(store, a.token), null, `${name}: revoked`);
    assert.deepEqual((await listApiTokens(store)).map((t) => t.id), [2], name);
    await assert.rejects(revokeApiToken(store, a.id), /no token 1/, name);
    const c = await createApiToken(store, "gamma");
    assert.equal(c.id, 3);
    await revokeApiToken(store, c.id);
    assert.equal((await createApiToken(store, "delta")).id, 4, `${name}: ids are not reused`);
  }
});
