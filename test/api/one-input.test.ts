// Every request is read once into one input that the auth check and the handler both read (issue 17,
// item 2): a parameter given twice, a form field that repeats a query parameter, a JSON key named
// twice, a path parameter given again elsewhere are refused with a 400 naming it, on every endpoint,
// with and without a token, and nothing is written. The probe's reproductions come first.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { z } from "zod";
import { createApiToken } from "../../src/app/api-tokens.js";
import { openAlertFiles } from "../../src/cli/compose.js";
import { allEndpoints } from "../../src/http/api/endpoints/index.js";
import type { Store } from "../../src/store/store.js";
import { startReceiver } from "../alerts/receivers.js";
import { demoStore, inProcessApi, multipart } from "./harness.js";

let store: Store;
let api: ReturnType<typeof inProcessApi>;
let token: string;
let alertsLog: string;
let dir: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const auth = () => ({ authorization: `Bearer ${token}` });

before(async () => {
  const d = await demoStore();
  store = d.store;
  dir = d.dir;
  receiver = await startReceiver([200]);
  const config = join(d.dir, "demo.alerts.json");
  alertsLog = join(d.dir, "demo.alerts.log.jsonl");
  assert.equal((await d.cli("alerts", "add", "--kind", "threshold", "--metric", "cpi", "--above", "0.02", "--by", "campaign", "--currency", "USD", "--id", "pricey")).code, 0);
  assert.equal((await d.cli("alerts", "webhook", "add", receiver.url, "--name", "team")).code, 0);
  api = inProcessApi(store, "127.0.0.1", { alerts: openAlertFiles(config) });
  token = (await createApiToken(store, "one-input")).token;
});
after(async () => {
  await receiver.close();
  await store.close();
});

/** Everything a write could change: row counts of every table, the alerts log, webhook posts. */
async function snapshot(): Promise<string> {
  const tables = ["spend", "platform_reach", "fx_rates", "imports", "events", "invalid_counts", "contracts", "api_tokens", "cpi_meta"];
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await store.query(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n);
  let log = "";
  try {
    log = readFileSync(alertsLog, "utf8");
  } catch {
    log = "(none)";
  }
  return JSON.stringify({ counts, log, posts: receiver.requests });
}

const SPEND = "date,campaign,source,currency,cost,impressions,clicks\n2026-10-01,Probe,direct,USD,999999,1,0\n";

test("the probe's reproductions: dry_run twice, or dry_run in the query and the form, write nothing without a token", async () => {
  const before = await snapshot();
  const twice = multipart([{ name: "spend.csv", content: SPEND }]);
  const r1 = await api.call("/api/imports?dry_run=true&dry_run=false", { method: "POST", headers: { "content-type": twice.type }, body: twice.body });
  assert.equal(r1.status, 400, r1.text);
  assert.equal(r1.json.error.code, "repeated_param");
  assert.match(r1.json.error.message, /'dry_run' is given more than once/);
  const both = multipart([{ name: "spend.csv", content: SPEND }], { dry_run: "false" });
  const r2 = await api.call("/api/imports?dry_run=true", { method: "POST", headers: { "content-type": both.type }, body: both.body });
  assert.equal(r2.status, 400, r2.text);
  assert.equal(r2.json.error.code, "conflicting_param");
  assert.match(r2.json.error.message, /'dry_run' is given both in the query string and in the form/);
  const r3 = await api.call("/api/alerts/check?date=2026-11-20&dry_run=true&dry_run=false", { method: "POST" });
  assert.equal(r3.status, 400, r3.text);
  assert.match(r3.json.error.message, /'dry_run'/);
  // A dry run given once is a dry run for everyone who reads the request: it writes nothing.
  const r4 = await api.call("/api/alerts/check?date=2026-11-20&dry_run=true", { method: "POST" });
  assert.equal(r4.status, 200, r4.text);
  assert.ok(r4.json.fired.length > 0, "alerts fire (and would be posted by a real check)");
  const r5 = await api.call("/api/imports?dry_run=true", { method: "POST", headers: { "content-type": twice.type }, body: twice.body });
  assert.equal(r5.status, 200, r5.text);
  assert.equal(await snapshot(), before, "no row, no alert record, no webhook post");
  // With dry_run=false said once, it is a write: a token is needed, on loopback too.
  const r6 = await api.call("/api/imports?dry_run=false", { method: "POST", headers: { "content-type": twice.type }, body: twice.body });
  assert.equal(r6.status, 401, r6.text);
  const r7 = await api.call("/api/alerts/check?date=2026-11-20", { method: "POST" });
  assert.equal(r7.status, 401, r7.text);
  assert.equal(await snapshot(), before);
});

/** A request that gives `field` twice or in two places, for an endpoint of this kind. */
interface Form {
  name: string;
  target: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

function formsFor(method: string, path: string, input: string, field: string, isArray: boolean, pathParams: string[]): Form[] {
  const concrete = path.replace(/\{(\w+)\}/g, "1");
  const v = "true";
  const forms: Form[] = [];
  const json = (body: string, query = "") => ({ target: `${concrete}${query}`, headers: { "content-type": "application/json" }, body });
  const form = (fields: [string, string][], query = "") => {
    const boundary = "----cpiOneInput";
    const parts = fields.map(([k, x]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${x}\r\n`).join("");
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="spend.csv"\r\nContent-Type: text/csv\r\n\r\n${SPEND}\r\n`;
    return { target: `${concrete}${query}`, headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body: `${parts}${file}--${boundary}--\r\n` };
  };
  if (pathParams.includes(field)) {
    forms.push({ name: "path and query", target: `${concrete}?${field}=1`, headers: {} });
    if (input === "json") forms.push({ name: "path and body", ...json(`{"${field}":1}`) });
    if (input === "multipart") forms.push({ name: "path and form", ...form([[field, "1"]]) });
    return forms;
  }
  const encoded = `%${field.charCodeAt(0).toString(16).toUpperCase()}${field.slice(1)}`;
  if (input === "query") {
    if (isArray) return []; // `where=…&where=…` is how a list is given
    forms.push({ name: "query twice", target: `${concrete}?${field}=${v}&${field}=false`, headers: {} });
    forms.push({ name: "query twice, one name percent-encoded", target: `${concrete}?${field}=${v}&${encoded}=false`, headers: {} });
  } else if (input === "json") {
    forms.push({ name: "JSON key twice", ...json(`{"${field}":${JSON.stringify(v)},"${field}":"false"}`) });
    forms.push({ name: "JSON key twice, escaped", ...json(`{"${field}":${JSON.stringify(v)},"\\u${field.charCodeAt(0).toString(16).padStart(4, "0")}${field.slice(1)}":"false"}`) });
    forms.push({ name: "query beside the body", ...json(`{"${field}":${JSON.stringify(v)}}`, `?${field}=false`) });
  } else {
    forms.push({ name: "query twice", ...form([], `?${field}=${v}&${encoded}=false`) });
    forms.push({ name: "query and form", ...form([[field, "false"]], `?${field}=${v}`) });
    forms.push({ name: "form twice", ...form([
      [field, v],
      [field, "false"],
    ]) });
  }
  return forms.map((f) => ({ ...f, name: `${method} ${path} ${field}: ${f.name}` }));
}

test("every endpoint refuses every duplicated and conflicting form of every parameter, and writes nothing", async () => {
  const before = await snapshot();
  const endpoints = allEndpoints("127.0.0.1", openAlertFiles(join(dir, "demo.alerts.json")));
  let sent = 0;
  for (const e of endpoints) {
    const json = z.toJSONSchema(e.schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, { type?: string }> };
    const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const fields = Object.entries(json.properties ?? {});
    if (fields.length === 0) fields.push(["dry_run", {}]); // an endpoint without fields: a made-up one, repeated, is still refused first
    for (const [field, s] of fields) {
      for (const f of formsFor(e.method, e.path, e.input, field, s.type === "array", pathParams)) {
        for (const headers of [{}, auth()]) {
          const r = await api.call(f.target, { method: e.method, headers: { ...f.headers, ...headers }, ...(f.body !== undefined ? { body: f.body } : {}) });
          sent++;
          const who = `${f.name} (${"authorization" in headers ? "with" : "without"} a token)`;
          if (r.status === 401 && !("authorization" in headers)) continue; // a write endpoint refuses before reading anything
          assert.equal(r.status, 400, `${who}: ${r.text}`);
          assert.ok(["repeated_param", "conflicting_param", "unexpected_query"].includes(r.json.error.code), `${who}: ${r.text}`);
          assert.ok(r.json.error.message.includes(`'${field}'`), `${who} names the parameter: ${r.json.error.message}`);
        }
      }
    }
  }
  console.log(`one input: ${sent} duplicated or conflicting requests over ${endpoints.length} endpoints, every one refused`);
  assert.ok(sent > 150);
  assert.equal(await snapshot(), before, "nothing was written");
});

test("a path parameter that is not valid percent-encoding is a 400 naming it", async () => {
  const r = await api.call("/api/contracts/%E0", { method: "DELETE", headers: auth() });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /path parameter 'id'/);
});

test("a page of another origin cannot even dry-run without a token; the server's own page and token holders can", async () => {
  const m = multipart([{ name: "spend.csv", content: SPEND }]);
  const post = (headers: Record<string, string>) => api.call("/api/imports?dry_run=true", { method: "POST", headers: { "content-type": m.type, ...headers }, body: m.body });
  const foreign = await post({ origin: "https://evil.example" });
  assert.equal(foreign.status, 403, foreign.text);
  assert.equal(foreign.json.error.code, "cross_origin");
  assert.equal((await post({ origin: "null" })).status, 403);
  assert.equal((await post({ "sec-fetch-site": "cross-site" })).status, 403);
  assert.equal((await post({ origin: "http://127.0.0.1:8080" })).status, 200, "the dashboard's own origin");
  assert.equal((await post({ origin: "https://evil.example", ...auth() })).status, 200, "a bearer token is never a browser's doing");
});

test("a form field without a name, twice, is refused like any other (busboy names it undefined)", async () => {
  const boundary = "----cpiNameless";
  const body = `--${boundary}\r\nContent-Disposition: form-data; name=""\r\n\r\nx\r\n--${boundary}\r\nContent-Disposition: form-data; name=""\r\n\r\ny\r\n--${boundary}--\r\n`;
  const r = await api.call("/api/fx", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}`, ...auth() }, body });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, "repeated_param");
});

test("a multipart body that ends inside a file is a 400, not an error that escapes the request", async () => {
  const boundary = "----cpiCut";
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ndate,campaign\r\n2026-10-01,a`;
  const r = await api.call("/api/imports?dry_run=true", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, "bad_multipart");
});
