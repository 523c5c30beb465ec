// Writes and auth: imports (multipart, dry run first), contracts, FX, tokens; reads beyond loopback.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createApiToken, revokeApiToken } from "../../src/app/api-tokens.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers.js";
import { demoFile, inProcessApi, multipart } from "./harness.js";

let store: Store;
let api: ReturnType<typeof inProcessApi>;
let token: string;
const auth = () => ({ authorization: `Bearer ${token}` });

before(async () => {
  store = await DuckDbStore.open(join(tempDir("cpi-api-w-"), "cpi.duckdb"));
  api = inProcessApi(store);
  token = (await createApiToken(store, "test")).token;
});
after(() => store.close());

const SPEND = "date,campaign,source,currency,cost,impressions,clicks\n2026-10-01,Launch Q4,direct,USD,2500,250000,300\n2026-10-02,Launch Q4,direct,USD,2500,250000,290\n";
const upload = (files: { name: string; content: string }[], query = "", headers: Record<string, string> = {}) => {
  const m = multipart(files);
  return api.call(`/api/imports${query}`, { method: "POST", headers: { "content-type": m.type, ...headers }, body: m.body });
};
const impressions = async () => (await api.call("/api/report?metrics=impressions")).json.total?.impressions ?? 0;

test("an import of a file that states no dates takes period, and the error asks for it by that name", async () => {
  const allTime = 'Campaign report\nAll time\nCampaign,Currency code,Impr.,Clicks,Cost\nBrand,USD,"1,000",10,5.00\nGeneric,USD,500,5,2.50\nTotal: Campaigns,USD,"1,500",15,7.50\n';
  const refused = await upload([{ name: "all.csv", content: allTime }], "?dry_run=true");
  assert.equal(refused.status, 400, refused.text);
  assert.match(refused.json.error.message, /or pass the period it covers \(period=2026-01-01\.\.2026-01-31\)/);
  assert.doesNotMatch(refused.json.error.message, /--/);
  const dated = await upload([{ name: "all.csv", content: allTime }], "?dry_run=true&period=2026-10");
  assert.equal(dated.status, 200, dated.text);
  assert.deepEqual(dated.json.files[0].rows, 2);
  const bad = await upload([{ name: "all.csv", content: allTime }], "?dry_run=true&period=2026-13");
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.code, "bad_period");
  assert.equal(await impressions(), 0);
});

test("an import: a dry run needs no token and writes nothing; the real one needs a token", async () => {
  const dry = await upload([{ name: "spend.csv", content: SPEND }], "?dry_run=true");
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json, { dry_run: true, files: [{ file: "spend.csv", source: "direct", format: "generic", rows: 2, replaced_rows: 0, skipped: [], warnings: [] }] });
  assert.equal(await impressions(), 0);
  const refused = await upload([{ name: "spend.csv", content: SPEND }]);
  assert.equal(refused.status, 401);
  assert.equal(refused.json.error.code, "unauthorized");
  assert.match(refused.json.error.message, /cpi token create/);
  assert.equal(refused.headers["www-authenticate"], 'Bearer realm="cpi"');
  assert.equal(await impressions(), 0);
  const ok = await upload([{ name: "spend.csv", content: SPEND }], "", auth());
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.files[0].rows, 2);
  assert.equal(await impressions(), 500_000);
  // The same file again replaces its window: nothing doubles (DESIGN rule 5).
  const again = await upload([{ name: "spend.csv", content: SPEND }], "", auth());
  assert.equal(again.json.files[0].replaced_rows, 2);
  assert.equal(await impressions(), 500_000);
});

test("a bad row rejects the upload with every issue located, and the store is left as it was", async () => {
  const before = await impressions();
  const bad = `${SPEND}2026-10-03,Launch Q4,direct,USD,abc,1000,1\n2026-10-04,Launch Q4,direct,USD,10,-5,1\n`;
  const r = await upload([{ name: "bad.csv", content: bad }], "", auth());
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, "invalid_input");
  assert.match(r.json.error.message, /bad\.csv:4/);
  assert.equal(r.json.error.details.issues.length, 2);
  assert.equal(await impressions(), before);
  const preview = await upload([{ name: "bad.csv", content: bad }], "?dry_run=1&skip_invalid=true");
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.json.files[0].rows, 2);
  assert.equal(preview.json.files[0].skipped.length, 2);
  assert.equal(await impressions(), before);
});

test("a platform export is detected; options may come as form fields", async () => {
  const before = await impressions();
  const m = multipart([{ name: "meta.csv", content: demoFile("meta.csv") }], { dry_run: "true" });
  // The request is read once: dry_run as a form field makes it a dry run for the auth check and the handler alike.
  const r = await api.call("/api/imports", { method: "POST", headers: { "content-type": m.type }, body: m.body });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.files[0].source, "meta");
  assert.equal(r.json.dry_run, true);
  const t = await api.call("/api/imports", { method: "POST", headers: { "content-type": m.type, ...auth() }, body: m.body });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.dry_run, true);
  assert.equal(await impressions(), before);
});

test("upload errors: no file, not multipart, unknown option", async () => {
  const none = await api.call("/api/imports?dry_run=true", { method: "POST", headers: { "content-type": multipart([]).type }, body: multipart([]).body });
  assert.equal(none.json.error.code, "no_files");
  const raw = await api.call("/api/imports?dry_run=true", { method: "POST", headers: { "content-type": "text/csv" }, body: SPEND });
  assert.equal(raw.json.error.code, "bad_content_type");
  const opt = await upload([{ name: "a.csv", content: SPEND }], "?dry_run=true&colour=red");
  assert.equal(opt.json.error.code, "invalid_request");
});

test("uploads and JSON bodies beyond their limits are 413s, and nothing is written", async () => {
  const small = inProcessApi(store, "127.0.0.1", { maxUploadBytes: 100, maxJsonBytes: 50 });
  const m = multipart([{ name: "big.csv", content: SPEND.repeat(3) }]);
  const r = await small.call("/api/imports", { method: "POST", headers: { "content-type": m.type, ...auth() }, body: m.body });
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.code, "body_too_large");
  const j = await small.call("/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ metrics: ["cost", "impressions", "cpi", "cpm", "ctr"] }) });
  assert.equal(j.status, 413);
});

test("contracts: add needs a token, overlaps are refused, remove by id", async () => {
  const body = JSON.stringify({ campaign: "Launch Q4", placement: "news-site", flat: 5000, from: "2026-10-01", to: "2026-10-31" });
  const post = (headers: Record<string, string>, b = body) => api.call("/api/contracts", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: b });
  assert.equal((await post({})).status, 401);
  const ok = await post(auth());
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.amount, 5000, "money is a number of currency units");
  const clash = await post(auth());
  assert.equal(clash.status, 400);
  assert.equal(clash.json.error.code, "overlapping_contract");
  const two = await post(auth(), JSON.stringify({ campaign: "X", cpm: "1", cpc: "2", from: "2026-10-01", to: "2026-10-31" }));
  assert.equal(two.json.error.code, "bad_contract");
  const list = await api.call("/api/contracts");
  assert.equal(list.json.contracts.length, 1);
  assert.equal((await api.call(`/api/contracts/${ok.json.id}`, { method: "DELETE" })).status, 401);
  const del = await api.call(`/api/contracts/${ok.json.id}`, { method: "DELETE", headers: auth() });
  assert.equal(del.status, 200, del.text);
  const gone = await api.call(`/api/contracts/${ok.json.id}`, { method: "DELETE", headers: auth() });
  assert.equal(gone.json.error.code, "no_such_contract");
  assert.equal((await api.call("/api/contracts/abc", { method: "DELETE", headers: auth() })).json.error.code, "invalid_request");
});

test("FX: listing is a read, importing rates a write", async () => {
  const rates = "date,currency,rate\n2026-10-01,USD,1.1\n2026-10-01,GBP,0.85\n";
  const m = multipart([{ name: "rates.csv", content: rates }]);
  assert.equal((await api.call("/api/fx", { method: "POST", headers: { "content-type": m.type }, body: m.body })).status, 401);
  const ok = await api.call("/api/fx", { method: "POST", headers: { "content-type": m.type, ...auth() }, body: m.body });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.files[0].rates, 2);
  const list = await api.call("/api/fx");
  assert.deepEqual(list.json.rates.map((r: { currency: string }) => r.currency).sort(), ["GBP", "USD"]);
});

test("reads beyond loopback need a token; a bad or revoked token is refused everywhere", async () => {
  const q = "/api/report?metrics=impressions";
  assert.equal((await api.call(q)).status, 200);
  const remote = await api.call(q, { remote: "192.0.2.7" });
  assert.equal(remote.status, 401);
  assert.equal((await api.call(q, { remote: "192.0.2.7", headers: auth() })).status, 200);
  // A page on another site resolving its name to 127.0.0.1 (DNS rebinding) carries its own Host.
  assert.equal((await api.call(q, { headers: { host: "evil.example:8080" } })).status, 401);
  assert.equal((await api.call(q, { headers: { "x-forwarded-for": "198.51.100.3" } })).status, 401);
  assert.equal((await api.call(q, { headers: { authorization: "Bearer cpi_wrong" } })).json.error.code, "bad_token");
  assert.equal((await api.call(q, { headers: { authorization: "Basic abc" } })).status, 401);
  // Served on every interface: even loopback reads need a token.
  const open = inProcessApi(store, "0.0.0.0");
  assert.equal((await open.call(q)).status, 401);
  assert.equal((await open.call(q, { headers: auth() })).status, 200);
  const session = await open.call("/api/session");
  assert.deepEqual(session.json, { token: null, token_rejected: false, can_read: false, can_write: false, reads_need_token: true });
  const t2 = await createApiToken(store, "short-lived");
  const s2 = await api.call("/api/session", { headers: { authorization: `Bearer ${t2.token}` } });
  assert.deepEqual(s2.json, { token: { id: t2.id, name: "short-lived" }, token_rejected: false, can_read: true, can_write: true, reads_need_token: false });
  await revokeApiToken(store, t2.id);
  assert.equal((await api.call(q, { headers: { authorization: `Bearer ${t2.token}` } })).status, 401);
  const s3 = await api.call("/api/session", { headers: { authorization: `Bearer ${t2.token}` } });
  assert.equal(s3.json.can_write, false);
  assert.equal(s3.json.token_rejected, true);
});

test("tokens are stored hashed: the store never holds the secret", async () => {
  const t = await createApiToken(store, "hash-check");
  const stored = await store.apiTokens();
  assert.ok(stored.every((s) => !JSON.stringify(s).includes(t.token.slice(10))));
  assert.ok(stored.some((s) => s.prefix === t.token.slice(0, 10) && /^[0-9a-f]{64}$/.test(s.hash)));
});
